import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadBucketCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, ListSecretsCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  FaultProxy,
  MotoServer,
  motoClientConfig,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { awsErrorLine } from './awsErrors';
import { faultAwsClients } from './testUtils';

// How a failed call reads, for each AWS protocol the portal speaks: the real SDK with the
// portal's retry settings (adaptive, 3 attempts) against moto_server behind the fault proxy.
describe('awsErrorLine (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  const target = { region: 'us-east-1' };
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => proxy.reset());

  const attempts = (operation: string) => proxy.calls().filter(c => c.operation === operation).length;

  it('names the operation, the endpoint and the HTML page for each protocol, after the retries', async () => {
    const clients = faultAwsClients(proxy);
    proxy.inject({ operation: '*', fault: 'html', count: 9 });
    const cloudformation = await clients.get(CloudFormationClient, target);
    const secrets = await clients.get(SecretsManagerClient, target);
    const s3 = await clients.get(S3Client, target);
    const lines = [
      awsErrorLine(await cloudformation.send(new ListStacksCommand({})).catch(e => e)),
      awsErrorLine(await secrets.send(new ListSecretsCommand({})).catch(e => e)),
      awsErrorLine(await s3.send(new ListObjectVersionsCommand({ Bucket: 'b' })).catch(e => e)),
    ];
    const page = 'HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts)';
    expect(lines).toEqual([
      `CloudFormation ListStacks at ${proxy.endpoint}/: ${page}`,
      `SecretsManager ListSecrets at ${proxy.endpoint}/: ${page}`,
      `S3 ListObjectVersions at ${proxy.endpoint}/b: ${page}`,
    ]);
    expect([attempts('ListStacks'), attempts('ListSecrets'), attempts('ListObjectVersions')]).toEqual([3, 3, 3]);
  });

  it('gives up on throttling after maxAttempts, and says the error and the attempts', async () => {
    const clients = faultAwsClients(proxy);
    proxy.inject({ operation: '*', fault: 'throttle', count: 100 });
    const cloudformation = await clients.get(CloudFormationClient, target);
    const secrets = await clients.get(SecretsManagerClient, target);
    const s3 = await clients.get(S3Client, target);
    // Three clients, so three retry strategies: run at once.
    const lines = await Promise.all([
      cloudformation.send(new ListStacksCommand({})).catch(awsErrorLine),
      secrets.send(new ListSecretsCommand({})).catch(awsErrorLine),
      s3.send(new ListObjectVersionsCommand({ Bucket: 'b' })).catch(awsErrorLine),
      // HEAD has no body: the SDK knows only the status.
      s3.send(new HeadBucketCommand({ Bucket: 'b' })).catch(awsErrorLine),
    ]);
    expect(lines).toEqual([
      `CloudFormation ListStacks at ${proxy.endpoint}/: Throttling: Rate exceeded (3 attempts)`,
      `SecretsManager ListSecrets at ${proxy.endpoint}/: ThrottlingException: Rate exceeded (3 attempts)`,
      `S3 ListObjectVersions at ${proxy.endpoint}/b: SlowDown: Please reduce your request rate. (3 attempts)`,
      `S3 HeadBucket at ${proxy.endpoint}/b: HTTP 503 with no error in the answer (3 attempts)`,
    ]);
    // Never retried without bound: exactly maxAttempts each, and every one was throttled.
    expect(['ListStacks', 'ListSecrets', 'ListObjectVersions', 'HeadBucket'].map(attempts)).toEqual([3, 3, 3, 3]);
    expect(proxy.calls().every(c => c.faulted === 'throttle')).toBe(true);
  });

  it('says a connection reset in words, and a write retried after a lost answer is the same request', async () => {
    const clients = faultAwsClients(proxy);
    const secrets = await clients.get(SecretsManagerClient, target);
    proxy.inject({ operation: 'ListSecrets', fault: 'reset', count: 3 });
    expect(awsErrorLine(await secrets.send(new ListSecretsCommand({})).catch(e => e))).toBe(
      `SecretsManager ListSecrets at ${proxy.endpoint}/: the connection was reset (ECONNRESET) (3 attempts)`,
    );

    const { ARN } = await new SecretsManagerClient(motoClientConfig(moto)).send(new CreateSecretCommand({ Name: 'reset-test' }));
    proxy.inject({ operation: 'PutSecretValue', fault: 'reset', afterForward: true });
    const put = await secrets.send(new PutSecretValueCommand({ SecretId: ARN, SecretString: 'v1', ClientRequestToken: 'token-0001-0001-0001-000000000001' }));
    expect(put.VersionId).toBe('token-0001-0001-0001-000000000001');
    const tokens = proxy.calls().filter(c => c.operation === 'PutSecretValue').map(c => [c.status, c.token]);
    expect(tokens).toEqual([
      [0, 'token-0001-0001-0001-000000000001'],
      [200, 'token-0001-0001-0001-000000000001'],
    ]);
  });

  it('reads a gateway page under an XML content type as a page, not as a parser complaint', async () => {
    const gateway = http.createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'application/xml' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>');
    });
    await new Promise<void>(resolve => gateway.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    try {
      const s3 = await faultAwsClients({ endpoint }, { retry: { maxAttempts: 1, mode: 'adaptive' } }).get(S3Client, target);
      const error = await s3.send(new CreateBucketCommand({ Bucket: 'b' })).catch(e => e);
      expect(awsErrorLine(error)).toBe(`S3 CreateBucket at ${endpoint}/b: HTTP 502 with a body that is not an AWS answer: "502 Bad Gateway"`);
    } finally {
      gateway.close();
    }
  });
});
