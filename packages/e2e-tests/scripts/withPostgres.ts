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
} from '@internal/plugin-wickr-dr-common/testUtils';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function say(line: string) {
  process.stderr.write(`with-postgres: ${line}\n`);
}

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

  if (!command) {
    process.stdout.write(`export ${VARIABLE}='${process.env[VARIABLE]}'\n`);
    say('Ctrl-C stops it');
    const signal = await new Promise<NodeJS.Signals>(resolve => {
      for (const s of SIGNALS) process.once(s, () => resolve(s));
    });
    await stop();
    return 128 + os.constants.signals[signal];
  }

  const child = spawn(command, args, { stdio: 'inherit', env: process.env });
  // Ctrl-C reaches the command from the terminal too; forwarding covers a
  // signal sent to this process alone. The server stops once the command has.
  for (const s of SIGNALS) process.on(s, () => child.kill(s));
  const code = await new Promise<number>(resolve => {
    child.once('error', e => {
      say(`cannot run ${command}: ${e.message}`);
      resolve(127);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + os.constants.signals[signal] : 1)));
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
