// The capture of the bot's generated password against moto_server on loopback (CloudWatch Logs
// and Secrets Manager; moto ignores `unmask`, so what is read is what the fake bot wrote). Whether
// the reads ask for unmasked events is seen on a simulated CloudWatch Logs (aws-sdk-client-mock).
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MotoServer, motoClientConfig, PASSWORD_SAMPLES, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { mockClient } from 'aws-sdk-client-mock';
import { captureGeneratedPassword, captureToken, newestBanner, readBannersSince } from './botPassword';

const GROUP = '/wickr-dr/prod/bot';
const config = { s3_bucket_name: 'b', s3_region: 'us-east-1', s3_folder_name: 'f', sns_topic_arn: 't' };

describe('captureGeneratedPassword (moto_server)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let logs: CloudWatchLogsClient;
  let secrets: SecretsManagerClient;
  let secretId: string;
  let stream = 0;
  beforeAll(async () => {
    moto = await startMoto();
    logs = new CloudWatchLogsClient(motoClientConfig(moto));
    secrets = new SecretsManagerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    logs?.destroy();
    secrets?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    secretId = (await secrets.send(new CreateSecretCommand({ Name: 'prod-bot-secret', SecretString: JSON.stringify({ ...config, password: 'Initial-Pw-0001' }) }))).ARN!;
  });

  async function prints(lines: string[]) {
    const logStreamName = `bot/${++stream}`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName }));
    await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName, logEvents: lines.map((message, i) => ({ message, timestamp: Date.now() + 1000 + i })) }));
  }
  const password = async () => JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString!).password;
  const capture = (options = {}) => captureGeneratedPassword({ logs, secrets }, { logGroupName: GROUP, secretId, config: () => config }, options);

  it('stores the value once; a second look finds it stored', async () => {
    const sample = PASSWORD_SAMPLES.adminGuide;
    await prints([...sample.events, 'Login successful']);
    expect(await capture()).toMatchObject({ outcome: 'captured', loggedInAt: expect.any(Number) });
    expect(await password()).toBe(sample.password);
    expect(await capture()).toMatchObject({ outcome: 'already-stored' });
  });

  it('derives the write token from the log event and the secret it replaces, the same on every look', () => {
    expect(captureToken('arn:secret', 'event-1', 5)).toBe(captureToken('arn:secret', 'event-1', 5));
    expect(captureToken('arn:secret', 'event-1', 5)).not.toBe(captureToken('arn:secret', 'event-2', 5));
    expect(captureToken('arn:secret', 'event-1', 5)).not.toBe(captureToken('arn:secret', 'event-1', 6));
    expect(captureToken('arn:secret', 'event-1', 5)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('repairs a secret the bot refused after it changed, only when asked to repair', async () => {
    const sample = PASSWORD_SAMPLES.adminGuide;
    await prints([...sample.events, 'Login successful']);
    await capture();
    // Somebody puts a spent password back; the bot's next start refuses it.
    await new Promise(r => setTimeout(r, 2500)); // moto keeps LastChangedDate in whole seconds
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify({ ...config, password: 'Spent-Initial-Pw-0001' }) }));
    await new Promise(r => setTimeout(r, 2500)); // moto keeps LastChangedDate in whole seconds
    await prints(['Login failed: invalid password']);

    expect(await capture()).toMatchObject({ outcome: 'already-stored' });
    expect(await password()).toBe('Spent-Initial-Pw-0001');
    expect(await capture({ repair: true })).toMatchObject({ outcome: 'captured' });
    expect(await password()).toBe(sample.password);
  });

  it('does not touch a secret that changed after the banner without a refused login, even when repairing', async () => {
    await prints([...PASSWORD_SAMPLES.adminGuide.events, 'Login successful']);
    await capture();
    await new Promise(r => setTimeout(r, 2500)); // moto keeps LastChangedDate in whole seconds
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify({ ...config, password: 'New-Initial-From-Admin-0002' }) }));
    expect(await capture({ repair: true })).toMatchObject({ outcome: 'already-stored' });
    expect(await password()).toBe('New-Initial-From-Admin-0002');
  });
});

describe('reading the bot log (simulated CloudWatch Logs)', () => {
  it('asks FilterLogEvents and GetLogEvents for unmasked events, for the step and the keeper alike', async () => {
    const client = new CloudWatchLogsClient({ region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const logs = mockClient(client);
    const sample = PASSWORD_SAMPLES.adminGuide;
    logs.on(FilterLogEventsCommand).resolves({ events: [{ eventId: 'e1', logStreamName: 'bot/1', timestamp: 1_000, message: sample.events[1] }] });
    logs.on(GetLogEventsCommand).resolves({ events: sample.events.map((message, i) => ({ timestamp: 1_000 + i, message })) });

    expect((await newestBanner(client, GROUP, 0))?.banner).toMatchObject({ kind: 'password', value: sample.password });
    expect(await readBannersSince(client, GROUP, 0)).toHaveLength(1);
    expect(logs.commandCalls(FilterLogEventsCommand).map(call => call.args[0].input.unmask)).toEqual([true, true]);
    expect(logs.commandCalls(GetLogEventsCommand).map(call => call.args[0].input.unmask)).toEqual([true, true]);
  });
});
