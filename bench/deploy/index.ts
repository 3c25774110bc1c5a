/**
 * bench/deploy: how our deploy engine watches a stack operation, against the tools
 * a user would otherwise reach for, on the same simulated 10-minute creation of 40
 * resources (see ./timeline). From ExecuteChangeSet until each strategy knows the
 * stack's final status, on the simulation's virtual clock:
 * - CloudFormation calls: every call in that window, ExecuteChangeSet included;
 * - event latency: for each resource event, when the strategy first showed it
 *   minus the event's timestamp (p50 and p95);
 * - end detected after: when it knew the stack was done minus the final stack event.
 * Each figure is the median over the timelines of TIMELINE_SEEDS.
 */
import { randomUUID } from 'node:crypto';
import { CloudFormationClient, type StackEvent } from '@aws-sdk/client-cloudformation';
import type { RenderedStack } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { StackDeployer } from '../../plugins/scaffolder-backend-module-wickr-dr/src/deploy/stackDeployer';
import { InMemoryStackLocks } from '../../plugins/scaffolder-backend-module-wickr-dr/src/__testUtils__/stackLocks';
import { SimulatedCloudFormation } from '../../plugins/scaffolder-backend-module-wickr-dr/src/__testUtils__/simulatedCloudFormation';
import { median, percentile, printTable, ratio } from '../lib/stats';
import {
  AWS_CLI_DEPLOY_WAITER,
  cdk,
  describeStacksWaiter,
  rain,
  STATUS_POLL_5S,
  WatchOutcome,
} from './anchors';
import { creationTimeline, RESOURCE_COUNT, seededRandom, TIMELINE_SEEDS } from './timeline';

export const STACK_NAME = 'wickr-dr-bench';
const GOAL_P50_S = 2.5;

interface Measurement {
  calls: number;
  /** Seconds; undefined for a strategy that shows no resource events. */
  latencyP50?: number;
  latencyP95?: number;
  endDelayS: number;
}

/** A simulated CloudFormation whose next executed change set plays the timeline of a seed. */
export function simulationFor(seed: number): SimulatedCloudFormation {
  const simulation = new SimulatedCloudFormation();
  simulation.nextOperation = { steps: creationTimeline(seed) };
  return simulation;
}

/** A CloudFormationClient whose every command goes to the simulation, named after its class. */
export function clientFor(simulation: SimulatedCloudFormation): CloudFormationClient {
  const send = (command: { input: unknown }) =>
    simulation.send(command.constructor.name.replace(/Command$/, ''), command.input);
  // A real client (the SDK's paginators insist on one) whose every call goes to the simulation.
  return Object.assign(new CloudFormationClient({ region: 'us-east-1' }), { send }) as unknown as CloudFormationClient;
}

/** Like a rendered stack of the product: the timeline, not the template, decides what happens. */
function benchStack(): RenderedStack {
  return {
    stackName: STACK_NAME,
    templateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
    parameters: [{ ParameterKey: 'DeployName', ParameterValue: 'bench' }],
    tags: [{ Key: 'wickr-dr:deployment', Value: 'bench' }],
  };
}

/** Our engine: StackDeployer.deploy, showing an event when it logs the event's line. */
async function ours(simulation: SimulatedCloudFormation, seed: number): Promise<WatchOutcome> {
  const lines: Array<{ at: number; line: string }> = [];
  const logger = {
    info: (line: string) => lines.push({ at: simulation.now, line }),
    warn: (line: string) => lines.push({ at: simulation.now, line }),
  };
  const deployer = new StackDeployer(
    {
      cloudformation: clientFor(simulation),
      locks: new InMemoryStackLocks(),
      sleep: ms => simulation.sleep(ms),
      now: () => simulation.now,
      random: seededRandom(1000 + seed),
    },
    { logger, checkpoint: async ({ fn }) => fn(), taskId: `bench-${seed}` },
    {
      region: 'us-east-1',
      timeoutMs: 3_600_000,
      dryRun: false,
      terminationProtection: false,
      botRunning: 'keep',
    },
  );
  const result = await deployer.deploy(benchStack());
  if (result.status !== 'CREATE_COMPLETE') throw new Error(`ours ended with ${result.status}`);
  return { doneAt: simulation.now, shownAt: shownByLog(simulation, lines) };
}

/** Maps the engine's event lines ("CREATE_COMPLETE AWS::EC2::VPC Vpc (3 of 40 ...)") to the events. */
function shownByLog(simulation: SimulatedCloudFormation, lines: Array<{ at: number; line: string }>) {
  const events = stackEvents(simulation);
  const shownAt = new Map<string, number>();
  for (const { at, line } of lines) {
    const [status, type, logicalId] = line.split(' ');
    const event = events.find(
      e => e.ResourceStatus === status && e.ResourceType === type && e.LogicalResourceId === logicalId,
    );
    if (event && !shownAt.has(event.EventId!)) shownAt.set(event.EventId!, at);
  }
  return shownAt;
}

function stackEvents(simulation: SimulatedCloudFormation): StackEvent[] {
  const stack = simulation.stacks.get(STACK_NAME);
  if (!stack) throw new Error(`no stack ${STACK_NAME} in the simulation`);
  return stack.events;
}

/** What an anchor needs before it watches: a change set, created and executed. Returns its id. */
export async function executeDirectly(simulation: SimulatedCloudFormation): Promise<string> {
  const { Id } = await simulation.send('CreateChangeSet', {
    StackName: STACK_NAME,
    ChangeSetName: 'bench',
    ChangeSetType: 'CREATE',
    ClientToken: randomUUID(),
  });
  await simulation.sleep(simulation.changeSetDelayMs);
  await simulation.send('DescribeChangeSet', { ChangeSetName: Id });
  await simulation.send('ExecuteChangeSet', { ChangeSetName: Id, ClientRequestToken: randomUUID() });
  return Id;
}

/** The figures of one strategy on one timeline, from the simulation's record. */
export function measure(simulation: SimulatedCloudFormation, outcome: WatchOutcome): Measurement {
  const executed = simulation.calls.findIndex(c => c.operation === 'ExecuteChangeSet');
  if (executed < 0) throw new Error('the change set was never executed');
  const calls = simulation.calls.slice(executed).filter(c => c.at <= outcome.doneAt).length;
  const events = stackEvents(simulation);
  const finalAt = Math.max(
    ...events.filter(e => e.LogicalResourceId === STACK_NAME).map(e => e.Timestamp!.getTime()),
  );
  const endDelayS = (outcome.doneAt - finalAt) / 1000;
  if (!outcome.shownAt) return { calls, endDelayS };
  const resourceEvents = events.filter(e => e.LogicalResourceId !== STACK_NAME);
  if (resourceEvents.length !== 2 * RESOURCE_COUNT) {
    throw new Error(`expected ${2 * RESOURCE_COUNT} resource events, got ${resourceEvents.length}`);
  }
  const latencies = resourceEvents.map(e => {
    const shown = outcome.shownAt!.get(e.EventId!);
    if (shown === undefined) {
      throw new Error(`${e.ResourceStatus} ${e.LogicalResourceId} was never shown`);
    }
    return (shown - e.Timestamp!.getTime()) / 1000;
  });
  return { calls, endDelayS, latencyP50: percentile(latencies, 0.5), latencyP95: percentile(latencies, 0.95) };
}

const STRATEGIES: Array<{ name: string; watch: (simulation: SimulatedCloudFormation, seed: number) => Promise<WatchOutcome> }> = [
  { name: 'ours', watch: ours },
  {
    name: 'aws cloudformation deploy (DescribeStacks every 30 s)',
    watch: async simulation => {
      await executeDirectly(simulation);
      return describeStacksWaiter(simulation, STACK_NAME, AWS_CLI_DEPLOY_WAITER);
    },
  },
  {
    name: "status-only poll every 5 s (no tool's default)",
    watch: async simulation => {
      await executeDirectly(simulation);
      return describeStacksWaiter(simulation, STACK_NAME, STATUS_POLL_5S);
    },
  },
  {
    name: 'cdk',
    watch: async simulation => {
      await executeDirectly(simulation);
      return cdk(simulation, STACK_NAME);
    },
  },
  {
    name: 'rain',
    watch: async simulation => rain(simulation, STACK_NAME, await executeDirectly(simulation)),
  },
];

const seconds = (value: number | undefined) => (value === undefined ? 'n/a (no events)' : value.toFixed(1));

interface Summary {
  name: string;
  calls: number;
  p50?: number;
  p95?: number;
  endDelay: number;
}

/** One line: our calls, event latency and end detection against one anchor's. */
function standing(mine: Summary, anchor: Summary): string {
  const calls = `${ratio(mine.calls, anchor.calls)} its calls (${mine.calls} against ${anchor.calls})`;
  const events =
    anchor.p50 === undefined
      ? `it shows no resource events, ours shows each (p50 ${seconds(mine.p50)} s)`
      : `event latency p50 ${seconds(mine.p50)} s against ${seconds(anchor.p50)} s`;
  const gap = mine.endDelay - anchor.endDelay;
  const end =
    Math.abs(gap) < 0.05
      ? 'the end known as soon'
      : `the end known ${Math.abs(gap).toFixed(1)} s ${gap < 0 ? 'sooner' : 'later'}`;
  return `${anchor.name}: ${calls}; ${events}; ${end}`;
}

export async function run() {
  const started = process.hrtime.bigint();
  const runs = new Map<string, Measurement[]>(STRATEGIES.map(s => [s.name, []]));
  for (const seed of TIMELINE_SEEDS) {
    for (const strategy of STRATEGIES) {
      const simulation = simulationFor(seed);
      const outcome = await strategy.watch(simulation, seed);
      runs.get(strategy.name)!.push(measure(simulation, outcome));
    }
    const lastStep = Math.max(...creationTimeline(seed).map(s => s.endMs));
    process.stderr.write(`deploy: timeline ${seed} (resources done at ${(lastStep / 1000).toFixed(0)} s) measured\n`);
  }
  const medianOf = (name: string, pick: (m: Measurement) => number | undefined) => {
    const values = runs.get(name)!.map(pick);
    return values.some(v => v === undefined) ? undefined : median(values as number[]);
  };
  const summary: Summary[] = STRATEGIES.map(({ name }) => ({
    name,
    calls: medianOf(name, m => m.calls)!,
    p50: medianOf(name, m => m.latencyP50),
    p95: medianOf(name, m => m.latencyP95),
    endDelay: medianOf(name, m => m.endDelayS)!,
  }));
  const [mine, ...anchors] = summary;
  printTable(`bench/deploy: simulated 10-minute creation of ${RESOURCE_COUNT} resources, medians of ${TIMELINE_SEEDS.length} timelines`, [
    ['strategy', 'CloudFormation calls', 'event latency p50 (s)', 'event latency p95 (s)', 'end detected after (s)', 'calls vs ours'],
    ...summary.map(s => [
      s.name,
      String(s.calls),
      seconds(s.p50),
      seconds(s.p95),
      seconds(s.endDelay),
      ratio(s.calls, mine.calls),
    ]),
  ]);
  process.stdout.write(`\nwhere ours stands:\n${anchors.map(a => `- ${standing(mine, a)}`).join('\n')}\n`);
  const fewer = anchors.filter(a => mine.calls < a.calls);
  const latencyMet = mine.p50 !== undefined && mine.p50 <= GOAL_P50_S;
  const met = fewer.length === anchors.length && latencyMet;
  const missed = anchors.filter(a => !fewer.includes(a)).map(a => a.name);
  const why = [
    ...(missed.length ? [`more calls than ${missed.join(', ')}`] : []),
    ...(latencyMet ? [] : ['p50 latency over the goal']),
  ];
  process.stdout.write(
    `\ngoal: fewer calls than every anchor and p50 latency <= ${GOAL_P50_S} s: ${met ? 'MET' : 'NOT MET'}${why.length ? ` (${why.join('; ')})` : ''}\n`,
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stderr.write(`deploy: ran in ${(wallMs / 1000).toFixed(2)} s\n`);
}
