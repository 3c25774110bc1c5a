/**
 * bench/drift: checking 10, 100 and 1,000 stacks of one account and region on a
 * simulated CloudFormation (virtual clock, 100 ms a call, detections of 10 to 60 s,
 * a throttle of 5 calls a second). Wall time against the throttle's lower bound
 * (successful calls / 5 per second), calls per stack, and peak extra heap, for the
 * default settings and for a higher detection concurrency.
 */
import { CloudFormationClient, type StackResourceDrift } from '@aws-sdk/client-cloudformation';
import { DEFAULT_SUPPRESSIONS, deploymentEntity, discoveryLocation } from '../../plugins/wickr-dr-common/src';
import { AwsClients } from '../../plugins/wickr-dr-node/src';
import { DriftChecker } from '../../plugins/wickr-dr-backend/src/drift/DriftChecker';
import { DriftStore } from '../../plugins/wickr-dr-backend/src/drift/DriftStore';
import { SimulatedDriftCloudFormation, SimulatedStack, stackArn } from '../../plugins/wickr-dr-backend/src/__testUtils__/simulatedDrift';
import { VirtualClock } from '../../plugins/wickr-dr-backend/src/__testUtils__/VirtualClock';
import knexFactory from 'knex';
import { median, printTable } from '../lib/stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const THROTTLE = 5;

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function stacks(count: number, random: () => number): SimulatedStack[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `wickr-dr-${i}`,
    resources: Array.from({ length: 25 }, (__, r): StackResourceDrift => ({
      StackId: 'x',
      LogicalResourceId: `Resource${r}`,
      ResourceType: 'AWS::EC2::SecurityGroup',
      Timestamp: new Date(0),
      StackResourceDriftStatus: i % 10 === 0 && r === 0 ? 'MODIFIED' : 'IN_SYNC',
      PropertyDifferences: i % 10 === 0 && r === 0 ? [{ PropertyPath: '/SecurityGroupIngress/0/CidrIp', ActualValue: '0.0.0.0/0', ExpectedValue: undefined, DifferenceType: 'ADD' as const }] : [],
    })),
    detection: { durationMs: 10_000 + random() * 50_000 },
  }));
}

const silentLogger: any = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLogger };

/** AwsClients that hand out the simulation instead of SDK clients. */
class SimulatedAwsClients extends AwsClients {
  constructor(private readonly client: unknown) {
    super({
      credentialsManager: { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => ({ accessKeyId: 'x', secretAccessKey: 'y' }) }) },
      accounts: { configured: ['123456789012'] },
    });
  }
  get<C>(): Promise<C> {
    return Promise.resolve(this.client as C);
  }
}

async function measure(count: number, maxConcurrentDetections: number, seed: number) {
  const clock = new VirtualClock();
  const random = seeded(seed);
  clock.random = random;
  const simulation = new SimulatedDriftCloudFormation(stacks(count, random), clock);
  simulation.throttlePerSecond = THROTTLE;
  // A real client (the SDK's paginators insist on one) whose every call goes to the simulation.
  const client = Object.assign(new CloudFormationClient({ region: 'us-east-1' }), {
    send: (command: any) => simulation.send(command.constructor.name.replace(/Command$/, ''), command.input),
  });
  const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const store = await DriftStore.create(knex);
  const checker = new DriftChecker({
    awsClients: new SimulatedAwsClients(client as unknown as CloudFormationClient),
    store,
    notifications: { send: async () => undefined },
    logger: silentLogger,
    settings: {
      reuseWithinMs: 0,
      detectionTimeoutMs: 15 * 60_000,
      maxConcurrentDetections,
      callsPerSecond: THROTTLE,
      suppressions: DEFAULT_SUPPRESSIONS,
      historyDays: 90,
      checkNowCooldownMs: 0,
    },
    clock: { now: () => clock.now, sleep: clock.sleep, random },
  });
  const entities = Array.from({ length: count }, (_, i) =>
    deploymentEntity(
      { stackArn: stackArn(`wickr-dr-${i}`), stackName: `wickr-dr-${i}`, tags: { 'wickr-dr:deployment': `d${i}` }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/x' },
    ),
  );
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  const started = clock.now;
  const summary = await clock.run(checker.checkAll({ deployments: async () => entities }));
  const wallMs = clock.now - started;
  clearInterval(sampler);
  await knex.destroy();
  if (summary.checked !== count || summary.failed) throw new Error(`checked ${summary.checked}, failed ${summary.failed}`);
  const calls = simulation.calls.length;
  return {
    wallS: wallMs / 1000,
    boundS: calls / THROTTLE,
    calls,
    callsPerStack: calls / count,
    throttled: simulation.throttled,
    maxAtOnce: simulation.maxDetectionsAtOnce,
    heapMiB: (peak - heapBefore) / 2 ** 20,
  };
}

export async function run() {
  const rows = [['stacks', 'detections at once', 'wall time (s)', 'throttle lower bound (s)', 'ratio', 'calls per stack', 'throttled calls', 'peak extra heap (MiB)']];
  const concurrencies = (process.env.BENCH_DRIFT_CONCURRENCY ?? "5,50").split(",").map(Number);
  for (const concurrency of concurrencies) {
    for (const count of [10, 100, 1000]) {
      const runs: Array<Awaited<ReturnType<typeof measure>>> = [];
      for (let seed = 1; seed <= RUNS; seed++) runs.push(await measure(count, concurrency, seed));
      const m = (key: keyof (typeof runs)[number]) => median(runs.map(r => r[key]));
      rows.push([
        String(count),
        `${concurrency} (max seen ${m('maxAtOnce')})`,
        m('wallS').toFixed(0),
        m('boundS').toFixed(0),
        `${(m('wallS') / m('boundS')).toFixed(2)}x`,
        m('callsPerStack').toFixed(2),
        String(m('throttled')),
        m('heapMiB').toFixed(1),
      ]);
    }
  }
  printTable(`bench/drift: one account and region, throttle ${THROTTLE} calls/s, 100 ms a call, detections 10-60 s, medians of ${RUNS} seeds (virtual time)`, rows);
}
