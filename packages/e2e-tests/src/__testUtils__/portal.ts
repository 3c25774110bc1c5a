import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { freeLoopbackPort } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

export const repoRoot = path.resolve(__dirname, '../../../..');
const backendDir = path.join(repoRoot, 'packages/backend');
const appDist = path.join(repoRoot, 'packages/app/dist/index.html');

/** The portal did not come up; carries what the backend printed. */
export class PortalStartError extends Error {
  constructor(readonly exitCode: number | null, readonly output: string) {
    super(
      exitCode === null
        ? `the portal did not become ready in time; its output:\n${output.slice(-4000)}`
        : `the portal exited with code ${exitCode}; its output:\n${output.slice(-4000)}`,
    );
    this.name = 'PortalStartError';
  }
}

export interface PortalOptions {
  /** Port for the backend, which also serves the built frontend. Default: a free one. */
  port?: number;
  /** Extra configuration, merged over app-config.yaml (and over the test overlay). */
  config?: Record<string, unknown>;
  /** Extra environment variables for the backend process. */
  env?: Record<string, string>;
  /** Start the backend without the Wickr data-retention plugins (for the start-up benchmark). */
  withoutWickrDr?: boolean;
  /** How long to wait for readiness. Default 4 minutes: several test backends may start at once on two cores. */
  timeoutMs?: number;
}

export interface RunningPortal {
  readonly baseUrl: string;
  readonly pid: number;
  /** Everything the backend printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The overlay every test portal gets: one port for app and backend, guest sign-in outside
 * development, and the production permission policy (owners) instead of the local allow-all.
 */
function testOverlay(port: number) {
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      cors: { origin: baseUrl },
    },
    auth: {
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    portal: { permissionPolicy: 'owners' },
  };
}

function writeConfig(dir: string, name: string, data: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, toYaml(data));
  return file;
}

function spawnBackend(configFiles: string[], options: PortalOptions): ChildProcess {
  const entry = options.withoutWickrDr ? 'src/withoutWickrDr.ts' : 'src/index.ts';
  const args = [
    '--require',
    require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
      paths: [repoRoot],
    }),
    entry,
    ...configFiles.flatMap(f => ['--config', f]),
  ];
  return spawn(process.execPath, args, {
    cwd: backendDir,
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts the real portal as production runs it: the backend's TypeScript entry under
 * Node, serving the built frontend, with the repository's app-config.yaml. Resolves
 * when the backend reports ready; rejects with the backend's own output if it exits.
 */
export async function startPortal(options: PortalOptions = {}): Promise<RunningPortal> {
  if (!fs.existsSync(appDist)) {
    throw new Error(
      'packages/app/dist is missing: build the frontend first with `npm run build:app`',
    );
  }
  const port = options.port ?? (await freeLoopbackPort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-portal-'));
  const configFiles = [
    path.join(repoRoot, 'app-config.yaml'),
    writeConfig(dir, 'test-overlay.yaml', testOverlay(port)),
    ...(options.config ? [writeConfig(dir, 'extra.yaml', options.config)] : []),
  ];
  const child = spawnBackend(configFiles, options);
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number | null>(r => child.once('exit', code => r(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new PortalStartError(child.exitCode, output);
    }
    if (await isReady(baseUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new PortalStartError(null, output);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return { baseUrl, pid: child.pid!, output: () => output, stop };
}
