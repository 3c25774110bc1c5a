import net from 'node:net';
import { freeLoopbackPort } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { PortalStartError, startPortal } from './__testUtils__/portal';

/** Starts the real backend with a broken setting and returns how it failed. */
async function startFailure(options: Parameters<typeof startPortal>[0]) {
  try {
    const portal = await startPortal({ timeoutMs: 60_000, ...options });
    await portal.stop();
  } catch (error) {
    if (error instanceof PortalStartError) return error;
    throw error;
  }
  throw new Error('the portal started although its configuration is broken');
}

describe('the portal with bad configuration', () => {
  jest.setTimeout(120_000);

  it('exits and names the port when it is already in use', async () => {
    const port = await freeLoopbackPort();
    const squatter = net.createServer().listen(port, '127.0.0.1');
    try {
      const failure = await startFailure({ port });
      expect(failure.exitCode).toBe(1);
      expect(failure.output).toContain(
        `The portal backend could not start: port ${port} on 127.0.0.1 is already in use; stop what holds it or change backend.listen.port in app-config.yaml`,
      );
    } finally {
      squatter.close();
    }
  });

  it('exits and names the key and file of a value of the wrong type', async () => {
    const failure = await startFailure({
      config: { backend: { listen: { port: 'seven-thousand' } } },
    });
    expect(failure.exitCode).toBe(1);
    expect(failure.output).toContain(
      "The portal backend could not start: Unable to convert config value for key 'backend.listen.port' in 'extra.yaml' to a number",
    );
  });

  it('exits and names a database client that does not exist', async () => {
    const failure = await startFailure({
      config: { backend: { database: { client: 'oracle-db', connection: ':memory:' } } },
    });
    expect(failure.exitCode).toBe(1);
    expect(failure.output).toContain(
      "The portal backend could not start: Unsupported database client type 'oracle-db' specified\n",
    );
  });
});
