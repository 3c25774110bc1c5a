import { existsSync } from 'node:fs';
import net from 'node:net';
import { POSTGRES_CONNECTION_STRING_VARIABLE, startPostgres, testPostgres } from './postgres';

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startPostgres', () => {
  it('starts a server on loopback that stop() shuts down', async () => {
    const pg = await startPostgres();
    expect(pg.host).toBe('127.0.0.1');
    expect(pg.connectionString).toBe(`postgresql://postgres:${pg.password}@127.0.0.1:${pg.port}`);
    expect(await accepts(pg.host, pg.port)).toBe(true);
    expect(existsSync(pg.directory)).toBe(true);
    await pg.stop();
    expect(await accepts(pg.host, pg.port)).toBe(false);
    expect(existsSync(pg.directory)).toBe(false);
  }, 60_000);
});

describe('testPostgres', () => {
  const saved = process.env[POSTGRES_CONNECTION_STRING_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[POSTGRES_CONNECTION_STRING_VARIABLE];
    else process.env[POSTGRES_CONNECTION_STRING_VARIABLE] = saved;
  });

  it('reads the connection string TestDatabases uses', () => {
    process.env[POSTGRES_CONNECTION_STRING_VARIABLE] = 'postgresql://u%40x:p%3Aw@127.0.0.1:5433';
    expect(testPostgres()).toEqual({
      connectionString: 'postgresql://u%40x:p%3Aw@127.0.0.1:5433',
      host: '127.0.0.1',
      port: 5433,
      user: 'u@x',
      password: 'p:w',
    });
  });

  it('names the variable and npm test when it is missing', () => {
    delete process.env[POSTGRES_CONNECTION_STRING_VARIABLE];
    expect(() => testPostgres()).toThrow(
      /^BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: run the tests through `npm test`/,
    );
  });
});
