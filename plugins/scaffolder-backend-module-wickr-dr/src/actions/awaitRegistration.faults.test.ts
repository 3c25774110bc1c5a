// wickr-dr:bot:await-registration (the password capture) against moto_server behind the fault
// proxy (both on loopback): real CloudWatch Logs and Secrets Manager calls retried by the
// portal's strategy (adaptive, 3 attempts), faults on the wire, the secret's versions read after.
import fs from 'node:fs';
import path from 'node:path';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FaultProxy,
  FaultRule,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  PASSWORD_SAMPLES,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { captureToken, describeSecret, newestBanner, stackOutputs } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { faultAwsClients, seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createAwaitRegistrationAction } from './awaitRegistration';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };
const INITIAL = 'Initial-Password-Of-The-Console-0001';
const SAMPLE = Object.values(PASSWORD_SAMPLES)[0];

describe('wickr-dr:bot:await-registration with faults (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let logs: CloudWatchLogsClient;
  let secrets: SecretsManagerClient;
  let secretArn: string;
  /** The secret as the stack's BotSecretArn output names it, which the step writes to. */
  let secretId: string;
  let entity: Entity;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    logs = new CloudWatchLogsClient(motoClientConfig(moto));
    secrets = new SecretsManagerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    logs?.destroy();
    secrets?.destroy();
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    proxy.reset();
    const seeded = await seedMotoDeployment(moto, { ...target, deployName: 'prod', templateBody: TEMPLATE });
    secretArn = seeded.secretArn;
    secretId = stackOutputs(seeded.stack).BotSecretArn;
    entity = deploymentEntity(
      { stackArn: seeded.stack.StackId!, stackName: target.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
    // What put-secret leaves, then the bot registers and prints its generated password.
    await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ password: INITIAL, s3_bucket_name: 'b', s3_region: 'us-east-1', s3_folder_name: 'f', sns_topic_arn: 't' }) }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/wickr-dr/prod/bot', logStreamName: 'bot/bot/1' }));
    const at = Date.now() + 1000;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/wickr-dr/prod/bot',
        logStreamName: 'bot/bot/1',
        logEvents: [...SAMPLE.events, 'Login successful'].map((message, i) => ({ message, timestamp: at + i * 1000 })),
      }),
    );
  });

  function awaitRegistration(faults: FaultRule[]) {
    faults.forEach(f => proxy.inject(f));
    const ctx = createMockActionContext({ input: target, task: { id: 'task-capture' } } as any);
    const action = createAwaitRegistrationAction({
      awsClients: faultAwsClients(proxy),
      access: testAccess({ entities: [entity] }).access,
      locks: new InMemoryStackLocks(),
      timeoutMinutes: 1,
      clock: { now: Date.now, sleep: async () => undefined },
    });
    return action.handler(ctx as any).then(
      () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
      (e: Error) => e,
    );
  }

  const versions = async () => (await secrets.send(new ListSecretVersionIdsCommand({ SecretId: secretArn }))).Versions!.length;
  const stored = async () => JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password;
  const message = (outcome: unknown) => (outcome instanceof Error ? outcome.message : `no error: ${JSON.stringify(outcome)}`);

  it('stores the generated password as one new version through a 5xx, a reset, a slow answer and a lost answer', async () => {
    const outcome = await awaitRegistration([
      { operation: 'FilterLogEvents', fault: 'server-error' },
      { operation: 'DescribeSecret', fault: 'slow', delayMs: 100 },
      { operation: 'GetSecretValue', fault: 'reset' },
      { operation: 'PutSecretValue', fault: 'reset', afterForward: true },
    ]);
    expect(outcome).toMatchObject({ registered: true, loggedInAt: expect.any(String) });
    expect(await stored()).toBe(SAMPLE.password);
    // The initial password and the captured one: the retried write made no third version.
    expect(await versions()).toBe(2);
    const puts = proxy.calls().filter(c => c.operation === 'PutSecretValue');
    expect(puts.map(c => c.status)).toEqual([0, 200]);
    expect(puts[0].token).toBe(puts[1].token);
  });

  it('sends the write token derived from the log event that printed the value and the secret it replaces', async () => {
    const replaced = (await describeSecret(secrets, secretArn)).LastChangedDate!.getTime();
    const { banner } = (await newestBanner(logs, '/wickr-dr/prod/bot', 0))!;
    if (banner.kind !== 'password') throw new Error(`the sample banner reads as unreadable: ${banner.why}`);

    expect(await awaitRegistration([])).toMatchObject({ registered: true });
    const puts = proxy.calls().filter(c => c.operation === 'PutSecretValue');
    expect(puts.map(c => c.token)).toEqual([captureToken(secretId, banner.valueId, replaced)]);
  });

  it("fails in one line when the password cannot be stored, and says it is only in the bot's log", async () => {
    const outcome = await awaitRegistration([{ operation: 'PutSecretValue', fault: 'html', count: 3 }]);
    expect(message(outcome)).toBe(
      `cannot read the bot's log or write its secret: SecretsManager PutSecretValue at ${proxy.endpoint}/: HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts); the password the bot generated is only in its log: retry the task, or the backend's password keeper stores it on its next run`,
    );
    expect(await stored()).toBe(INITIAL);
    expect(await versions()).toBe(1);
  });

  it('stops a throttled log group at maxAttempts, with nothing stored', async () => {
    const outcome = await awaitRegistration([{ service: 'logs', operation: '*', fault: 'throttle', count: 100 }]);
    expect(message(outcome)).toBe(
      `cannot read the bot's log or write its secret: CloudWatchLogs FilterLogEvents at ${proxy.endpoint}/: ThrottlingException: Rate exceeded (3 attempts); nothing was stored: retry the task`,
    );
    expect(proxy.calls().filter(c => c.service === 'logs').map(c => [c.operation, c.status])).toEqual([
      ['FilterLogEvents', 400],
      ['FilterLogEvents', 400],
      ['FilterLogEvents', 400],
    ]);
    expect(await stored()).toBe(INITIAL);
  });
});
