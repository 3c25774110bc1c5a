// The bot through the Wickr admin API: wickr-dr:bot:prepare, put-secret with a challenge,
// await-registration in the network and set-retention, against the fake Wickr admin server
// (real HTTP, SigV4 checked) and moto_server for the stack and its secret, both on loopback.
import fs from 'node:fs';
import path from 'node:path';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation, NETWORK_TAG, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  PASSWORD_SAMPLES,
  startFakeWickrAdmin,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { WickrAdminClient } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createAwaitRegistrationAction } from './awaitRegistration';
import { createPrepareBotAction } from './prepareBot';
import { createPutBotSecretAction } from './putBotSecret';
import { createSetRetentionAction } from './setRetention';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const PREMIUM = '12345678';
const STANDARD = '87654321';
const OTHER = '23456789';
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };

describe('the bot through the Wickr admin API (fake admin server, moto_server)', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let wickr: FakeWickrAdmin;
  let secrets: SecretsManagerClient;
  let task = 0;

  beforeAll(async () => {
    moto = await startMoto();
    secrets = new SecretsManagerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    secrets?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    wickr = await startFakeWickrAdmin({
      networks: [
        { networkId: PREMIUM, networkName: 'Acme', accessLevel: 'PREMIUM', awsAccountId: '123456789012' },
        { networkId: STANDARD, networkName: 'Acme trial', accessLevel: 'STANDARD', awsAccountId: '123456789012' },
        { networkId: OTHER, networkName: 'Other team', accessLevel: 'PREMIUM', awsAccountId: '123456789012' },
      ],
    });
  });
  afterEach(() => wickr?.stop());

  /** AwsClients whose Wickr calls go to the fake, the rest to moto. */
  const awsClients = () => {
    const clients = testAwsClients(moto, undefined, { wickr: wickr.endpoint });
    return { clients, wickrClient: (t: { accountId?: string; region: string }) => WickrAdminClient.create(clients, t) };
  };
  const operations = () => wickr.requests.map(r => r.operation);

  function run(action: { handler(ctx: any): Promise<void> }, input: object, secretsIn: Record<string, string> = {}) {
    const ctx = createMockActionContext({ input: { ...target, ...input }, secrets: secretsIn, task: { id: `task-${++task}` } } as any);
    const lines: string[] = [];
    ctx.logger.info = ((m: string) => lines.push(m)) as any;
    ctx.logger.warn = ((m: string) => lines.push(m)) as any;
    return {
      lines,
      done: action.handler(ctx).then(() => Object.fromEntries((ctx.output as jest.Mock).mock.calls)),
    };
  }

  const prepare = (input: object) => {
    const { clients, wickrClient } = awsClients();
    return run(createPrepareBotAction({ locks: new InMemoryStackLocks(), awsClients: clients, wickrClient }), input).done;
  };

  describe('wickr-dr:bot:prepare', () => {
    it('creates the network\'s bot once, even when the step runs again, and names it', async () => {
      const out = await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      expect(out).toEqual({ botName: `compliance_${PREMIUM}_bot`, networkId: PREMIUM });
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      expect(operations().filter(o => o === 'CreateDataRetentionBot')).toHaveLength(1);
      expect(wickr.state.bot(PREMIUM)).toMatchObject({ botName: `compliance_${PREMIUM}_bot`, registered: false });
    });

    it('reads a 404 of GetDataRetentionBot, once GetNetwork found the network, as no bot yet, and creates it', async () => {
      wickr.failNext('GetDataRetentionBot', { status: 404, times: 2 });
      expect(await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM })).toEqual({ botName: `compliance_${PREMIUM}_bot`, networkId: PREMIUM });
      expect(wickr.requests.map(r => `${r.operation} ${r.status}`)).toEqual([
        'GetNetwork 200',
        'GetDataRetentionBot 404',
        'GetDataRetentionBot 404',
        'CreateDataRetentionBot 200',
        'GetDataRetentionBot 200',
      ]);
    });

    it('refuses at once, before any call to the Wickr admin API, a stack another task holds', async () => {
      const locks = new InMemoryStackLocks();
      await locks.acquire(target, 'task-running');
      const { clients, wickrClient } = awsClients();
      await expect(run(createPrepareBotAction({ locks, awsClients: clients, wickrClient }), { passwordSource: 'wickr-api', networkId: PREMIUM }).done).rejects.toThrow(
        'stack wickr-dr-prod in us-east-1 is being changed by task task-running, which is still running: /create/tasks/task-running; wait for it to finish, then try again',
      );
      expect(operations()).toEqual([]);
    });

    it.each([
      ['a network id that is not 8 digits', { networkId: '1234' }, 'networkId: must be an AWS Wickr network id: 8 digits', 0],
      ['a network that does not exist', { networkId: '11112222' }, 'networkId: no Wickr network 11112222 in this account and region', 1],
      ['a STANDARD network', { networkId: STANDARD }, `networkId: Wickr network ${STANDARD} (Acme trial) is STANDARD; data retention needs a Premium network (the API answered accessLevel STANDARD)`, 1],
    ])('refuses %s before any write, naming the field', async (_, input, message, calls) => {
      const error = await prepare({ passwordSource: 'wickr-api', ...input }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(message);
      expect(operations()).toHaveLength(calls);
      expect(operations()).not.toContain('CreateDataRetentionBot');
    });

    it('says so when the portal may not use the network', async () => {
      wickr.failNext('GetNetwork', { status: 403 });
      const error = await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/^networkId: no permission on Wickr network 12345678: .*ForbiddenError.*the credentials of the portal's main account/);
    });

    it("refuses a bot name from the admin console that is not the chosen network's bot", async () => {
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const error = await prepare({ passwordSource: 'admin-console', networkId: PREMIUM, botName: 'compliance_other_bot' }).catch(e => e);
      expect(error.message).toBe(
        `botName: the data-retention bot of Wickr network ${PREMIUM} is compliance_${PREMIUM}_bot, not compliance_other_bot: this bot belongs to another network`,
      );
    });

    it('refuses, before any write, a new password for a bot that is registered and running, unless it is to be replaced', async () => {
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      await givesChallengeAndLogsIn();
      const before = operations().length;
      const error = await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM, stackName: 'wickr-dr-new' }).catch(e => e);
      expect(error.message).toMatch(/is registered and running, and this deployment would need a new initial password for it, which would lock the running bot out/);
      expect(operations().slice(before)).not.toContain('CreateDataRetentionBotChallenge');
      await expect(prepare({ passwordSource: 'wickr-api', networkId: PREMIUM, stackName: 'wickr-dr-new', replacePassword: true })).resolves.toMatchObject({ networkId: PREMIUM });
    });

    it.each([
      ['its network tag names another network', { tags: { [NETWORK_TAG]: OTHER } }, false, `its ${NETWORK_TAG} tag names network ${OTHER}`],
      ['its bot is not in the network', {}, false, 'its bot is compliance_seeded_bot, and the network has no data-retention bot yet'],
      ["its bot is not the network's", {}, true, `its bot is compliance_seeded_bot, the network's is compliance_${PREMIUM}_bot`],
    ])('refuses, before any write, an existing deployment whose secret holds a password when %s, unless it is replaced', async (_, stack, botFirst, why) => {
      if (botFirst) await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const { secretArn } = await deployment(stack);
      await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ password: 'Generated-By-The-Bot-77Xy' }) }));
      const before = operations().length;
      const error = await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `networkId: stack ${target.stackName} is not a deployment of Wickr network ${PREMIUM} (${why}) and its secret holds its bot's password; a deployment moves to another network's bot only with a new initial password: choose "Replace the bot's password" to do so`,
      );
      expect(operations().slice(before)).toEqual(['GetNetwork', 'GetDataRetentionBot']);
      await expect(prepare({ passwordSource: 'wickr-api', networkId: PREMIUM, replacePassword: true })).resolves.toMatchObject({ networkId: PREMIUM });
    });

    it("takes an existing deployment of another network's bot whose secret holds no password yet: put-secret gives it one", async () => {
      await deployment({ tags: { [NETWORK_TAG]: OTHER } });
      await expect(prepare({ passwordSource: 'wickr-api', networkId: PREMIUM })).resolves.toEqual({ botName: `compliance_${PREMIUM}_bot`, networkId: PREMIUM });
    });
  });

  /** A deployment in moto with its empty secret, and its discovered entity. */
  async function deployment(stack: { botName?: string; tags?: Record<string, string> } = {}): Promise<{ entity: Entity; secretArn: string }> {
    const seeded = await seedMotoDeployment(moto, { ...target, ...stack, deployName: 'prod', templateBody: TEMPLATE });
    const { secretArn } = seeded;
    const entity = deploymentEntity(
      { stackArn: seeded.stack.StackId!, stackName: target.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
    return { entity, secretArn };
  }

  const putSecret = (entity: Entity, input: object = {}) => {
    const { clients, wickrClient } = awsClients();
    return run(createPutBotSecretAction({ locks: new InMemoryStackLocks(), awsClients: clients, access: testAccess({ entities: [entity] }).access, wickrClient }), {
      passwordSource: 'wickr-api',
      networkId: PREMIUM,
      ...input,
    });
  };
  const secretPassword = async (secretArn: string) =>
    JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password;

  /** The fake bot: logs in to the network with what its secret holds. */
  async function givesChallengeAndLogsIn() {
    const { entity, secretArn } = await deployment();
    await putSecret(entity).done;
    expect(wickr.state.botLogsIn(PREMIUM, await secretPassword(secretArn))).toBe(true);
    return { entity, secretArn };
  }

  describe('wickr-dr:bot:put-secret with a challenge', () => {
    it('puts a new initial password from the API into the secret, and nowhere else', async () => {
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const { entity, secretArn } = await deployment();
      const step = putSecret(entity);
      const out = await step.done;
      const challenge = await secretPassword(secretArn);
      expect(out).toMatchObject({ password: 'initial', changed: true });
      expect(wickr.state.bot(PREMIUM)!.hasChallenge).toBe(true);
      expect(JSON.stringify([step.lines, out, wickr.requests])).not.toContain(challenge);
      // The challenge is the one the network expects: the bot logs in with it.
      expect(wickr.state.botLogsIn(PREMIUM, challenge)).toBe(true);
    });

    it('asks for no challenge when the secret holds a password, and refuses one for a running bot', async () => {
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const { entity, secretArn } = await givesChallengeAndLogsIn();
      await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ password: 'Generated-By-The-Bot-77Xy' }) }));
      const before = operations().length;
      expect(await putSecret(entity).done).toMatchObject({ password: 'kept' });
      expect(operations().slice(before)).not.toContain('CreateDataRetentionBotChallenge');

      // A bot that is registered and running gets no new challenge unless it is replaced.
      await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: '{}' }));
      const refused = await putSecret(entity).done.catch(e => e);
      expect(refused).toBeInstanceOf(InputError);
      expect(refused.message).toMatch(/is registered and running; a new challenge would lock it out, so none was issued/);
      expect(operations().slice(before)).not.toContain('CreateDataRetentionBotChallenge');
    });
  });

  /** The fake bot's log once it registered: the banner with its generated password, then its login. */
  async function botPrintsBanner() {
    const logs = new CloudWatchLogsClient(motoClientConfig(moto));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/wickr-dr/prod/bot', logStreamName: 'bot/1' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/wickr-dr/prod/bot',
        logStreamName: 'bot/1',
        logEvents: [...PASSWORD_SAMPLES.adminGuide.events, 'Login successful'].map((message, i) => ({ message, timestamp: Date.now() + 1000 + i })),
      }),
    );
    logs.destroy();
  }

  type Clock = { now: () => number; sleep: (ms: number) => Promise<void> };

  /** await-registration in the network, at most a minute, on the real clock unless one is given. */
  const awaitRegistration = (entity: Entity, clock?: Clock) => {
    const { clients, wickrClient } = awsClients();
    const access = testAccess({ entities: [entity] }).access;
    const action = createAwaitRegistrationAction({ locks: new InMemoryStackLocks(), awsClients: clients, access, wickrClient, timeoutMinutes: 1, clock });
    return run(action, { networkId: PREMIUM });
  };

  /** A simulated clock: each wait returns at once and moves the time on by all of it; `afterWait` gets its count. */
  function simulatedClock(afterWait: (waits: number) => void = () => undefined): Clock & { waits: number[] } {
    let now = Date.now();
    const waits: number[] = [];
    return {
      waits,
      now: () => now,
      sleep: async ms => {
        now += ms;
        waits.push(ms);
        afterWait(waits.length);
      },
    };
  }

  describe('after the bot starts', () => {
    it('polls the API every 5 s until it reports the bot registered: the bot logs in to the network after three polls', async () => {
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const { entity, secretArn } = await deployment();
      await putSecret(entity).done;
      const challenge = await secretPassword(secretArn);
      await botPrintsBanner();
      const before = operations().length;
      let loggedIn = false;
      const clock = simulatedClock(waits => {
        if (waits === 3) loggedIn = wickr.state.botLogsIn(PREMIUM, challenge);
      });
      const step = awaitRegistration(entity, clock);
      expect(await step.done).toMatchObject({ registered: true, registeredInNetwork: true });
      expect(loggedIn).toBe(true);
      expect(clock.waits).toEqual([5_000, 5_000, 5_000]);
      expect(operations().slice(before)).toEqual(Array(4).fill('GetDataRetentionBot'));
      expect(step.lines).toContain(`The Wickr admin API reports the bot registered in network ${PREMIUM}`);
    });

    it('fails in one line when the API does not report the bot registered within the timeout', async () => {
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const { entity } = await deployment();
      await putSecret(entity).done;
      await botPrintsBanner();
      const before = operations().length;
      const clock = simulatedClock();
      const step = awaitRegistration(entity, clock);
      await expect(step.done).rejects.toThrow(
        `the bot logged in, but the Wickr admin API does not report it registered in network ${PREMIUM} within the timeout; look at Data Retention in the admin console`,
      );
      // A minute (timeoutMinutes) of polls 5 s apart.
      expect(clock.waits).toEqual(Array(12).fill(5_000));
      expect(operations().slice(before)).toEqual(Array(13).fill('GetDataRetentionBot'));
      expect(wickr.state.bot(PREMIUM)).toMatchObject({ registered: false });
    });

    it('waits until the API reports the bot registered, then turns data retention on after acknowledging the key', async () => {
      await wickr.stop();
      wickr = await startFakeWickrAdmin({
        networks: [{ networkId: PREMIUM, networkName: 'Acme', accessLevel: 'PREMIUM', awsAccountId: '123456789012' }],
        requirePubkeyAckBeforeEnable: true,
      });
      await prepare({ passwordSource: 'wickr-api', networkId: PREMIUM });
      const { entity, secretArn } = await deployment();
      await putSecret(entity).done;
      // The fake bot registers with the challenge and prints its generated password.
      expect(wickr.state.botLogsIn(PREMIUM, await secretPassword(secretArn))).toBe(true);
      await botPrintsBanner();
      const registered = await awaitRegistration(entity).done;
      expect(registered).toMatchObject({ registered: true, registeredInNetwork: true });
      const { clients, wickrClient } = awsClients();
      const access = testAccess({ entities: [entity] }).access;
      expect(await secretPassword(secretArn)).toBe(PASSWORD_SAMPLES.adminGuide.password);

      const retention = await run(createSetRetentionAction({ locks: new InMemoryStackLocks(), awsClients: clients, access, wickrClient, clock: { sleep: async () => undefined } }), { networkId: PREMIUM }).done;
      expect(retention).toEqual({ retentionEnabled: true });
      expect(wickr.state.bot(PREMIUM)).toMatchObject({ retentionEnabled: true, pubkeyAcked: true });
      const updates = wickr.requests.filter(r => r.operation === 'UpdateDataRetention').length;
      expect(updates).toBe(2);
    });
  });
});
