import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** moto_server's fixed account. */
export const MOTO_ACCOUNT_ID = '123456789012';

export interface MotoServer {
  /** http://127.0.0.1:PORT: give it to SDK clients as `endpoint`. */
  readonly endpoint: string;
  /** Clears every emulated resource. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials moto accepts; never real ones. */
export const motoCredentials = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
};

/** SDK client settings for moto: its endpoint, fake credentials, and no retries (it answers unimplemented calls with 500). */
export function motoClientConfig(moto: MotoServer, region = 'us-east-1') {
  return {
    endpoint: moto.endpoint,
    region,
    credentials: motoCredentials,
    maxAttempts: 1,
    forcePathStyle: true,
  };
}

/** A free TCP port on loopback, as the OS hands it out. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts moto_server on a free loopback port and waits until it answers. Fails
 * with an install hint if moto_server is not on the PATH.
 */
export async function startMoto(): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', d => (stderr += d));
  const spawnError = new Promise<Error>(resolve => child.once('error', resolve));

  const deadline = Date.now() + 30_000;
  while (!(await answers(endpoint))) {
    const failed = await Promise.race([spawnError, new Promise(r => setTimeout(r, 100))]);
    if (failed instanceof Error) {
      throw new Error(
        `cannot start moto_server (${failed.message}); install it with: pip install "moto[server]==5.2.1"`,
      );
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr.slice(-2000)}`);
    }
  }
  return {
    endpoint,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      child.kill('SIGTERM');
      await exitOf(child);
    },
  };
}
