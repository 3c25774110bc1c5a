/**
 * bench/keeper: keeping the bots' passwords of 10, 100 and 1,000 deployments spread over
 * the four Wickr Regions, on a simulated account (see simulation.ts: virtual clock, 50 to
 * 150 ms a call, log events visible 1 to 10 s after they are written, per-region
 * throttles). A tenth of the bots are new and register in the first hour; the others
 * registered a month ago, and one in twenty of those rotates its password in the second
 * hour; nothing happens in the third.
 *
 * The keeper runs with its defaults (every 5 minutes, 5 CloudWatch Logs calls a second
 * and 10 looks at once per account and region). Measured: (a) calls per deployment per
 * run in the third hour, once every bot has registered; (b) the time from each banner to
 * the secret holding its value. Side by side, for the new bots: the scaffolder step
 * (wickr-dr:bot:await-registration) waiting from the bot's start, its cadence replicated
 * here (a look and the checks for a refused login or a stopped task, then 5 s, times 1.5,
 * at most 15 s between polls). It never sees a rotation: it has ended by then.
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
import { botConfigFromOutputs, deploymentEntity, discoveryLocation } from '../../plugins/wickr-dr-common/src';
import {
  AwsClients,
  AwsTarget,
  botTaskProblem,
  captureGeneratedPassword,
  describeSecret,
  loginFailureSince,
} from '../../plugins/wickr-dr-node/src';
import { PasswordKeeper } from '../../plugins/wickr-dr-backend/src/keeper/PasswordKeeper';
import { RegistrationStore } from '../../plugins/wickr-dr-backend/src/keeper/RegistrationStore';
import { DEFAULT_KEEPER_SCHEDULE, DEFAULT_KEEPER_SETTINGS } from '../../plugins/wickr-dr-backend/src/keeper/settings';
import { VirtualClock } from '../../plugins/wickr-dr-backend/src/__testUtils__/VirtualClock';
import { median, percentile, printTable } from '../lib/stats';
import { SimulatedAccount } from './simulation';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REGIONS = ['us-east-1', 'ap-southeast-2', 'ca-central-1', 'eu-west-2'];
const ACCOUNT = '123456789012';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PERIOD = DEFAULT_KEEPER_SCHEDULE.frequency.minutes * MINUTE;

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** What the bot prints when it registers, a line a second; the banner is the fourth line. */
const registration = (password: string) => [
  'Begin registration with password.',
  'Received registration',
  '*'.repeat(64),
  '**** GENERATED PASSWORD',
  '**** DO NOT LOSE THIS PASSWORD, YOU WILL NEED TO ENTER IT EVERY TIME',
  '**** TO START THE BOT',
  ` "${password}"`,
  '*'.repeat(64),
  'Login successful',
];
const BANNER_LINE = 3;

interface Bot {
  region: string;
  deployName: string;
  stack: Stack;
  logGroup: string;
  secretArn: string;
  entity: Entity;
  /** When a new bot starts (and the scaffolder step with it); undefined for one registered long ago. */
  startsAt?: number;
  /** The banners it prints during the bench, with the time of the banner line. */
  banners: Array<{ password: string; printedAt: number; stream: string; linesAt: number }>;
}

const isNew = (bot: Bot) => bot.startsAt !== undefined;

const password = (deployName: string, n: number) => `Gen${deployName}x${n}AbCdEfGhIjKlMn`.slice(0, 24);

/** The fleet, its stacks and secrets in the simulation, and what each bot prints when. */
function fleet(count: number, sim: SimulatedAccount, random: () => number, t0: number): Bot[] {
  return Array.from({ length: count }, (_, i) => {
    const region = REGIONS[i % REGIONS.length];
    const deployName = `d${i}`;
    const stackId = `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/wickr-dr-${deployName}/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const logGroup = `/wickr-dr/${deployName}/bot`;
    const secretArn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${deployName}-bot-AbCdEf`;
    const outputs = {
      BotLogGroupName: logGroup,
      BotSecretArn: secretArn,
      RetentionBucketName: `${ACCOUNT}-${deployName}-wickrdr`,
      RetentionPrefix: 'data-retention',
      AlertTopicArn: `arn:aws:sns:${region}:${ACCOUNT}:wickr-dr-${deployName}-alerts`,
      ClusterName: `wickr-dr-${deployName}`,
      ServiceName: 'bot',
    };
    const stack: Stack = {
      StackId: stackId,
      StackName: `wickr-dr-${deployName}`,
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date(t0 - DAY),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    };
    sim.addStack(region, stack);
    const entity = deploymentEntity(
      { stackArn: stackId, stackName: stack.StackName!, tags: { 'wickr-dr:deployment': deployName }, outputs },
      { location: discoveryLocation({ accountId: ACCOUNT, region }), defaultOwner: 'group:default/platform-team' },
    );
    const config = botConfigFromOutputs(outputs, region);
    const bot: Bot = { region, deployName, stack, logGroup, secretArn, entity, banners: [] };
    const isNew = i % 10 === 0;
    if (isNew) {
      bot.startsAt = t0 + random() * HOUR;
      sim.addSecret(region, { arn: secretArn, value: { ...config, password: 'initial-one-time' }, changedAt: bot.startsAt - MINUTE, stackId });
      sim.print(region, logGroup, 'bot/bot/0', [], t0);
      const linesAt = bot.startsAt + (20 + random() * 70) * 1000;
      bot.banners.push({ password: password(deployName, 1), printedAt: linesAt + BANNER_LINE * 1000, stream: 'bot/bot/1', linesAt });
    } else {
      const registeredAt = t0 - 30 * DAY;
      sim.print(region, logGroup, 'bot/bot/0', registration(password(deployName, 0)), registeredAt);
      sim.addSecret(region, { arn: secretArn, value: { ...config, password: password(deployName, 0) }, changedAt: registeredAt + MINUTE, stackId });
      if (random() < 0.05) {
        const linesAt = t0 + HOUR + random() * HOUR;
        bot.banners.push({ password: password(deployName, 2), printedAt: linesAt + BANNER_LINE * 1000, stream: 'bot/bot/2', linesAt });
      }
    }
    for (const banner of bot.banners) sim.print(region, logGroup, banner.stream, registration(banner.password), banner.linesAt);
    return bot;
  });
}

/** AwsClients handing out real SDK clients (the paginators insist on them) whose calls go to the simulation. */
class SimulatedAwsClients extends AwsClients {
  private readonly clients = new Map<string, unknown>();

  constructor(private readonly sim: SimulatedAccount) {
    super({
      credentialsManager: { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => ({ accessKeyId: 'x', secretAccessKey: 'y' }) }) },
      accounts: { configured: [ACCOUNT] },
    });
  }

  get<C>(Client: new (config: any) => C, target: AwsTarget): Promise<C> {
    const key = `${Client.name}/${target.region}`;
    if (!this.clients.has(key)) {
      const client = new Client({ region: target.region, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
      Object.assign(client as object, {
        send: (command: { constructor: { name: string }; input: unknown }) =>
          this.sim.send(target.region, command.constructor.name.replace(/Command$/, ''), command.input),
      });
      this.clients.set(key, client);
    }
    return Promise.resolve(this.clients.get(key) as C);
  }
}

const silentLogger: any = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLogger };

/** Banner to secret, per banner printed during the bench; Infinity for one never stored. */
function latencies(bots: Bot[], sim: SimulatedAccount) {
  return bots.flatMap(bot =>
    bot.banners.map(banner => {
      const stored = sim.stored.find(s => s.secretId === bot.secretArn && s.password === banner.password);
      return stored ? stored.at - banner.printedAt : Infinity;
    }),
  );
}

/** The keeper on its own: three hours of scheduled runs. */
async function keeperAlone(count: number, seed: number) {
  const clock = new VirtualClock();
  const random = seeded(seed);
  const sim = new SimulatedAccount(clock, random);
  const t0 = clock.now;
  const bots = fleet(count, sim, random, t0);
  const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const keeper = new PasswordKeeper({
    awsClients: new SimulatedAwsClients(sim),
    store: await RegistrationStore.create(knex),
    logger: silentLogger,
    settings: DEFAULT_KEEPER_SETTINGS,
    clock: { now: () => clock.now, sleep: clock.sleep },
  });
  const entities = bots.map(b => b.entity);
  const quietRuns: number[] = [];
  const runTimes: number[] = [];
  let failed = 0;
  await clock.run(
    (async () => {
      for (let tick = t0; tick < t0 + 3 * HOUR; tick += PERIOD) {
        if (clock.now < tick) await clock.sleep(tick - clock.now);
        const [started, callsBefore] = [clock.now, sim.calls.length];
        failed += (await keeper.keepAll({ deployments: async () => entities })).failed;
        runTimes.push(clock.now - started);
        if (tick >= t0 + 2 * HOUR) quietRuns.push((sim.calls.length - callsBefore) / count);
      }
    })(),
  );
  await knex.destroy();
  return {
    callsPerRun: median(quietRuns),
    firstLogins: latencies(bots.filter(isNew), sim),
    rotations: latencies(bots.filter(b => !isNew(b)), sim),
    /** The first run reads every log from its start (no records yet); the quiet ones one call each. */
    firstRunS: runTimes[0] / 1000,
    quietRunS: median(runTimes.slice(-quietRuns.length)) / 1000,
    throttled: sim.throttled,
    failed,
  };
}

/** The scaffolder step's wait for one new bot, from its start, at the step's cadence. */
async function scaffolderStep(bot: Bot, aws: SimulatedAwsClients, clock: VirtualClock) {
  const target = { accountId: ACCOUNT, region: bot.region };
  const clients = {
    logs: await aws.get(CloudWatchLogsClient, target),
    secrets: await aws.get(SecretsManagerClient, target),
    ecs: await aws.get(ECSClient, target),
  };
  await clock.sleep(bot.startsAt! - clock.now);
  const since = (await describeSecret(clients.secrets, bot.secretArn)).LastChangedDate!.getTime();
  const passwordTarget = {
    logGroupName: bot.logGroup,
    secretId: bot.secretArn,
    config: () => botConfigFromOutputs(Object.fromEntries(bot.stack.Outputs!.map(o => [o.OutputKey!, o.OutputValue!])), bot.region),
  };
  let delay = 5_000;
  for (let polls = 1; ; polls++) {
    try {
      const outcome = await captureGeneratedPassword(clients, passwordTarget, { since });
      if (outcome.outcome === 'captured' || outcome.outcome === 'already-stored') return polls;
      await loginFailureSince(clients.logs, bot.logGroup, since);
      await botTaskProblem(clients.ecs, `wickr-dr-${bot.deployName}`, 'bot', since);
    } catch {
      // Throttled: the SDK would retry; here the step polls again.
    }
    await clock.sleep(delay);
    delay = Math.min(delay * 1.5, 15_000);
  }
}

/** The scaffolder step alone, for each new bot, without the keeper. */
async function stepAlone(count: number, seed: number) {
  const clock = new VirtualClock();
  const random = seeded(seed);
  const sim = new SimulatedAccount(clock, random);
  const bots = fleet(count, sim, random, clock.now).filter(isNew);
  const aws = new SimulatedAwsClients(sim);
  const polls = await clock.run(Promise.all(bots.map(bot => scaffolderStep(bot, aws, clock))));
  return {
    firstLogins: latencies(bots, sim),
    callsPerPoll: sim.calls.length / polls.reduce((a, b) => a + b, 0),
    throttled: sim.throttled,
  };
}

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(0)} s` : 'never');

export async function run() {
  const rows = [
    [
      'deployments',
      'who stores the password',
      'calls per deployment per run, all registered (goal: at most 1)',
      'banner to secret, new bots: p50 / p95',
      'banner to secret, rotations: p50 / p95',
      'goal',
      'run time: first / quiet hour',
      'throttled calls',
    ],
  ];
  for (const count of [10, 100, 1000]) {
    const keeper = [];
    const step = [];
    for (let seed = 1; seed <= RUNS; seed++) {
      keeper.push(await keeperAlone(count, seed));
      step.push(await stepAlone(count, seed));
    }
    const pooled = (runs: Array<Record<'firstLogins' | 'rotations', number[]>>, key: 'firstLogins' | 'rotations') => {
      const all = runs.flatMap(r => r[key]);
      return all.length ? `${seconds(percentile(all, 0.5))} / ${seconds(percentile(all, 0.95))} (${all.length})` : 'none';
    };
    const failed = keeper.reduce((sum, r) => sum + r.failed, 0);
    rows.push([
      String(count),
      `keeper, every ${PERIOD / MINUTE} min`,
      median(keeper.map(r => r.callsPerRun)).toFixed(2),
      pooled(keeper, 'firstLogins'),
      pooled(keeper, 'rotations'),
      `within ${PERIOD / MINUTE} min (${PERIOD / 1000} s)`,
      `${median(keeper.map(r => r.firstRunS)).toFixed(1)} s / ${median(keeper.map(r => r.quietRunS)).toFixed(1)} s`,
      `${median(keeper.map(r => r.throttled))}${failed ? ` (${failed} failed looks)` : ''}`,
    ]);
    rows.push([
      String(count),
      'scaffolder step, polls every 5-15 s',
      `(${median(step.map(r => r.callsPerPoll)).toFixed(1)} a poll while waiting; ends at registration)`,
      pooled(step.map(r => ({ ...r, rotations: [] })), 'firstLogins'),
      'not seen (the step has ended)',
      'seconds',
      '',
      String(median(step.map(r => r.throttled))),
    ]);
  }
  printTable(
    `bench/keeper: deployments over ${REGIONS.length} regions, a tenth new, 5% rotating; 50-150 ms a call, 1-10 s ingestion delay; p50 / p95 (banners) over ${RUNS} seeds (virtual time)`,
    rows,
  );
}
