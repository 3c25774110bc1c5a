import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConfigReader } from '@backstage/config';
import { MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AwsClients } from './awsClients';
import { AccountNotAllowedError, awsErrorLine } from './awsErrors';
import { describeStack } from './cloudformation';

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
        accountDefaults: { roleName: 'AnyRole' },
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

  it('refuses an account that is not configured, even when accountDefaults.roleName would assume a role in it', async () => {
    const clients = AwsClients.fromConfig(config());
    const refused = clients.get(CloudFormationClient, { region: 'us-east-1', accountId: '999999999999' });
    await expect(refused).rejects.toThrow(AccountNotAllowedError);
    await expect(clients.get(CloudFormationClient, { region: 'us-east-1', accountId: '999999999999' })).rejects.toThrow(
      'accountId: 999999999999 is not an account this portal may deploy to; it must be one of the accounts configured under aws.accounts (123456789012), or empty for the main account',
    );
  });

  it('uses the SDK regional endpoints and 5 adaptive attempts when no endpoint is configured', async () => {
    const clients = AwsClients.fromConfig(new ConfigReader({}));
    expect(clients.endpoint).toBeUndefined();
    const settings = await clients.clientConfig({ region: 'eu-west-2' });
    expect(settings).not.toHaveProperty('endpoint');
    expect(settings).toMatchObject({ maxAttempts: 5, retryMode: 'adaptive' });
  });

  it('says whose credentials a target uses, with the role assumed', () => {
    const clients = AwsClients.fromConfig(
      new ConfigReader({
        aws: {
          accountDefaults: { roleName: 'BackstageWickrDr' },
          accounts: [{ accountId: '111111111111' }, { accountId: '222222222222', roleName: 'WickrDrDeployer' }],
        },
      }),
    );
    expect(clients.describeIdentity({ region: 'us-east-1', accountId: '111111111111' })).toBe('account 111111111111 (role BackstageWickrDr)');
    expect(clients.describeIdentity({ region: 'us-east-1', accountId: '222222222222' })).toBe('account 222222222222 (role WickrDrDeployer)');
    expect(clients.describeIdentity({ region: 'us-east-1' })).toBe("the portal's main account (aws.mainAccount)");
  });

  it('sends one service to its own endpoint when wickrDr.endpoints names it', async () => {
    const clients = AwsClients.fromConfig(config({ wickrDr: { endpoint: moto.endpoint, endpoints: { wickr: 'http://127.0.0.1:1' } } }));
    expect(clients.endpointFor('wickr')).toBe('http://127.0.0.1:1');
    expect(clients.endpointFor('cloudformation')).toBe(moto.endpoint);
  });

  it("names the operation, the endpoint and moto's answer when a call fails", async () => {
    const cloudformation = await AwsClients.fromConfig(config()).get(CloudFormationClient, { region: 'us-east-1' });
    const error = await cloudformation.send(new DescribeStacksCommand({ StackName: 'nope' })).catch(e => e);
    expect(awsErrorLine(error)).toBe(
      `CloudFormation DescribeStacks at ${moto.endpoint}/: ValidationError: Stack with id nope does not exist`,
    );
    expect(await describeStack(cloudformation, 'nope')).toBeUndefined();
  });

  it('says in words that nothing answered at the endpoint', async () => {
    const cloudformation = await AwsClients.fromConfig(config({ wickrDr: { endpoint: 'http://127.0.0.1:1' } })).get(CloudFormationClient, { region: 'us-east-1' });
    const error = await cloudformation.send(new DescribeStacksCommand({})).catch(e => e);
    expect(awsErrorLine(error)).toBe('CloudFormation DescribeStacks at http://127.0.0.1:1/: the connection was refused (ECONNREFUSED)');
  });

  it('says an HTML error page is not an AWS answer instead of a parser complaint', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>oops</h1></body></html>');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cloudformation = await AwsClients.fromConfig(config({ wickrDr: { endpoint } })).get(CloudFormationClient, { region: 'us-east-1' });
      const error = await cloudformation.send(new DescribeStacksCommand({})).catch(e => e);
      expect(awsErrorLine(error)).toBe(
        `CloudFormation DescribeStacks at ${endpoint}/: HTTP 500 with a body that is not an AWS answer: "502 Bad Gateway"`,
      );
    } finally {
      server.close();
    }
  });
});
