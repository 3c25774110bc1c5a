// The password keeper against moto_server on loopback: real CloudWatch Logs, Secrets
// Manager and CloudFormation calls, counted by a recording proxy in front of moto. The
// stacks are made with CreateStack outside the portal; a fake bot (this test) writes the
// lines the real one prints when it registers. moto ignores `unmask`, so what is read is
// what was written. SQLite in memory.
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS, deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  startMoto,
  UNREADABLE_BANNER_SAMPLES,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import knexFactory, { Knex } from 'knex';
import { motoAwsClients, OWNER, REGION, registrationLines, seedBot, SeededBot } from '../__testUtils__/motoBot';
import { RecordingProxy, startRecordingProxy } from '../__testUtils__/recordingProxy';
import { LOOK_OVERLAP_MS } from './nextRecord';
import { PasswordKeeper } from './PasswordKeeper';
import { RegistrationStore } from './RegistrationStore';

const GENERATED = 'Gen3ratedByTheBotAbCdEf12';
const ROTATED = 'R0tatedByTheBotZyXwVuT987';
const SECRETS_OPERATIONS = ['DescribeSecret', 'GetSecretValue', 'PutSecretValue'];
const iso = (ms: number) => new Date(ms).toISOString();

describe('PasswordKeeper (moto_server)', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let proxy: RecordingProxy;
  let knex: Knex;
  let bots: SeededBot[] = [];

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
    knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  });
  afterEach(async () => {
    bots.forEach(seeded => seeded.close());
    bots = [];
    await knex.destroy();
  });

  async function bot(deployName: string) {
    const seeded = await seedBot(moto, deployName);
    bots.push(seeded);
    return seeded;
  }

  /** A keeper on the catalog's entities; its clock runs `ahead` of the bots' log. */
  async function keeperOf(entities: Entity[]) {
    const store = await RegistrationStore.create(knex);
    const logger = mockServices.logger.mock();
    const clock = { ahead: 0 };
    const keeper = new PasswordKeeper({
      awsClients: motoAwsClients(proxy.endpoint),
      store,
      logger,
      settings: { callsPerSecond: 50, concurrency: 4 },
      clock: { now: () => Date.now() + clock.ahead },
    });
    return { keeper, store, logger, clock, run: () => keeper.keepAll({ deployments: async () => entities }) };
  }

  /** The AWS calls `work` made, through the recording proxy. */
  async function callsOf(work: () => Promise<unknown>) {
    const before = proxy.calls.length;
    await work();
    return proxy.calls.slice(before);
  }

  it('stores the generated password of a stack made outside the portal, and remembers what it did', async () => {
    const prod = await bot('prod');
    const { lastAt } = await prod.prints(registrationLines(GENERATED));
    const h = await keeperOf([prod.entity]);

    expect(await h.run()).toEqual({ looked: 1, captured: 1, failed: 0, skipped: 0 });

    const secret = await prod.secret();
    expect(secret).toEqual({
      password: GENERATED,
      s3_bucket_name: prod.outputs.RetentionBucketName,
      s3_region: REGION,
      s3_folder_name: prod.outputs.RetentionPrefix,
      sns_topic_arn: prod.outputs.AlertTopicArn,
    });
    const bannerAt = lastAt - 5_000; // the banner line, five lines before Login successful
    expect(await h.store.get(prod.entityRef)).toEqual({
      status: 'registered',
      lastLookAt: expect.any(Number),
      lastBannerId: expect.any(String),
      lastBannerAt: bannerAt,
      passwordStoredAt: expect.any(Number),
      lastLoginAt: lastAt,
    });
    // What it remembers is never the password: no column of the keeper's table holds it.
    const rows = await knex('bot_registrations').select();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(GENERATED);
    expect(h.logger.info).toHaveBeenCalledWith(
      `Stored the password the bot of ${prod.entityRef} generated at ${iso(bannerAt)} in its secret`,
    );
  });

  it('captures a later banner again (a rotation), then costs one FilterLogEvents call a run and no secret call', async () => {
    const prod = await bot('prod');
    await prod.prints(registrationLines(GENERATED));
    const h = await keeperOf([prod.entity]);
    await h.run();
    expect((await prod.secret()).password).toBe(GENERATED);

    // Printed after the capture changed the secret.
    await prod.prints(registrationLines(ROTATED), { at: Date.now() + 2_000 });
    expect(await h.run()).toMatchObject({ captured: 1 });
    expect((await prod.secret()).password).toBe(ROTATED);

    // Within the overlap the newest banner is read again (its stream too), but it is known:
    // no secret call.
    h.clock.ahead = LOOK_OVERLAP_MS + 60_000;
    const withinOverlap = await callsOf(h.run);
    expect(withinOverlap[0]).toBe('FilterLogEvents');
    expect(new Set(withinOverlap)).toEqual(new Set(['FilterLogEvents', 'GetLogEvents']));

    const afterIt = await callsOf(h.run);
    expect(afterIt).toEqual(['FilterLogEvents']);
    expect(afterIt.filter(call => SECRETS_OPERATIONS.includes(call))).toEqual([]);
    expect((await prod.secret()).password).toBe(ROTATED);
    expect(h.logger.info.mock.calls.filter(([line]) => String(line).startsWith('Stored the password'))).toHaveLength(2);
  });

  it('leaves the secret of a bot that has printed no banner, and remembers it is waiting', async () => {
    const prod = await bot('prod');
    await prod.prints(['Begin registration with password.', 'Received registration']);
    const h = await keeperOf([prod.entity]);

    expect(await callsOf(h.run)).toEqual(['FilterLogEvents']);
    expect((await prod.secret()).password).toBe('Initial-Password-From-The-Console-0001');
    expect(await h.store.get(prod.entityRef)).toEqual({ status: 'waiting', lastLookAt: expect.any(Number) });
  });

  it('stores a value that arrives after its banner, which it first reported unreadable', async () => {
    const prod = await bot('prod');
    const { stream, lastAt } = await prod.prints(UNREADABLE_BANNER_SAMPLES.nothingAfter);
    const h = await keeperOf([prod.entity]);
    await h.run();
    expect(await h.store.get(prod.entityRef)).toMatchObject({
      status: 'unreadable',
      reason: expect.stringContaining('it may not have arrived yet'),
    });
    expect((await prod.secret()).password).toBe('Initial-Password-From-The-Console-0001');

    await prod.prints([` "${GENERATED}"`, '****'], { stream, at: lastAt + 1_000 });
    expect(await h.run()).toMatchObject({ captured: 1 });
    expect((await prod.secret()).password).toBe(GENERATED);
    expect(await h.store.get(prod.entityRef)).toMatchObject({ status: 'registered' });
  });

  it('never guesses: a banner whose value cannot be read leaves the secret as it is', async () => {
    const prod = await bot('prod');
    await prod.prints(UNREADABLE_BANNER_SAMPLES.twoWords);
    const h = await keeperOf([prod.entity]);
    expect(await h.run()).toMatchObject({ captured: 0, failed: 0 });
    expect(await h.store.get(prod.entityRef)).toMatchObject({
      status: 'unreadable',
      reason: 'the line after the banner is not a password: it holds 2 words, not one value',
    });
    expect((await prod.secret()).password).toBe('Initial-Password-From-The-Console-0001');
  });

  describe('each deployment on its own', () => {
    const byHand = (entity: Entity): Entity => {
      const location = 'url:https://github.com/example/anything/blob/main/catalog-info.yaml';
      const annotations = {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      };
      return { ...entity, metadata: { ...entity.metadata, name: 'prod-by-hand', annotations } };
    };

    it('skips an untrusted entity with one warning, no AWS call, and still looks after the others', async () => {
      const prod = await bot('prod');
      await prod.prints(registrationLines(GENERATED));
      const elsewhere = deploymentEntity(
        {
          stackArn: `arn:aws:cloudformation:${REGION}:111111111111:stack/wickr-dr-x/5f6e7d8c-0000-4000-8000-000000000000`,
          stackName: 'wickr-dr-x',
          tags: { 'wickr-dr:deployment': 'x' },
          outputs: { BotLogGroupName: '/wickr-dr/x/bot', BotSecretArn: 'x-bot-secret' },
        },
        { location: discoveryLocation({ accountId: '111111111111', region: REGION }), defaultOwner: OWNER },
      );
      const withoutOutputs = { ...prod.entity, metadata: { ...prod.entity.metadata, name: 'no-outputs', annotations: { ...prod.entity.metadata.annotations } } };
      delete withoutOutputs.metadata.annotations[ANNOTATIONS.botLogGroup];
      const h = await keeperOf([byHand(prod.entity), elsewhere, withoutOutputs, prod.entity]);

      const calls = await callsOf(async () => {
        expect(await h.run()).toEqual({ looked: 1, captured: 1, failed: 0, skipped: 3 });
      });
      expect(calls.filter(c => c === 'FilterLogEvents')).toHaveLength(1);
      expect((await prod.secret()).password).toBe(GENERATED);
      const warnings = h.logger.warn.mock.calls.map(([line]) => line);
      expect(warnings).toEqual([
        'Password keeper skips resource:default/prod-by-hand: resource:default/prod-by-hand is not a deployment the portal may act on: it was not discovered by the portal (its origin is url:https://github.com/example/anything/blob/main/catalog-info.yaml)',
        `Password keeper skips resource:default/${elsewhere.metadata.name}: resource:default/${elsewhere.metadata.name} is not a deployment the portal may act on: 111111111111 is not an account this portal may deploy to; it must be one of the accounts configured under aws.accounts (${MOTO_ACCOUNT_ID}), or empty for the main account`,
        'Password keeper skips resource:default/no-outputs: resource:default/no-outputs has no bot log group or secret: its stack has no BotLogGroupName or BotSecretArn output',
      ]);

      // The same reasons are not logged again at every run.
      await h.run();
      expect(h.logger.warn).toHaveBeenCalledTimes(3);
    });

    it('fails a deployment whose log cannot be read with one warning, and stores the others', async () => {
      const prod = await bot('prod');
      const gone = await bot('gone');
      await prod.prints(registrationLines(GENERATED));
      const goneEntity = {
        ...gone.entity,
        metadata: {
          ...gone.entity.metadata,
          annotations: { ...gone.entity.metadata.annotations, [ANNOTATIONS.botLogGroup]: '/wickr-dr/deleted/bot' },
        },
      };
      const h = await keeperOf([goneEntity, prod.entity]);

      expect(await h.run()).toEqual({ looked: 2, captured: 1, failed: 1, skipped: 0 });
      expect((await prod.secret()).password).toBe(GENERATED);
      expect(h.logger.warn).toHaveBeenCalledTimes(1);
      expect(h.logger.warn.mock.calls[0][0]).toMatch(
        new RegExp(`^Password keeper could not look after ${gone.entityRef}: CloudWatchLogs FilterLogEvents at ${proxy.endpoint}/: ResourceNotFoundException`),
      );
      // Nothing remembered: the next run reads the same window again.
      expect(await h.store.get(gone.entityRef)).toBeUndefined();
    });

    it("writes no secret that is not the stack's own, even when the stack's outputs name it", async () => {
      const prod = await bot('prod');
      // A stack whose outputs name prod's secret: whoever can update a stack can write its outputs.
      const config = motoClientConfig(moto, REGION);
      const cloudformation = new CloudFormationClient(config);
      const secrets = new SecretsManagerClient(config);
      const outputs = {
        BotLogGroupName: '/wickr-dr/evil/bot',
        BotSecretArn: 'prod-bot-secret',
        RetentionBucketName: 'evil-bucket',
        RetentionPrefix: 'evil',
        AlertTopicArn: 'arn:aws:sns:us-east-1:123456789012:evil',
      };
      const { StackId } = await cloudformation.send(
        new CreateStackCommand({
          StackName: 'wickr-dr-evil',
          TemplateBody: JSON.stringify({
            Resources: {
              BotLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: outputs.BotLogGroupName } },
            },
            Outputs: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { Value: value }])),
          }),
          Tags: [{ Key: 'wickr-dr:deployment', Value: 'evil' }],
        }),
      );
      const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: StackId }))).Stacks![0];
      // The evil deployment's own secret exists too, so that only the outputs are wrong.
      const own = await secrets.send(new CreateSecretCommand({ Name: 'evil-bot-secret' }));
      await secrets.send(new TagResourceCommand({ SecretId: own.ARN, Tags: [{ Key: 'aws:cloudformation:stack-id', Value: StackId! }] }));
      cloudformation.destroy();
      secrets.destroy();
      const evil = deploymentEntity(
        { stackArn: StackId!, stackName: 'wickr-dr-evil', tags: { 'wickr-dr:deployment': 'evil' }, outputs },
        { location: discoveryLocation({ accountId: MOTO_ACCOUNT_ID, region: REGION }), defaultOwner: OWNER },
      );
      expect(stack.Outputs).toHaveLength(5);
      await prod.prints(registrationLines('Ev1lBotsPasswordQwErTy99'), { logGroupName: outputs.BotLogGroupName });
      const h = await keeperOf([evil]);

      expect(await h.run()).toMatchObject({ captured: 0, failed: 1 });
      expect((await prod.secret()).password).toBe('Initial-Password-From-The-Console-0001');
      expect(h.logger.warn.mock.calls[0][0]).toMatch(
        /could not look after resource:default\/evil-123456789012-use1: the secret .*prod-bot-secret.* belongs to stack .*wickr-dr-prod.*; no password stored$/,
      );
    });
  });
});
