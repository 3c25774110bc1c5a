// The registration row of the live state, the scheduled password keeper and the repair
// route, on the real backend (startTestBackend) against a stack made in moto_server with
// CreateStack outside the portal. A fake bot (this test) writes its log; a recording proxy
// in front of moto tells which AWS calls a request made. The plugin's database is a
// SQLite file, read back byte for byte by the leak check. The catalog is catalogServiceMock,
// the scheduler a mock that keeps the tasks (the test runs the keeper's task when it wants),
// the notification service a recorder and the permission policy a mock that answers per
// entity. moto has no drift detection: where the leak check needs a drift notification, the
// stack's drift is simulated (aws-sdk-client-mock) and every other CloudFormation call goes on to moto.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DescribeStacksCommandOutput,
  StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type BackstageUserPrincipal, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { type NotificationSendOptions, notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizePermissionRequest, AuthorizeResult } from '@backstage/plugin-permission-common';
import type { DeploymentState, RegistrationState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  LOGIN_FAILURE_LINES,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  startMoto,
  UNREADABLE_BANNER_SAMPLES,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { mockClient } from 'aws-sdk-client-mock';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { discoveredEntity, INITIAL_PASSWORD, REGION, registrationLines, seedBot, SeededBot } from '../__testUtils__/motoBot';
import { RecordedLine, recordingRootLoggerFactory } from '../__testUtils__/recordingLogger';
import { RecordingProxy, startRecordingProxy } from '../__testUtils__/recordingProxy';
import { wickrDrPlugin } from '../plugin';

const GENERATED = 'Gen3ratedByTheBotAbCdEf12';
const KEEPER_TASK = 'wickr-dr-password-keeper';
const DRIFT_TASK = 'wickr-dr-drift-check';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const as = (user: string) => ({ Authorization: mockCredentials.user.header(user) });
const iso = (ms: number) => new Date(ms).toISOString();

/** Everyone may read; only Alice, who is in the owning group, may do the rest. */
const policy = () =>
  mockServices.permissions.mock({
    authorize: async (requests, options) => {
      const user = (options?.credentials.principal as BackstageUserPrincipal).userEntityRef;
      return (requests as AuthorizePermissionRequest[]).map(r => ({
        result: r.permission.name === 'wickr-dr.deployment.read' || user === ALICE ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }));
    },
  });

/** An ingress opened to the world: a drift the checker tells the owners about. */
const OPEN_SSH: StackResourceDrift = {
  StackId: 'x',
  LogicalResourceId: 'BotSecurityGroup',
  ResourceType: 'AWS::EC2::SecurityGroup',
  StackResourceDriftStatus: 'MODIFIED',
  Timestamp: new Date(0),
  PropertyDifferences: [{ PropertyPath: '/SecurityGroupIngress/0/CidrIp', ActualValue: '0.0.0.0/0', DifferenceType: 'ADD', ExpectedValue: undefined }],
};

/**
 * CloudFormation reports the stacks drifted a moment ago, with these resources: DescribeStacks is
 * moto's answer with that drift information, DescribeStackResourceDrifts the given drifts.
 */
function simulateDrift(drifts: StackResourceDrift[]) {
  const send = CloudFormationClient.prototype.send as (this: CloudFormationClient, command: DescribeStacksCommand) => Promise<DescribeStacksCommandOutput>;
  const cloudformation = mockClient(CloudFormationClient);
  cloudformation.on(DescribeStacksCommand).callsFake(async (input, getClient) => {
    const answer = await send.call(getClient(), new DescribeStacksCommand(input));
    const DriftInformation = { StackDriftStatus: 'DRIFTED' as const, LastCheckTimestamp: new Date() };
    return { ...answer, Stacks: answer.Stacks?.map(stack => ({ ...stack, DriftInformation })) };
  });
  cloudformation.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: drifts });
  return cloudformation;
}

describe('the bot registration: state row, scheduled keeper, capture now', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let proxy: RecordingProxy;
  let prod: SeededBot;
  let dir: string;
  let knex: Knex;
  let logLines: RecordedLine[];
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let scheduledTasks: Map<string, () => Promise<void>>;
  let permissions: ReturnType<typeof policy>;
  let notifications: NotificationSendOptions[];

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startRecordingProxy(moto.endpoint);
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  beforeEach(async () => {
    await moto.reset();
    prod = await seedBot(moto, 'prod');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-backend-'));
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'plugin.sqlite') }, useNullAsDefault: true });
    logLines = [];
    // The scheduler keeps the tasks; the test runs the keeper's when it wants.
    const scheduler = mockServices.scheduler.mock();
    scheduledTasks = new Map();
    scheduler.scheduleTask.mockImplementation(async task => {
      scheduledTasks.set(task.id, () => Promise.resolve(task.fn(new AbortController().signal)));
    });
    permissions = policy();
    notifications = [];
    backend = await startTestBackend({
      features: [
        wickrDrPlugin,
        catalogServiceMock.factory({ entities: [prod.entity] }),
        mockServices.rootConfig.factory({
          data: {
            // Static keys for the main account and moto's, so that no credential lookup leaves loopback.
            aws: {
              mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' },
              accounts: [{ accountId: MOTO_ACCOUNT_ID, accessKeyId: 'testing', secretAccessKey: 'testing' }],
            },
            wickrDr: { endpoint: proxy.endpoint },
          },
        }),
        mockServices.database.factory({ knex }),
        recordingRootLoggerFactory(logLines),
        scheduler.factory,
        permissions.factory,
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: async (sent: NotificationSendOptions) => void notifications.push(sent) }),
        }),
      ],
    });
  });
  afterEach(async () => {
    await backend?.stop();
    await knex?.destroy();
    prod?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stateUrl = () => `/api/wickr-dr/v1/deployments/default/${prod.entity.metadata.name}/state`;
  const captureUrl = () => `/api/wickr-dr/v1/deployments/default/${prod.entity.metadata.name}/registration/capture`;
  const state = async (): Promise<DeploymentState> => {
    const res = await request(backend.server).get(stateUrl()).set(as(BOB));
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    return res.body;
  };
  const registration = async () => (await state()).registration;
  const runKeeper = () => scheduledTasks.get(KEEPER_TASK)!();

  /** The AWS calls `work` made, through the recording proxy. */
  async function callsOf(work: () => Promise<unknown>) {
    const before = proxy.calls.length;
    await work();
    return proxy.calls.slice(before);
  }

  it('waits for the first login while the bot has printed no password', async () => {
    await prod.prints(['Begin registration with password.']);
    expect(await registration()).toEqual({ value: { status: 'waiting', loginFailuresLastHour: 0 } });
  });

  it('says the secret holds a spent password until the scheduled keeper stores the new one, then registered', async () => {
    const { lastAt } = await prod.prints(registrationLines(GENERATED));
    const bannerAt = lastAt - 5_000;
    expect(await registration()).toEqual({
      value: {
        status: 'spent',
        reason: expect.stringMatching(
          new RegExp(`^the bot printed a new password at ${iso(bannerAt)}, after the secret last changed \\(.*\\); the password keeper stores it at its next run$`),
        ),
        loginFailuresLastHour: 0,
      },
    });

    await runKeeper();

    expect((await prod.secret()).password).toBe(GENERATED);
    expect(await registration()).toEqual({
      value: { status: 'registered', passwordFrom: iso(bannerAt), lastLoginAt: iso(lastAt), loginFailuresLastHour: 0 },
    });
  });

  it('says registered when the secret holds the value of a banner that looks newer than its last change', async () => {
    // The deployment task stores the value seconds after the banner; an emulator that keeps
    // LastChangedDate in whole seconds (moto does) can make the banner look newer. The value decides.
    const { lastAt } = await prod.prints(registrationLines(GENERATED), { at: Date.now() + 2_000 });
    await new SecretsManagerClient(motoClientConfig(moto, REGION)).send(
      new PutSecretValueCommand({ SecretId: prod.secretArn, SecretString: JSON.stringify({ ...(await prod.secret()), password: GENERATED }) }),
    );
    expect(((await registration()) as { value: RegistrationState }).value).toMatchObject({ status: 'registered', lastLoginAt: iso(lastAt) });
  });

  it('says a banner whose value cannot be read, and why', async () => {
    await prod.prints(UNREADABLE_BANNER_SAMPLES.twoWords);
    const row = await registration();
    expect(row).toEqual({
      value: {
        status: 'unreadable',
        reason: expect.stringMatching(/^printed at .*: the line after the banner is not a password: it holds 2 words, not one value$/),
        loginFailuresLastHour: 0,
      },
    });
    await runKeeper();
    expect(await registration()).toEqual(row);
  });

  it('says the secret holds a spent password when the bot refuses it after the secret changed', async () => {
    const { lastAt: loggedInAt } = await prod.prints(registrationLines(GENERATED));
    await runKeeper();
    const [line, why] = LOGIN_FAILURE_LINES.find(([, reason]) => reason.includes('wrong or rejected'))!;
    // A later start, after the secret changed and after the bot's last login.
    const { lastAt: failedAt } = await prod.prints(['Begin login', line], { at: loggedInAt + 2_000 });
    expect(await registration()).toEqual({
      value: {
        status: 'spent',
        reason: expect.stringMatching(new RegExp(`^the bot's login failed at ${iso(failedAt)} \\(${why}\\), after the secret last changed`)),
        lastLoginAt: iso(loggedInAt),
        loginFailuresLastHour: 0,
      },
    });
  });

  it("counts the last hour's failed logins from the bot's Login_Failures metric", async () => {
    const cloudwatch = new CloudWatchClient(motoClientConfig(moto, REGION));
    const point = (value: number, minutesAgo: number) => ({
      MetricName: 'Login_Failures',
      Dimensions: [{ Name: 'Bot', Value: 'compliance_seeded_bot' }],
      Value: value,
      Timestamp: new Date(Date.now() - minutesAgo * 60_000),
    });
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'WickrIO', MetricData: [point(2, 10), point(1, 30), point(5, 90)] }));
    cloudwatch.destroy();
    expect(await registration()).toEqual({ value: { status: 'waiting', loginFailuresLastHour: 3 } });
  });

  it('reads a registered bot with few AWS calls per card view: eight in all, three for the registration', async () => {
    // Registered a while ago: the banner is older than the secret's last change.
    await prod.prints(registrationLines(GENERATED), { at: Date.now() - 5 * 60_000 });
    await new CloudWatchClient(motoClientConfig(moto, REGION)).send(
      new PutMetricDataCommand({ Namespace: 'WickrIO', MetricData: [{ MetricName: 'Messages_Saved', Value: 1 }] }),
    );
    await runKeeper();
    expect(await registration()).toMatchObject({ value: { status: 'registered' } });

    const calls = await callsOf(state);
    expect(calls.sort()).toEqual([
      'DescribeAlarms',
      'DescribeSecret',
      'DescribeServices',
      'DescribeStacks',
      'FilterLogEvents',
      'FilterLogEvents',
      'GetMetricData',
      'ListMetrics',
    ]);
  });

  describe('POST .../registration/capture', () => {
    it("lets an owner capture now, and answers the registration the keeper's look leaves", async () => {
      const { lastAt } = await prod.prints(registrationLines(GENERATED));
      const res = await request(backend.server).post(captureUrl()).set(as(ALICE));
      expect(res.status).toBe(200);
      const answer: RegistrationState = res.body;
      expect(answer).toEqual({ status: 'registered', passwordFrom: iso(lastAt - 5_000), lastLoginAt: iso(lastAt) });
      expect((await prod.secret()).password).toBe(GENERATED);
    });

    it('shares one look among concurrent requests', async () => {
      await prod.prints(registrationLines(GENERATED));
      const calls = await callsOf(async () => {
        const answers = await Promise.all([1, 2, 3].map(() => request(backend.server).post(captureUrl()).set(as(ALICE))));
        expect(answers.map(a => [a.status, a.body.status])).toEqual([
          [200, 'registered'],
          [200, 'registered'],
          [200, 'registered'],
        ]);
      });
      // The stack is read only to store a password, and one password was stored.
      expect(calls.filter(c => c === 'DescribeStacks')).toHaveLength(1);
      expect(calls.filter(c => c === 'PutSecretValue')).toHaveLength(1);
    });

    it('refuses it without wickr-dr.bot.operate on the entity, before any AWS call', async () => {
      await prod.prints(registrationLines(GENERATED));
      let res: request.Response | undefined;
      expect(await callsOf(async () => (res = await request(backend.server).post(captureUrl()).set(as(BOB))))).toEqual([]);
      expect(res!.status).toBe(403);
      expect(res!.body.error.message).toBe(
        `not allowed to capture the generated password of ${prod.entityRef}'s bot (wickr-dr.bot.operate)`,
      );
      const asked = permissions.authorize.mock.calls.flatMap(([requests]) => requests as AuthorizePermissionRequest[]);
      expect(asked).toEqual([expect.objectContaining({ resourceRef: prod.entityRef, permission: expect.objectContaining({ name: 'wickr-dr.bot.operate' }) })]);
      expect((await prod.secret()).password).toBe(INITIAL_PASSWORD);
    });
  });

  it('leaks neither password anywhere: not in the log, the database file, an answer, a notification or the catalog', async () => {
    await prod.prints(registrationLines(GENERATED));
    const answers = [JSON.stringify(await state())];
    await runKeeper();
    answers.push(JSON.stringify(await state()));
    answers.push(JSON.stringify((await request(backend.server).post(captureUrl()).set(as(ALICE))).body));
    expect((await prod.secret()).password).toBe(GENERATED);
    // The scheduled drift check after it, on a stack that drifted: its owners are told.
    const drift = simulateDrift([OPEN_SSH]);
    try {
      await scheduledTasks.get(DRIFT_TASK)!();
    } finally {
      drift.restore();
    }
    // The catalog: the entity discovery makes of the stack, read again after all of it.
    const cloudformation = new CloudFormationClient(motoClientConfig(moto, REGION));
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: prod.stack.StackId }));
    cloudformation.destroy();
    const catalog = JSON.stringify([prod.entity, discoveredEntity(Stacks![0])]);
    await backend.stop();
    await knex.destroy();

    const log = JSON.stringify(logLines);
    const database = fs.readdirSync(dir).map(file => fs.readFileSync(path.join(dir, file)).toString('latin1')).join('\n');
    const sent = JSON.stringify(notifications);
    // They hold what they should: the capture's log line, the keeper's row, the registration, the drift, the entity.
    expect(log).toContain(`Stored the password the bot of ${prod.entityRef} generated at`);
    expect(database).toContain(prod.entityRef);
    expect(answers[1]).toContain('"status":"registered"');
    expect(notifications).toEqual([expect.objectContaining({ recipients: { type: 'entity', entityRef: 'group:default/platform-team' } })]);
    expect(sent).toContain(prod.entity.metadata.name);
    expect(catalog).toContain(prod.stack.StackId);
    const places = [['log', log], ['database file', database], ['notifications', sent], ['catalog', catalog], ...answers.map((a, i) => [`answer ${i}`, a])];
    for (const [where, text] of places) {
      expect([where, text.includes(INITIAL_PASSWORD), text.includes(GENERATED)]).toEqual([where, false, false]);
    }
  });
});

describe('the password keeper schedule', () => {
  const config = (wickrDr: object = {}) =>
    mockServices.rootConfig.factory({
      data: { aws: { mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' } }, wickrDr },
    });

  it('runs as one global task every 5 minutes by default', async () => {
    const scheduler = mockServices.scheduler.mock();
    const backend = await startTestBackend({
      features: [wickrDrPlugin, catalogServiceMock.factory({ entities: [] }), config(), scheduler.factory],
    });
    await backend.stop();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: KEEPER_TASK,
      frequency: { minutes: 5 },
      timeout: { minutes: 15 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: expect.any(Function),
    });
  });

  it('takes its schedule from wickrDr.passwordKeeper, and is off with false, saying so', async () => {
    const scheduler = mockServices.scheduler.mock();
    let backend = await startTestBackend({
      features: [wickrDrPlugin, catalogServiceMock.factory({ entities: [] }), config({ passwordKeeper: { frequency: { minutes: 1 } } }), scheduler.factory],
    });
    await backend.stop();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(expect.objectContaining({ id: KEEPER_TASK, frequency: { minutes: 1 }, scope: 'global' }));

    const off = mockServices.scheduler.mock();
    const lines: RecordedLine[] = [];
    backend = await startTestBackend({
      features: [wickrDrPlugin, catalogServiceMock.factory({ entities: [] }), config({ passwordKeeper: false }), off.factory, recordingRootLoggerFactory(lines)],
    });
    await backend.stop();
    expect(off.scheduleTask.mock.calls.map(([task]) => task.id)).toEqual(['wickr-dr-drift-check']);
    expect(lines.map(l => l.message)).toContainEqual(expect.stringMatching(/^The password keeper is off \(wickrDr\.passwordKeeper: false\)/));
  });
});
