/**
 * Runs a command with a throwaway PostgreSQL: `npm test` runs the tests
 * through it. It starts the server (startPostgres: a fresh data directory in
 * the temp dir, 127.0.0.1 on a free port), sets
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING for the command (the
 * variable TestDatabases reads for POSTGRES_15, and testPostgres() for the e2e
 * tests), and stops the server and removes its directory when the command
 * ends, fails or is interrupted. When the variable is already set, that server
 * is used and none is started.
 *
 *   npm run with-postgres -- backstage-cli repo test plugins/wickr-dr-backend
 *   npm run with-postgres          # no command: prints the export line, Ctrl-C stops it
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import {
  POSTGRES_CONNECTION_STRING_VARIABLE as VARIABLE,
  PostgresServer,
  startPostgres,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function say(line: string) {
  process.stderr.write(`with-postgres: ${line}\n`);
}

/**
 * A signal, or the death of the process that started this one (`npm test` killed
 * on its own: npm passes the signal to its shell, which dies without passing it
 * on), as SIGTERM. Registered before the server starts, so no signal leaves it
 * behind.
 */
const interruptions = {
  by: undefined as NodeJS.Signals | undefined,
  listeners: [] as Array<(signal: NodeJS.Signals) => void>,
  interrupt(signal: NodeJS.Signals) {
    this.by ??= signal;
    for (const listener of this.listeners) listener(signal);
  },
  next(): Promise<NodeJS.Signals> {
    return new Promise(resolve => (this.by ? resolve(this.by) : this.listeners.push(resolve)));
  },
};
for (const s of SIGNALS) process.on(s, () => interruptions.interrupt(s));
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(orphaned);
    interruptions.interrupt('SIGTERM');
  }
}, 500);
orphaned.unref();

const exitCodeOf = (signal: NodeJS.Signals) => 128 + os.constants.signals[signal];

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);

  let server: PostgresServer | undefined;
  if (process.env[VARIABLE]) {
    say(`using the PostgreSQL in ${VARIABLE}`);
  } else {
    try {
      server = await startPostgres();
    } catch (e) {
      say((e as Error).message.split('\n')[0]);
      return 1;
    }
    process.env[VARIABLE] = server.connectionString;
    say(`PostgreSQL on ${server.host}:${server.port} (${server.directory})`);
  }
  const stop = async () => {
    if (server) {
      const s = server;
      server = undefined;
      await s.stop();
    }
  };
  if (interruptions.by) {
    await stop();
    return exitCodeOf(interruptions.by);
  }

  if (!command) {
    process.stdout.write(`export ${VARIABLE}='${process.env[VARIABLE]}'\n`);
    say('Ctrl-C stops it');
    const signal = await interruptions.next();
    await stop();
    return exitCodeOf(signal);
  }

  const child = spawn(command, args, { stdio: 'inherit', env: process.env });
  // Ctrl-C reaches the command from the terminal too; passing signals on covers
  // one sent to this process alone. The server stops once the command has.
  interruptions.listeners.push(signal => child.kill(signal));
  const code = await new Promise<number>(resolve => {
    child.once('error', e => {
      say(`cannot run ${command}: ${e.message}`);
      resolve(127);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? exitCodeOf(signal) : 1)));
  });
  await stop();
  return code;
}

main().then(
  code => process.exit(code),
  e => {
    say(String((e as Error)?.stack ?? e));
    process.exit(1);
  },
);
