import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConfigReader } from '@backstage/config';
import { MotoServer, startMoto } from '@internal/plugin-wickr-dr-common/testUtils';
import { AwsClients } from './awsClients';

// Real SDK against moto_server on loopback: credentials from `aws.*`, endpoint from `wickrDr.endpoint`.
describe('AwsClients', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  const config = (extra: object = {}) =>
    new ConfigReader({
      aws: {
        mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        accounts: [{ accountId: '123456789012', accessKeyId: 'testing', secretAccessKey: 'testing' }],
      },
      wickrDr: { endpoint: moto.endpoint },
      ...extra,
    });

  it('sends calls to the configured endpoint with the configured credentials', async () => {
    const clients = AwsClients.fromConfig(config());
    const cloudformation = await clients.get(CloudFormationClient, { region: 'ca-central-1' });
    const answer = await cloudformation.send(new ListStacksCommand({}));
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(await cloudformation.config.region()).toBe('ca-central-1');
    const credentials = await cloudformation.config.credentials();
    expect(credentials.accessKeyId).toBe('testing');
  });

  it('caches one client per class, account and region', async () => {
    const clients = AwsClients.fromConfig(config());
    const a = await clients.get(CloudFormationClient, { region: 'us-east-1' });
    const b = await clients.get(CloudFormationClient, { region: 'us-east-1' });
    const c = await clients.get(CloudFormationClient, { region: 'us-east-1', accountId: '123456789012' });
    const d = await clients.get(CloudFormationClient, { region: 'eu-west-2' });
    expect(a).toBe(b);
    expect(new Set([a, c, d]).size).toBe(3);
  });

  it('uses the SDK regional endpoints when no endpoint is configured', async () => {
    const clients = AwsClients.fromConfig(new ConfigReader({}));
    expect(clients.endpoint).toBeUndefined();
    const settings = await clients.clientConfig({ region: 'eu-west-2' });
    expect(settings).not.toHaveProperty('endpoint');
    expect(settings).not.toHaveProperty('maxAttempts');
  });
});
