/**
 * bench/discovery: discovering N Wickr data-retention stacks spread over the four
 * Wickr Regions, on a simulated CloudFormation with real pagination (100 stacks a
 * page) and 80-120 ms per call. Ours: one DescribeStacks listing per region, each
 * region's provider in parallel. Baseline, side by side: the usual alternative of
 * ListStacks and then DescribeStacks per stack for its tags and outputs.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStacksCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { deploymentEntity } from '../../plugins/wickr-dr-common/src';
import { discoverStacks, isDeployment, toDeployedStack } from '../../plugins/catalog-backend-module-wickr-dr/src/stackDiscovery';
import { median, printTable, ratio } from '../lib/stats';

const REGIONS = ['us-east-1', 'ap-southeast-2', 'ca-central-1', 'eu-west-2'];
const PAGE = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** A region's stacks as DescribeStacks returns them: a few unrelated stacks among ours. */
function regionStacks(region: string, count: number): Stack[] {
  return Array.from({ length: count + Math.ceil(count / 10) }, (_, i) => {
    const ours = i < count;
    const name = ours ? `wickr-dr-${region}-${i}` : `unrelated-${i}`;
    return {
      StackName: name,
      StackId: `arn:aws:cloudformation:${region}:123456789012:stack/${name}/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      StackStatus: 'UPDATE_COMPLETE',
      CreationTime: new Date(0),
      Tags: ours ? [{ Key: 'wickr-dr:deployment', Value: `d${i}` }, { Key: 'wickr-dr:owner', Value: 'group:default/platform-team' }] : [{ Key: 'team', Value: 'web' }],
      Outputs: ours
        ? ['BotLogGroupName', 'ClusterName', 'ServiceName', 'RetentionBucketName', 'RetentionPrefix', 'AccessLogBucketName', 'BotSecretArn', 'AlertTopicArn'].map(k => ({ OutputKey: k, OutputValue: `${k}-${i}` }))
        : [],
    } as Stack;
  });
}

/** A CloudFormation client for one region: paginated answers after a simulated latency. */
function simulatedClient(stacks: Stack[], random: () => number) {
  let calls = 0;
  // A real client (the SDK's paginators insist on one) whose every call is answered here.
  return Object.assign(new CloudFormationClient({ region: 'us-east-1' }), {
    calls: () => calls,
    send: async (command: { constructor: { name: string }; input: any }) => {
      calls++;
      await new Promise(r => setTimeout(r, 80 + random() * 40));
      const start = Number(command.input.NextToken ?? 0);
      const next = start + PAGE < stacks.length ? String(start + PAGE) : undefined;
      switch (command.constructor.name) {
        case 'DescribeStacksCommand':
          if (command.input.StackName) return { Stacks: stacks.filter(s => s.StackName === command.input.StackName) };
          return { Stacks: stacks.slice(start, start + PAGE), NextToken: next };
        case 'ListStacksCommand':
          return { StackSummaries: stacks.slice(start, start + PAGE).map(s => ({ StackName: s.StackName, StackId: s.StackId, StackStatus: s.StackStatus })), NextToken: next };
        default:
          throw new Error(`not simulated: ${command.constructor.name}`);
      }
    },
  });
}

const toEntities = (stacks: Stack[]) =>
  stacks.filter(isDeployment).map(s => deploymentEntity(toDeployedStack(s), { location: 'bench', defaultOwner: 'group:default/x' }));

async function ours(client: ReturnType<typeof simulatedClient>) {
  const { stacks } = await discoverStacks(client as unknown as CloudFormationClient);
  return stacks.map(s => deploymentEntity(s, { location: 'bench', defaultOwner: 'group:default/x' })).length;
}

/** ListStacks, then DescribeStacks per stack (10 at a time) for tags and outputs. */
async function perStack(client: ReturnType<typeof simulatedClient>) {
  const names: string[] = [];
  let next: string | undefined;
  do {
    const page: any = await client.send(new ListStacksCommand({ NextToken: next }) as any);
    names.push(...(page.StackSummaries ?? []).map((s: any) => s.StackName));
    next = page.NextToken;
  } while (next);
  const described: Stack[] = [];
  for (let i = 0; i < names.length; i += 10) {
    const batch = await Promise.all(names.slice(i, i + 10).map(n => client.send(new DescribeStacksCommand({ StackName: n }) as any)));
    described.push(...batch.flatMap((b: any) => b.Stacks));
  }
  return toEntities(described).length;
}

async function measure(total: number, strategy: typeof ours, seed: number) {
  const random = seeded(seed);
  const clients = REGIONS.map((r, i) => simulatedClient(regionStacks(r, Math.floor(total / 4) + (i < total % 4 ? 1 : 0)), random));
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const started = process.hrtime.bigint();
  const found = (await Promise.all(clients.map(c => strategy(c)))).reduce((a, b) => a + b, 0);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  if (found !== total) throw new Error(`found ${found} of ${total} stacks`);
  return { calls: clients.reduce((a, c) => a + c.calls(), 0), ms, heapMiB: (peak - heapBefore) / 2 ** 20 };
}

export async function run() {
  const rows: string[][] = [['N stacks', 'strategy', 'CloudFormation calls', 'time (ms)', 'peak extra heap (MiB)', 'time vs ours']];
  for (const total of [10, 100, 1000]) {
    const results = { ours: [] as any[], perStack: [] as any[] };
    for (let run = 0; run < RUNS; run++) {
      results.ours.push(await measure(total, ours, run + 1));
      results.perStack.push(await measure(total, perStack, run + 1));
    }
    const m = (list: any[], key: string) => median(list.map(r => r[key]));
    const oursMs = m(results.ours, 'ms');
    for (const [name, list] of [['ours: DescribeStacks pages', results.ours], ['ListStacks + DescribeStacks per stack', results.perStack]] as const) {
      rows.push([String(total), name, String(m(list, 'calls')), m(list, 'ms').toFixed(0), m(list, 'heapMiB').toFixed(1), ratio(m(list, 'ms'), oursMs)]);
    }
  }
  printTable(`bench/discovery: four regions in parallel, 80-120 ms a call, 100 stacks a page, medians of ${RUNS} runs`, rows);
}
