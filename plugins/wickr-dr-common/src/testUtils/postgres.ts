import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from './moto';

/**
 * The variable @backstage/backend-test-utils' TestDatabases reads for its
 * POSTGRES_15 database; `npm test` sets it to the server it starts.
 */
export const POSTGRES_CONNECTION_STRING_VARIABLE = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

export interface PostgresConnection {
  /** postgresql://USER:PASSWORD@HOST:PORT */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export interface PostgresServer extends PostgresConnection {
  /** The temporary directory holding the data directory; stop() removes it. */
  readonly directory: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'install it with: apt-get install -y postgresql';

/** The directory holding initdb and postgres: Debian's newest /usr/lib/postgresql/N/bin, else the PATH. */
export function postgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter(v => /^\d+$/.test(v) && existsSync(path.join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'))) {
      return dir;
    }
  }
  return undefined;
}

/** initdb and postgres refuse to run as root; as root we run them as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root, PostgreSQL needs a `postgres` system user to run as; ' +
        `it comes with Debian's package: ${INSTALL_HINT}`,
    );
  }
}

function run(file: string, args: string[], options: { uid?: number; gid?: number; cwd: string }) {
  return new Promise<void>((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function connectionString(c: { user: string; password: string; host: string; port: number }) {
  return `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}`;
}

/**
 * Starts a throwaway PostgreSQL: a fresh data directory in the OS temp dir,
 * listening on 127.0.0.1 only (no Unix socket) on a free port, password
 * (scram-sha-256) authentication, tuned for tests (no fsync). Fails with an
 * install hint when PostgreSQL is not installed. `stop()` shuts it down and
 * removes the directory; a process that exits without calling it still kills
 * the server.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      `PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on the PATH); ${INSTALL_HINT}`,
    );
  }
  const owner = serverUser();
  const user = 'postgres';
  const password = `test-${Math.random().toString(36).slice(2, 12)}`;
  const host = '127.0.0.1';

  const dir = mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-postgres-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pwfile');
  let child: ChildProcess | undefined;
  const killOnExit = () => {
    child?.kill('SIGQUIT');
    removeDir();
  };
  try {
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) {
      chownSync(dir, owner.uid, owner.gid);
      chownSync(pwfile, owner.uid, owner.gid);
    }
    const as = { ...owner, cwd: dir };
    await run(
      path.join(bin, 'initdb'),
      ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
      as,
    );
    rmSync(pwfile);

    // The port is free when asked; another process may take it before the
    // server binds, so try a few. The server gets its own process group, so a
    // Ctrl-C stops the tests before it, and stop() (or the exit hook) ends it.
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      const server = spawn(
        path.join(bin, 'postgres'),
        [
          '-D',
          data,
          '-c',
          `listen_addresses=${host}`,
          '-c',
          `port=${port}`,
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=500',
          '-c',
          'shared_buffers=32MB',
        ],
        { ...as, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
      );
      child = server;
      process.once('exit', killOnExit);
      let stderr = '';
      server.stderr!.on('data', d => (stderr += d));
      const started = await new Promise<boolean>(resolve => {
        const deadline = setTimeout(() => resolve(false), 30_000);
        server.once('error', () => resolve(false));
        server.once('exit', () => resolve(false));
        server.stderr!.on('data', () => {
          if (stderr.includes('ready to accept connections')) {
            clearTimeout(deadline);
            resolve(true);
          }
        });
      });
      if (started) {
        const conn = { user, password, host, port };
        return {
          ...conn,
          directory: dir,
          connectionString: connectionString(conn),
          async stop() {
            process.removeListener('exit', killOnExit);
            server.kill('SIGINT'); // fast shutdown
            await exitOf(server);
            removeDir();
          },
        };
      }
      server.kill('SIGKILL');
      await exitOf(server);
      process.removeListener('exit', killOnExit);
      if (attempt >= 3 || !/could not bind|Address already in use/i.test(stderr)) {
        throw new Error(`PostgreSQL did not start on ${host}:${port}: ${stderr.slice(-2000)}`);
      }
    }
  } catch (e) {
    removeDir();
    throw e;
  }
}

/**
 * The PostgreSQL `npm test` started for this run, from
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (the variable
 * TestDatabases uses for POSTGRES_15). Throws when it is not set.
 */
export function testPostgres(): PostgresConnection {
  const value = process.env[POSTGRES_CONNECTION_STRING_VARIABLE];
  if (!value) {
    throw new Error(
      `${POSTGRES_CONNECTION_STRING_VARIABLE} is not set: run the tests through \`npm test\` ` +
        '(it starts a throwaway PostgreSQL and sets it; one package: ' +
        '`npm run with-postgres -- backstage-cli repo test plugins/NAME` at the root), ' +
        'or set it to a PostgreSQL 15 server, e.g. postgresql://postgres:PASSWORD@127.0.0.1:5432',
    );
  }
  const url = new URL(value);
  return {
    connectionString: value,
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}
