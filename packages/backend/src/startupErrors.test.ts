import { describeStartupError } from './startupErrors';

describe('describeStartupError', () => {
  it('reduces a per-plugin failure to its root cause, once', () => {
    const wrapped = (plugin: string) =>
      `  Plugin '${plugin}' startup failed; caused by Error: Failed to instantiate service 'core.httpRouter' for '${plugin}' because the factory function threw an error, Error: Unsupported database client type 'oracle-db' specified for plugin '${plugin}'`;
    const error = new Error(
      ['Backend startup failed due to the following errors:', wrapped('app'), wrapped('catalog')].join('\n'),
    );
    expect(describeStartupError(error)).toBe(
      "Unsupported database client type 'oracle-db' specified",
    );
  });

  it('names the port and the setting when the port is taken', () => {
    const error = Object.assign(new Error('listen EADDRINUSE'), {
      code: 'EADDRINUSE',
      address: '127.0.0.1',
      port: 7007,
    });
    expect(describeStartupError(error)).toBe(
      'port 7007 on 127.0.0.1 is already in use; stop what holds it or change backend.listen.port in app-config.yaml',
    );
  });
});
