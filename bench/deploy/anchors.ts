/**
 * bench/deploy's anchors: how other tools watch a stack operation, as small loops
 * over the simulated CloudFormation, from their documented behaviour and source
 * (intervals as the tools set them). Each starts right after ExecuteChangeSet and
 * returns when it knows the stack's final status, with when it showed each
 * resource event to the user (none for the DescribeStacks waiters).
 */
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import type { SimulatedCloudFormation } from '../../plugins/scaffolder-backend-module-wickr-dr/src/__testUtils__/simulatedCloudFormation';

export interface WatchOutcome {
  /** Virtual time at which the strategy knew the stack's final status. */
  doneAt: number;
  /** Virtual time at which each resource event was first shown, by EventId; undefined if it shows none. */
  shownAt?: Map<string, number>;
}

const isTerminal = (status: string | undefined) => !!status && !status.endsWith('_IN_PROGRESS');

async function stackStatus(simulation: SimulatedCloudFormation, stackName: string): Promise<string | undefined> {
  const { Stacks } = await simulation.send('DescribeStacks', { StackName: stackName });
  return Stacks?.[0]?.StackStatus;
}

/** The events of the stack as DescribeStackEvents gives them (newest first), visible now. */
function visibleEvents(simulation: SimulatedCloudFormation, stackName: string): StackEvent[] {
  const stack = simulation.stacks.get(stackName);
  if (!stack) throw new Error(`no stack ${stackName} in the simulation`);
  return stack.events.filter(e => e.Timestamp!.getTime() <= simulation.now);
}

/**
 * DescribeStackResources, which the simulation does not implement: recorded in its
 * calls like any other, and answered from its stack events, each resource with its
 * latest status visible now.
 */
export function describeStackResources(simulation: SimulatedCloudFormation, stackName: string) {
  simulation.calls.push({ operation: 'DescribeStackResources', input: { StackName: stackName }, at: simulation.now });
  const latest = new Map<string, StackEvent>();
  for (const event of visibleEvents(simulation, stackName)) {
    if (event.LogicalResourceId === stackName) continue;
    const before = latest.get(event.LogicalResourceId!);
    if (!before || before.Timestamp! <= event.Timestamp!) latest.set(event.LogicalResourceId!, event);
  }
  return {
    StackResources: [...latest.values()].map(e => ({
      LogicalResourceId: e.LogicalResourceId!,
      ResourceType: e.ResourceType!,
      ResourceStatus: e.ResourceStatus!,
      Timestamp: e.Timestamp!,
    })),
  };
}

/** How a botocore waiter polls: the first call at once, then one every delayMs, at most maxAttempts calls. */
export interface WaiterConfig {
  delayMs: number;
  maxAttempts: number;
}

/**
 * `aws cloudformation deploy` after ExecuteChangeSet (the CLI's deployer.py,
 * wait_for_execute): the stack_create_complete waiter of botocore with
 * WaiterConfig Delay 30 and MaxAttempts 120, set there so as not to run into
 * DescribeStacks' rate limit. The same figures are botocore's defaults for
 * StackCreateComplete and StackUpdateComplete, so `aws cloudformation wait
 * stack-create-complete` polls alike. It prints no resource events.
 */
export const AWS_CLI_DEPLOY_WAITER: WaiterConfig = { delayMs: 30_000, maxAttempts: 120 };

/**
 * Not a tool's default: a status-only waiter polling every 5 s (what this bench
 * used to take for the CLI; the CLI's own 5 s is its change-set creation waiter,
 * before ExecuteChangeSet). Kept as a tighter status-only poll for comparison.
 */
export const STATUS_POLL_5S: WaiterConfig = { delayMs: 5_000, maxAttempts: 720 };

/**
 * A botocore waiter on DescribeStacks: call, stop on a final status, else sleep
 * delayMs and call again; after maxAttempts calls it gives up (the CLI then
 * exits with an error while the stack carries on). Shows no events.
 */
export async function describeStacksWaiter(
  simulation: SimulatedCloudFormation,
  stackName: string,
  config: WaiterConfig,
): Promise<WatchOutcome> {
  for (let attempts = 1; ; attempts++) {
    if (isTerminal(await stackStatus(simulation, stackName))) return { doneAt: simulation.now };
    if (attempts >= config.maxAttempts) {
      throw new Error(`the waiter gave up after ${config.maxAttempts} DescribeStacks calls`);
    }
    await simulation.sleep(config.delayMs);
  }
}

/**
 * The CDK CLI: its activity monitor reads DescribeStackEvents every 2 s, paging back
 * until it meets an event it has seen, and prints what is new; its deployment waits
 * on DescribeStacks every 5 s, and that is how it learns the operation ended.
 */
export async function cdk(simulation: SimulatedCloudFormation, stackName: string): Promise<WatchOutcome> {
  const EVENTS_MS = 2_000;
  const STACKS_MS = 5_000;
  const start = simulation.now;
  const seen = new Set<string>();
  const shownAt = new Map<string, number>();
  let nextEvents = start;
  let nextStacks = start;
  for (;;) {
    const due = Math.min(nextEvents, nextStacks);
    if (due > simulation.now) await simulation.sleep(due - simulation.now);
    if (nextEvents <= simulation.now) {
      let token: string | undefined;
      do {
        const page = await simulation.send('DescribeStackEvents', { StackName: stackName, NextToken: token });
        const events: StackEvent[] = page.StackEvents ?? [];
        const fresh = events.filter(e => !seen.has(e.EventId!));
        fresh.forEach(e => {
          seen.add(e.EventId!);
          shownAt.set(e.EventId!, simulation.now);
        });
        token = fresh.length < events.length ? undefined : page.NextToken;
      } while (token);
      nextEvents += EVENTS_MS;
    }
    if (nextStacks <= simulation.now) {
      if (isTerminal(await stackStatus(simulation, stackName))) return { doneAt: simulation.now, shownAt };
      nextStacks += STACKS_MS;
    }
  }
}

/**
 * rain deploy: every 2 s, DescribeStacks, DescribeChangeSet and DescribeStackResources,
 * redrawing each resource's status. An event is shown at the first poll at which its
 * resource's status is that event's or a later one (a status that came and went
 * between two polls is shown, at best, by the one that replaced it).
 */
export async function rain(
  simulation: SimulatedCloudFormation,
  stackName: string,
  changeSetId: string,
): Promise<WatchOutcome> {
  const INTERVAL_MS = 2_000;
  const shownAt = new Map<string, number>();
  for (;;) {
    const status = await stackStatus(simulation, stackName);
    await simulation.send('DescribeChangeSet', { ChangeSetName: changeSetId });
    const { StackResources } = describeStackResources(simulation, stackName);
    const events = visibleEvents(simulation, stackName);
    for (const resource of StackResources) {
      const reached = resource.Timestamp.getTime();
      for (const event of events) {
        if (event.LogicalResourceId !== resource.LogicalResourceId || shownAt.has(event.EventId!)) continue;
        if (event.Timestamp!.getTime() <= reached) shownAt.set(event.EventId!, simulation.now);
      }
    }
    if (isTerminal(status)) return { doneAt: simulation.now, shownAt };
    await simulation.sleep(INTERVAL_MS);
  }
}
