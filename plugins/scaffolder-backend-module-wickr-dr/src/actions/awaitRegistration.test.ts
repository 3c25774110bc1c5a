// wickr-dr:bot:await-registration against moto_server on loopback: real CloudWatch Logs and
// Secrets Manager calls. A fake bot (this test) writes the log lines the real one prints when it
// registers; moto ignores `unmask`, so what is read is what was written.
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
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { Entity } from '@backstage/catalog-model';
import {
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  PASSWORD_SAMPLES,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createAwaitRegistrationAction } from './awaitRegistration';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };
const INITIAL = 'Initial-Password-Of-The-Console-0001';
const GENERATED = 'Gen3ratedByTheBotAbCdEf12';
const ROTATED = 'R0tatedByTheBotZyXwVuT987';

/** The banner the bot prints after its first registration, one log event per line (awslogs). */
const banner = (value: string) => [
  'Begin registration with password.',
  'Received registration',
  '****************************************************************',
  '**** GENERATED PASSWORD',
  '**** DO NOT LOSE THIS PASSWORD, YOU WILL NEED TO ENTER IT EVERY TIME',
  '**** TO START THE BOT',
  ` "${value}"`,
  '****************************************************************',
  'Login successful',
];

describe('wickr-dr:bot:await-registration (moto_server)', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let logs: CloudWatchLogsClient;
  let secrets: SecretsManagerClient;
  let secretArn: string;
  let entity: Entity;
  let stream = 0;
  let task = 0;

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
    const seeded = await seedMotoDeployment(moto, { ...target, deployName: 'prod', templateBody: TEMPLATE });
    secretArn = seeded.secretArn;
    entity = deploymentEntity(
      { stackArn: seeded.stack.StackId!, stackName: target.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
    // What put-secret leaves: the initial password and the configuration.
    await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ password: INITIAL, s3_bucket_name: 'b', s3_region: 'us-east-1', s3_folder_name: 'f', sns_topic_arn: 't' }) }));
  });

  /** The fake bot: one log event per line, a second apart, in a new stream. */
  async function botPrints(lines: string[], at = Date.now()) {
    const logStreamName = `bot/bot/${++stream}`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/wickr-dr/prod/bot', logStreamName }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/wickr-dr/prod/bot',
        logStreamName,
        logEvents: lines.map((message, i) => ({ message, timestamp: at + i * 1000 })),
      }),
    );
  }

  const password = async () => JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password;
  const versions = async () => (await secrets.send(new ListSecretVersionIdsCommand({ SecretId: secretArn }))).Versions!;

  /** The step, on a fast clock: each wait takes a hundredth of its time, and the clock moves on by all of it. */
  async function awaitRegistration(input: object = {}) {
    let ahead = 0;
    const clock = {
      now: () => Date.now() + ahead,
      sleep: async (ms: number) => {
        ahead += ms;
        await new Promise(r => setTimeout(r, ms / 100));
      },
    };
    const ctx = createMockActionContext({ input: { ...target, ...input }, task: { id: `task-${++task}` } } as any);
    const lines: string[] = [];
    ctx.logger.info = ((m: string) => lines.push(m)) as any;
    ctx.logger.warn = ((m: string) => lines.push(`WARN ${m}`)) as any;
    const action = createAwaitRegistrationAction({
      locks: new InMemoryStackLocks(),
      awsClients: testAwsClients(moto),
      access: testAccess({ entities: [entity] }).access,
      timeoutMinutes: 1,
      clock,
    });
    return {
      run: () => action.handler(ctx as any).then(() => Object.fromEntries((ctx.output as jest.Mock).mock.calls)),
      lines,
    };
  }

  it('stores the password the bot generates and confirms it logged in with it', async () => {
    const step = await awaitRegistration();
    const running = step.run();
    await new Promise(r => setTimeout(r, 300));
    await botPrints(banner(GENERATED));
    const out = await running;

    expect(await password()).toBe(GENERATED);
    expect(out.registered).toBe(true);
    expect(out.loggedInAt).toEqual(expect.any(String));
    const stages = (await versions()).map(v => v.VersionStages);
    expect(stages).toEqual(expect.arrayContaining([['AWSCURRENT'], ['AWSPREVIOUS']]));
    expect(step.lines.join('\n')).toMatch(/Stored the password the bot generated at .* as the secret's new version/);
    expect(JSON.stringify([step.lines, out])).not.toContain(GENERATED);
  });

  it.each(Object.values(PASSWORD_SAMPLES).map(sample => [sample.form, sample] as const))(
    'stores the password printed in the form: %s',
    async (_, sample) => {
      await botPrints([...sample.events, 'Login successful'], Date.now() + 1000);
      const step = await awaitRegistration();
      const out = await step.run();
      expect(await password()).toBe(sample.password);
      expect(out.registered).toBe(true);
      expect(JSON.stringify([step.lines, out])).not.toContain(sample.password);
    },
  );

  it('writes no second version when the step runs again for the same banner', async () => {
    await botPrints(banner(GENERATED), Date.now() + 1000);
    await (await awaitRegistration()).run();
    const after = (await versions()).length;
    const again = await (await awaitRegistration()).run();
    expect(again.registered).toBe(true);
    expect((await versions()).length).toBe(after);
  });

  it('captures again when the bot prints a new password later (a rotation)', async () => {
    await botPrints(banner(GENERATED), Date.now() + 1000);
    await (await awaitRegistration()).run();
    await new Promise(r => setTimeout(r, 1100));
    await botPrints(banner(ROTATED), Date.now() + 1000);
    await (await awaitRegistration()).run();
    expect(await password()).toBe(ROTATED);
    const previous = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSPREVIOUS' }));
    expect(JSON.parse(previous.SecretString!).password).toBe(GENERATED);
  });

  it('says the initial password was rejected when the bot logs a failed login, and stores nothing', async () => {
    await botPrints(['Begin registration with password.', 'Login failed: invalid password'], Date.now() + 1000);
    const error = await (await awaitRegistration()).run().catch(e => e);
    expect(error.message).toMatch(/^the bot's login was refused \(.*\): its initial password was rejected or already spent/);
    expect(await password()).toBe(INITIAL);
  });

  it('reports a banner it cannot read, and guesses nothing', async () => {
    await botPrints(['**** GENERATED PASSWORD', '**** DO NOT LOSE THIS PASSWORD', 'the value is printed elsewhere today', '****'], Date.now() + 1000);
    const error = await (await awaitRegistration()).run().catch(e => e);
    expect(error.message).toMatch(/^the bot printed its generated-password banner at .*, but its value could not be read \(.+\); nothing was guessed or stored$/);
    expect(await password()).toBe(INITIAL);
  });

  it('gives up after its timeout, saying what to look at, with progress lines while it waits', async () => {
    const step = await awaitRegistration({ timeoutMinutes: 1 });
    const error = await step.run().catch(e => e);
    expect(error.message).toMatch(/^no generated-password banner in 1 minutes: the bot has not registered; look at its log \/wickr-dr\/prod\/bot/);
    expect(step.lines.some(l => /^waiting for the bot to register, \d+s$/.test(l))).toBe(true);
    expect(await password()).toBe(INITIAL);
  });
});
