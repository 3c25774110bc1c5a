// wickr-dr:bot:await-registration against moto_server on loopback: real CloudWatch Logs,
// CloudWatch metrics and Secrets Manager calls. A fake bot (this test) writes the log lines the
// real one prints when it registers; moto ignores `unmask`, so what is read is what was written.
// moto runs no task of an ECS service: where a test needs the bot's task (its start, its stop
// reason), ECS is simulated (aws-sdk-client-mock) and says so.
import fs from 'node:fs';
import path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint, TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { Entity } from '@backstage/catalog-model';
import {
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  PASSWORD_SAMPLES,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { runningTask, simulateEcs } from '../__testUtils__/simulatedEcs';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { scaffolderModuleWickrDr } from '../module';
import { AWAIT_REGISTRATION_ACTION_ID, createAwaitRegistrationAction } from './awaitRegistration';
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

  /** A new version of the secret holding this password, as put-secret, the step or the keeper writes it. */
  const storePassword = (password: string) =>
    secrets.send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        SecretString: JSON.stringify({ password, s3_bucket_name: 'b', s3_region: 'us-east-1', s3_folder_name: 'f', sns_topic_arn: 't' }),
      }),
    );

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
    await storePassword(INITIAL);
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
  /** The versions and their stages (not when each was last read). */
  const versionStages = async () => (await versions()).map(v => [v.VersionId, v.VersionStages]);

  /**
   * The step, on a fast clock: each wait takes a hundredth of its time, and the clock moves on
   * by all of it. `startsAfterMs`: the step starts that much later than now.
   */
  async function awaitRegistration(input: object = {}, startsAfterMs = 0) {
    let ahead = startsAfterMs;
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
    expect(error.message).toMatch(/^no generated-password banner and no login in 1 minutes: the bot has not registered; look at its log \/wickr-dr\/prod\/bot/);
    expect(step.lines.some(l => /^waiting for the bot to register, \d+s$/.test(l))).toBe(true);
    expect(await password()).toBe(INITIAL);
  });

  it('passes for a registered bot that logs in again without a banner, and writes nothing', async () => {
    // It registered before: the secret holds the password it generated then.
    await storePassword(GENERATED);
    const before = await versionStages();
    const step = await awaitRegistration();
    const running = step.run();
    await new Promise(r => setTimeout(r, 300));
    await botPrints(['Begin login', 'Login successful']);
    const out = await running;

    expect(out).toEqual({ registered: true, loggedInAt: expect.any(String) });
    expect(await versionStages()).toEqual(before);
    expect(await password()).toBe(GENERATED);
    expect(step.lines).toContain(`The bot logged in at ${out.loggedInAt} with the password its secret already held, and printed no new one; nothing was written`);
  });

  it('passes when the bot logged in with its kept password after its task started, before the step began', async () => {
    await storePassword(GENERATED);
    // The secret changed now; the task starts 10 s later and logs in, the step a minute later.
    const startedAt = Date.now() + 10_000;
    const ecs = simulateEcs({ RUNNING: [runningTask(startedAt)] });
    try {
      await botPrints(['Login successful'], startedAt + 10_000);
      const out = await (await awaitRegistration({}, 60_000)).run();
      expect(out).toEqual({ registered: true, loggedInAt: new Date(startedAt + 10_000).toISOString() });
    } finally {
      ecs.restore();
    }
  });

  it('takes no login for registered when this task put a new initial password: only a banner', async () => {
    const step = await awaitRegistration({ passwordKept: false });
    const running = step.run().catch(e => e);
    await new Promise(r => setTimeout(r, 300));
    await botPrints(['Login successful']);
    expect((await running).message).toMatch(/^no generated-password banner in 1 minutes: the bot has not registered/);
    expect(await password()).toBe(INITIAL);
  });

  it('accepts a banner the keeper stored before the step read the secret, comparing its value', async () => {
    const startedAt = Date.now() - 60_000;
    const ecs = simulateEcs({ RUNNING: [runningTask(startedAt)] });
    try {
      const bannerAt = Date.now() - 20_000;
      await botPrints(banner(GENERATED), bannerAt);
      await storePassword(GENERATED);
      const before = await versionStages();
      const step = await awaitRegistration({ passwordKept: false });
      const out = await step.run();
      const at = new Date(bannerAt + 3000).toISOString();
      expect(out).toEqual({ registered: true, capturedAt: at, loggedInAt: new Date(bannerAt + 8000).toISOString() });
      expect(step.lines).toContain(`The secret already holds the password the bot generated at ${at}`);
      expect(await versionStages()).toEqual(before);
      expect(JSON.stringify([step.lines, out])).not.toContain(GENERATED);
    } finally {
      ecs.restore();
    }
  });

  it('takes no banner older than the secret whose value the secret does not hold', async () => {
    const ecs = simulateEcs({ RUNNING: [runningTask(Date.now() - 60_000)] });
    try {
      await botPrints(banner(GENERATED), Date.now() - 20_000);
      // A new initial password after that banner (the password replaced).
      await storePassword(ROTATED);
      const error = await (await awaitRegistration({ passwordKept: false })).run().catch(e => e);
      expect(error.message).toMatch(/^no generated-password banner in 1 minutes/);
      expect(await password()).toBe(ROTATED);
    } finally {
      ecs.restore();
    }
  });

  it("says the initial password was rejected from the bot's Login_Failures metric, counting none before the step's start", async () => {
    const cloudwatch = new CloudWatchClient(motoClientConfig(moto));
    const minute = Math.ceil(Date.now() / 60_000) * 60_000;
    const point = (value: number, at: number) => ({
      MetricName: 'Login_Failures',
      Dimensions: [{ Name: 'Bot', Value: 'compliance_1_bot' }],
      Value: value,
      Timestamp: new Date(at),
    });
    const before = point(5, Date.now() - 10 * 60_000);
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'WickrIO', MetricData: [before, point(2, minute + 1000)] }));
    cloudwatch.destroy();
    await botPrints(['Begin registration with password.']);
    const error = await (await awaitRegistration({ timeoutMinutes: 5 })).run().catch(e => e);
    expect(error.message).toBe(
      `the bot's login was refused (2 failed logins in its Login_Failures metric, the first at ${new Date(minute).toISOString()}): its initial password was rejected or already spent; issue a new one in the Wickr admin console and run the template again with "Replace the bot's password"`,
    );
    expect(await password()).toBe(INITIAL);
  });

  it("says in one line why the bot's task cannot start, from ECS's stopped reason", async () => {
    const ecs = simulateEcs({
      STOPPED: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/wickr-dr-prod/t1',
          stoppedAt: new Date(Date.now() + 1000),
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth',
          containers: [{ name: 'bot', reason: 'AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue' }],
        },
      ],
    });
    try {
      const error = await (await awaitRegistration()).run().catch(e => e);
      expect(error.message).toBe(
        "the bot's task cannot start: the task stopped: ResourceInitializationError: unable to pull secrets or registry auth; container bot: AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue",
      );
      expect(await password()).toBe(INITIAL);
    } finally {
      ecs.restore();
    }
  });

  it('stores the password and succeeds with a warning when the bot is not seen logging in with it', async () => {
    await botPrints(banner(GENERATED).filter(line => line !== 'Login successful'), Date.now() + 1000);
    const step = await awaitRegistration();
    const out = await step.run();
    expect(await password()).toBe(GENERATED);
    expect(out).toEqual({ registered: true, capturedAt: expect.any(String) });
    expect(step.lines).toContain("WARN The bot has not logged in with it yet; the card shows when it does");
  });

  it('takes its timeout from wickrDr.passwordCapture.timeoutMinutes', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    const addActions = (...added: TemplateAction<any, any, any>[]) => actions.push(...added);
    const keys = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleWickrDr,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            aws: { mainAccount: keys, accounts: [{ accountId: MOTO_ACCOUNT_ID, ...keys }] },
            wickrDr: { endpoint: moto.endpoint, passwordCapture: { timeoutMinutes: 7 } },
          },
        }),
      ],
    });
    try {
      const ctx = createMockActionContext({ input: target, task: { id: 'task-config' } } as any);
      const info = jest.spyOn(ctx.logger, 'info');
      // Cancelled at once: the step says its timeout, looks once and stops.
      const cancelled = new AbortController();
      cancelled.abort();
      const action = actions.find(a => a.id === AWAIT_REGISTRATION_ACTION_ID)!;
      const error = await action.handler({ ...ctx, signal: cancelled.signal } as any).catch(e => e);
      expect(info).toHaveBeenCalledWith('Waiting for the bot to register (its log /wickr-dr/prod/bot), at most 7 minutes');
      expect(error.message).toMatch(/^the task was cancelled: the bot has not registered/);
    } finally {
      await backend.stop();
    }
  });
});
