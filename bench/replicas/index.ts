/**
 * bench/replicas: 50 deployments submitted across two replicas of the portal (two real
 * backends from startReplicas on one PostgreSQL this bench starts), on a simulated
 * CloudFormation: moto_server behind each replica's fault proxy, which delays every
 * CloudFormation call by 50-150 ms, and behind both proxies a per-account throttle of our
 * own (./throttle: a token bucket per account, region and operation, `Throttling` past it),
 * so the two replicas share the account's rate as they would on AWS.
 *
 * The template is the one the e2e tests deploy on moto (wickr-dr-fargate-moto: every step
 * of the product's template, its CloudFormation cut to what moto can create), with the fake
 * Wickr admin API (a network per deployment) and the e2e tests' fake bot (started when its
 * task starts). Each deployment is of a stack seeded in moto as a first run leaves it
 * (moto reads a stack made by a change set back without Outputs) and discovered into the
 * catalog before the clock starts, as the e2e tests do; the template deploys it twice (the
 * infrastructure, then the bot started). Scheduled drift checks and the password keeper are
 * off (as in replicas.test.ts): a keeper storing a bot's password between two steps would
 * change what a deployment sees.
 *
 * Submitted through POST /api/scaffolder/v2/tasks alternating between the replicas; the
 * first few stacks are submitted a second time to the other replica right after the first,
 * so that each pair runs at once and the stack lock refuses one of the two.
 */
import fs from 'node:fs';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  ListStacksCommand,
  StackSummary,
} from '@aws-sdk/client-cloudformation';
import { ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { deploymentEntityName } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  MOTO_ACCOUNT_ID,
  motoClientConfig,
  MotoServer,
  POSTGRES_CONNECTION_STRING_VARIABLE,
  PostgresServer,
  startFakeWickrAdmin,
  startMoto,
  startPostgres,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import {
  fakeBot,
  motoPortalConfig,
  motoTemplateLocation,
  seedDeployment,
} from '../../packages/e2e-tests/src/__testUtils__/motoDeployment';
import { mergeConfig, Replicas, startReplicas, TaskEvent } from '../../packages/e2e-tests/src/__testUtils__/replicas';
import { median, printTable } from '../lib/stats';
import { CloudFormationThrottle, startCloudFormationThrottle } from './throttle';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DEPLOYMENTS = Number(process.env.BENCH_REPLICAS_DEPLOYMENTS ?? 50);
const DUPLICATES = Number(process.env.BENCH_REPLICAS_DUPLICATES ?? 5);
/** Tasks at once on each replica: the scaffolder's default, 10. */
const CONCURRENCY = Number(process.env.BENCH_REPLICAS_CONCURRENCY ?? 10);
/** Calls a second per account, region and CloudFormation operation. */
const THROTTLE = Number(process.env.BENCH_REPLICAS_THROTTLE ?? 5);
/** wickrDr.retry.maxAttempts (adaptive). */
const ATTEMPTS = Number(process.env.BENCH_REPLICAS_ATTEMPTS ?? 5);
const LATENCY_MS = [50, 150];
/** Calls of each replica given a delay of their own; any later one 100 ms. */
const RULES_PER_REPLICA = 100 * DEPLOYMENTS;
/** How long the deployments may take before the run gives up on them. */
const DEADLINE_MS = Number(process.env.BENCH_REPLICAS_DEADLINE_S ?? 480) * 1000;
const REGION = 'us-east-1';
const TEMPLATE_REF = 'template:default/wickr-dr-fargate-moto';
const REFUSAL = /^stack (\S+) in \S+ \(account \d+\) is being changed by task (\S+), which is still running/;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const deployNameOf = (i: number) => `bench${String(i + 1).padStart(2, '0')}`;
const networkOf = (i: number) => String(30000001 + i);

/** What the form sends for a deployment through the Wickr admin API (replicas.test.ts's values). */
function deploymentValues(deployName: string, networkId: string) {
  return {
    stackName: `wickr-dr-${deployName}`,
    deployName,
    owner: 'group:default/platform-team',
    accountId: MOTO_ACCOUNT_ID,
    region: REGION,
    passwordSource: 'wickr-api',
    networkId,
    enableRetention: true,
    replacePassword: false,
    fileRotateMins: 10,
    botImage: 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud:6.66.01.00',
    alertEmail: '',
    taskSize: 'medium',
    natGateways: 'shared',
    privateEndpoints: 'false',
    vpcCidr: '10.80.0.0/16',
    retentionPrefix: 'data-retention',
    logRetentionDays: 365,
    accessLogArchiveDays: 180,
    accessLogExpirationDays: 730,
    readOnlyRootFilesystem: 'false',
  };
}

/** Peak memory of a process (VmHWM) in MiB, from /proc (Linux). */
function peakMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The most values of one key that fall in one wall-clock second. */
function peakPerSecond<T>(items: T[], at: (item: T) => number): number {
  const perSecond = new Map<number, number>();
  for (const item of items) {
    const second = Math.floor(at(item) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

/** "2 on 48, 3 on 2": how many items have each count. */
function distribution(counts: number[]): string {
  const byCount = new Map<number, number>();
  counts.forEach(c => byCount.set(c, (byCount.get(c) ?? 0) + 1));
  return [...byCount.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([count, n]) => `${count} on ${n}`)
    .join(', ');
}

interface Submission {
  taskId: string;
  deployName: string;
  replica: string;
  duplicate: boolean;
}

interface OperationCalls {
  calls: number;
  throttled: number;
  /** The most calls (every attempt) that arrived in one second, and the most the throttle let through. */
  peak: number;
  peakAccepted: number;
}

interface RunResult {
  finished: number;
  failed: number;
  refused: number;
  refusedLater: number;
  refusal?: string;
  otherFailures: string[];
  stacks: number;
  duplicatedStacks: number;
  stackStatuses: string;
  changeSets: string;
  secretVersions: string;
  cfnCalls: number;
  cfnPerDeployment: number;
  byOperation: Map<string, OperationCalls>;
  peakAll: number;
  peakOperation: { operation: string; peak: number };
  throttled: number;
  throttledAtProxies: number;
  submitS: number;
  wallS: number;
  replicas: Array<{ name: string; peakMiB: number; ran: number; received: number }>;
  botsFailed: number;
}

/** Seeds the deployments, starts the portal's two replicas and waits for discovery. */
async function setUp(moto: MotoServer, wickr: FakeWickrAdmin, throttle: CloudFormationThrottle): Promise<Replicas> {
  for (let i = 0; i < DEPLOYMENTS; i++) {
    await seedDeployment(moto, deployNameOf(i), `wickr-dr-${deployNameOf(i)}`, { networkId: networkOf(i) });
  }
  const replicas = await startReplicas({
    awsTarget: throttle.endpoint,
    wickrTarget: wickr.endpoint,
    config: mergeConfig(motoPortalConfig(moto, motoTemplateLocation(), wickr.endpoint), {
      // The production default, which an emulator endpoint turns into one attempt a call (a
      // deployment would then fail on its first throttled call).
      wickrDr: { drift: { enabled: false }, passwordKeeper: false, retry: { maxAttempts: ATTEMPTS, mode: 'adaptive' } },
      scaffolder: { concurrentTasksLimit: CONCURRENCY },
    }),
  });
  // The portal changes an existing stack only once discovery has put its entity in the catalog.
  const entityRefs = Array.from(
    { length: DEPLOYMENTS },
    (_, i) => `resource:default/${deploymentEntityName(deployNameOf(i), MOTO_ACCOUNT_ID, REGION)}`,
  );
  const token = await replicas.token();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${replicas.replicas[0].baseUrl}/api/catalog/entities/by-refs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entityRefs, fields: ['metadata.name'] }),
    });
    const { items } = (await res.json()) as { items: Array<unknown | null> };
    if (items.every(Boolean)) break;
    if (Date.now() > deadline) throw new Error(`discovery found ${items.filter(Boolean).length} of ${DEPLOYMENTS} deployments in 120 s`);
    await sleep(500);
  }
  return replicas;
}

async function measure(seed: number, postgres: PostgresServer): Promise<RunResult> {
  const moto = await startMoto();
  const wickr = await startFakeWickrAdmin({
    networks: Array.from({ length: DEPLOYMENTS }, (_, i) => ({
      networkId: networkOf(i),
      networkName: `Bench ${i + 1}`,
      accessLevel: 'PREMIUM' as const,
      awsAccountId: MOTO_ACCOUNT_ID,
    })),
  });
  const throttle = await startCloudFormationThrottle({ target: moto.endpoint, perSecond: THROTTLE, accountOf: () => MOTO_ACCOUNT_ID });
  process.env[POSTGRES_CONNECTION_STRING_VARIABLE] = postgres.connectionString;
  const bots = new Map<string, ReturnType<typeof fakeBot>>();
  const botsFailed: string[] = [];
  let r: Replicas | undefined;
  try {
    r = await setUp(moto, wickr, throttle);
    const replicas = r;
    // From here on: every CloudFormation call of each replica 50-150 ms late (a rule per call, in order).
    const random = seeded(seed);
    const callsBefore = replicas.replicas.map(x => x.aws.calls().length);
    for (const x of replicas.replicas) {
      for (let n = 0; n < RULES_PER_REPLICA; n++) {
        const delayMs = Math.round(LATENCY_MS[0] + random() * (LATENCY_MS[1] - LATENCY_MS[0]));
        x.aws.inject({ service: 'cloudformation', operation: '*', fault: 'slow', delayMs });
      }
      x.aws.inject({ service: 'cloudformation', operation: '*', fault: 'slow', delayMs: 100, count: Number.POSITIVE_INFINITY });
    }
    throttle.clear();

    const [A, B] = replicas.replicas;
    const submissions: Submission[] = [];
    const started = Date.now();
    for (let i = 0; i < DEPLOYMENTS; i++) {
      const deployName = deployNameOf(i);
      const body = { templateRef: TEMPLATE_REF, values: deploymentValues(deployName, networkOf(i)) };
      const first = i % 2 === 0 ? A : B;
      submissions.push({ taskId: await replicas.createTask(first, body), deployName, replica: first.name, duplicate: false });
      if (i < DUPLICATES) {
        const other = first === A ? B : A;
        submissions.push({ taskId: await replicas.createTask(other, body), deployName, replica: other.name, duplicate: true });
      }
    }
    const submittedAt = Date.now();
    process.stderr.write(`replicas: ${submissions.length} tasks submitted in ${((submittedAt - started) / 1000).toFixed(1)} s\n`);

    // Each stack's fake bot starts once one of its tasks runs, and stops when they have all ended.
    const ended = new Map<string, string>();
    const token = await replicas.token();
    for (;;) {
      const res = await fetch(`${A.baseUrl}/api/scaffolder/v2/tasks?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET /api/scaffolder/v2/tasks: HTTP ${res.status}: ${await res.text()}`);
      const { tasks } = (await res.json()) as { tasks: Array<{ id: string; status: string }> };
      const status = new Map(tasks.map(t => [t.id, t.status]));
      for (const s of submissions) {
        const now = status.get(s.taskId);
        if (now === 'processing' && !bots.has(s.deployName)) {
          const i = Number(s.deployName.slice(5)) - 1;
          const bot = fakeBot(moto, s.deployName, { wickr, networkId: networkOf(i) });
          bot.printed.catch(() => botsFailed.push(s.deployName));
          bots.set(s.deployName, bot);
        }
        if (now && ['completed', 'failed', 'cancelled'].includes(now)) ended.set(s.taskId, now);
      }
      for (const [deployName, bot] of bots) {
        if (submissions.filter(s => s.deployName === deployName).every(s => ended.has(s.taskId))) bot.stop();
      }
      if (ended.size === submissions.length) break;
      if (Date.now() - started > DEADLINE_MS) {
        process.stderr.write(`replicas: ${submissions.length - ended.size} tasks had not ended after ${DEADLINE_MS / 1000} s; counted as failed\n`);
        break;
      }
      process.stderr.write(`replicas: ${ended.size} of ${submissions.length} tasks ended after ${((Date.now() - started) / 1000).toFixed(0)} s\r`);
      await sleep(2000);
    }
    process.stderr.write('\n');

    // What each task did, from its events.
    const outcomes = await Promise.all(
      submissions.map(async s => {
        const events: TaskEvent[] = await replicas.events(s.taskId);
        const completion = events.find(e => e.type === 'completion');
        const failedStep = events.find(e => e.body.stepId && e.body.status === 'failed')?.body.stepId;
        return {
          ...s,
          failedStep,
          status: ended.get(s.taskId) ?? 'unfinished',
          endedAt: completion ? Date.parse(completion.createdAt) : undefined,
          error: completion?.body.error?.message,
        };
      }),
    );
    const lastEnd = Math.max(...outcomes.map(o => o.endedAt ?? Date.now()));
    const refused = outcomes.filter(o => o.status === 'failed' && REFUSAL.test(o.error ?? ''));
    const otherFailures = outcomes.filter(o => o.status !== 'completed' && !refused.includes(o));
    // Which replica ran each task: the scaffolder's audit line of a task's execution.
    // (an initiated line, then a succeeded or failed one).
    const ranOn = (name: string) => {
      const ids = new Set<string>();
      for (const l of replicas.replicas.find(x => x.name === name)!.logLines()) {
        const meta = l.meta as { actionType?: string; taskId?: string } | undefined;
        if (l.message === 'scaffolder.task' && meta?.actionType === 'execution' && meta.taskId) ids.add(meta.taskId);
      }
      return submissions.filter(s => ids.has(s.taskId)).length;
    };

    // moto's state, read directly.
    const config = motoClientConfig(moto, REGION);
    const cloudformation = new CloudFormationClient(config);
    const secrets = new SecretsManagerClient(config);
    const names = Array.from({ length: DEPLOYMENTS }, (_, i) => `wickr-dr-${deployNameOf(i)}`);
    const summaries: StackSummary[] = [];
    for (let NextToken: string | undefined; ; ) {
      const page = await cloudformation.send(new ListStacksCommand({ NextToken }));
      summaries.push(...(page.StackSummaries ?? []));
      NextToken = page.NextToken;
      if (!NextToken) break;
    }
    const live = summaries.filter(s => s.StackStatus !== 'DELETE_COMPLETE' && names.includes(s.StackName!));
    const perName = names.map(n => live.filter(s => s.StackName === n).length);
    const statuses = await Promise.all(
      names.map(async StackName => (await cloudformation.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0]?.StackStatus ?? 'none'),
    );
    const executed = await Promise.all(
      names.map(async StackName =>
        // moto answers every stack's change sets, whatever StackName asks.
        ((await cloudformation.send(new ListChangeSetsCommand({ StackName }))).Summaries ?? []).filter(
          s => s.StackName === StackName && s.ExecutionStatus === 'EXECUTE_COMPLETE',
        ).length,
      ),
    );
    const versions = await Promise.all(
      names.map((_, i) =>
        secrets
          .send(new ListSecretVersionIdsCommand({ SecretId: `${deployNameOf(i)}-bot-secret`, IncludeDeprecated: true }))
          .then(v => (v.Versions ?? []).length),
      ),
    );
    cloudformation.destroy();
    secrets.destroy();

    // CloudFormation calls from the first submission on, as each replica's fault proxy saw them
    // (every attempt, retries included) and as the shared throttle counted them.
    const proxied = replicas.replicas.flatMap((x, k) => x.aws.calls().slice(callsBefore[k]).filter(c => c.service === 'cloudformation'));
    const throttled = throttle.calls().filter(c => c.account === MOTO_ACCOUNT_ID);
    const byOperation = new Map<string, OperationCalls>();
    const label = (c: { operation: string; listing?: boolean }) => (c.listing ? `${c.operation} (a listing: discovery)` : c.operation);
    for (const operation of [...new Set(throttled.map(label))].sort()) {
      const of = throttled.filter(c => label(c) === operation);
      byOperation.set(operation, {
        calls: of.length,
        throttled: of.filter(c => c.throttled).length,
        peak: peakPerSecond(of, c => c.at),
        peakAccepted: peakPerSecond(
          of.filter(c => !c.throttled),
          c => c.at,
        ),
      });
    }
    // The bucket is the operation's, listings and single reads together.
    const perBucket = [...new Set(throttled.map(c => c.operation))].map(operation => ({
      operation,
      peak: peakPerSecond(
        throttled.filter(c => c.operation === operation),
        c => c.at,
      ),
    }));
    const peakOperation = perBucket.reduce((best, o) => (o.peak > best.peak ? o : best), { operation: '', peak: 0 });
    const finished = outcomes.filter(o => o.status === 'completed').length;
    return {
      finished,
      failed: outcomes.length - finished,
      refused: refused.length,
      refusedLater: refused.filter(o => o.duplicate).length,
      refusal: refused[0]?.error,
      otherFailures: otherFailures.map(
        o => `${o.deployName} (task ${o.taskId} received by ${o.replica}, ${o.status} in step ${o.failedStep ?? 'none'}): ${o.error ?? 'no completion event'}`,
      ),
      stacks: perName.filter(n => n > 0).length,
      duplicatedStacks: perName.filter(n => n > 1).length,
      stackStatuses: [...new Set(statuses)].map(s => `${s} ${statuses.filter(x => x === s).length}`).join(', '),
      changeSets: distribution(executed),
      secretVersions: distribution(versions),
      cfnCalls: proxied.length,
      cfnPerDeployment: proxied.length / Math.max(1, finished),
      byOperation,
      peakAll: peakPerSecond(throttled, c => c.at),
      peakOperation,
      throttled: throttled.filter(c => c.throttled).length,
      throttledAtProxies: proxied.filter(c => c.status === 400).length,
      submitS: (submittedAt - started) / 1000,
      wallS: (lastEnd - started) / 1000,
      replicas: replicas.replicas.map(x => ({
        name: x.name,
        peakMiB: peakMiB(x.portal.pid),
        ran: ranOn(x.name),
        received: submissions.filter(s => s.replica === x.name).length,
      })),
      botsFailed: botsFailed.length,
    };
  } finally {
    bots.forEach(bot => bot.stop());
    await r?.stop();
    await throttle.stop();
    await wickr.stop();
    await moto.stop();
  }
}

export async function run() {
  const postgres = await startPostgres();
  const previous = process.env[POSTGRES_CONNECTION_STRING_VARIABLE];
  const results: RunResult[] = [];
  try {
    for (let seed = 1; seed <= RUNS; seed++) {
      const began = Date.now();
      results.push(await measure(seed, postgres));
      process.stderr.write(`replicas: run ${seed} of ${RUNS} done in ${((Date.now() - began) / 1000).toFixed(0)} s (set-up and tear-down included)\n`);
    }
  } finally {
    if (previous === undefined) delete process.env[POSTGRES_CONNECTION_STRING_VARIABLE];
    else process.env[POSTGRES_CONNECTION_STRING_VARIABLE] = previous;
    await postgres.stop();
  }
  const m = (pick: (r: RunResult) => number) => median(results.map(pick));
  const first = results[0];
  /** The median, and with several runs that differ the range. */
  const spread = (pick: (r: RunResult) => number, digits = 0) => {
    const values = results.map(pick);
    const low = Math.min(...values);
    const high = Math.max(...values);
    return `${median(values).toFixed(digits)}${low === high ? '' : ` (${low.toFixed(digits)}-${high.toFixed(digits)})`}`;
  };
  /** A figure that is not a number: one value when every run agrees, else each run's. */
  const perRun = (pick: (r: RunResult) => string) => {
    const values = results.map(pick);
    return new Set(values).size === 1 ? values[0] : values.map((v, k) => `run ${k + 1}: ${v}`).join('; ');
  };
  const submitted = DEPLOYMENTS + DUPLICATES;
  const replicaRows = first.replicas.map((x, k) => [
    `replica ${x.name}: peak memory (VmHWM, MiB), tasks run of tasks received`,
    `${spread(r => r.replicas[k].peakMiB)} MiB; ${spread(r => r.replicas[k].ran)} of ${spread(r => r.replicas[k].received)}`,
  ]);
  printTable(
    `bench/replicas: ${DEPLOYMENTS} deployments (+${DUPLICATES} duplicate submissions) across two replicas on one PostgreSQL, ${CONCURRENCY} tasks at once per replica; ` +
      `template wickr-dr-fargate-moto (the e2e tests' copy: every step, the CloudFormation cut to what moto creates, the fake Wickr admin API and bot); ` +
      `moto behind each replica's fault proxy (CloudFormation calls ${LATENCY_MS[0]}-${LATENCY_MS[1]} ms late) and one throttle for the account ` +
      `(${THROTTLE} calls/s per CloudFormation operation, a token bucket holding a second's worth); retries ${ATTEMPTS} attempt${ATTEMPTS > 1 ? 's' : ''} a call, adaptive; medians of ${RUNS} run${RUNS > 1 ? 's' : ''}`,
    [
      ['measure', 'value'],
      ['tasks submitted (distinct stacks + duplicates)', `${submitted} (${DEPLOYMENTS} + ${DUPLICATES})`],
      ['deployments finished / tasks failed', `${spread(r => r.finished)} / ${spread(r => r.failed)}`],
      [
        'refused by the stack lock (of the duplicate pairs; the later submission refused in)',
        `${spread(r => r.refused)} of ${DUPLICATES} (${spread(r => r.refusedLater)})`,
      ],
      ['failed otherwise (each one listed below the tables)', spread(r => r.otherFailures.length)],
      ['stacks in moto / names with more than one stack', `${spread(r => r.stacks)} / ${spread(r => r.duplicatedStacks)}`],
      ['stack statuses', perRun(r => r.stackStatuses)],
      ['change sets executed per stack (count on stacks)', perRun(r => r.changeSets)],
      ['secret versions per secret (count on secrets)', perRun(r => r.secretVersions)],
      ['CloudFormation calls in all (every attempt) / per finished deployment', `${spread(r => r.cfnCalls)} / ${spread(r => r.cfnPerDeployment, 1)}`],
      [`peak CloudFormation calls in one second, account ${MOTO_ACCOUNT_ID}, all operations`, spread(r => r.peakAll)],
      [
        `peak calls in one second of one operation (${perRun(r => r.peakOperation.operation)}) against the throttle`,
        `${spread(r => r.peakOperation.peak)} against ${THROTTLE}/s`,
      ],
      ['throttling answers (throttle / seen at the fault proxies)', `${spread(r => r.throttled)} / ${spread(r => r.throttledAtProxies)}`],
      ['time to submit the tasks (s)', spread(r => r.submitS, 1)],
      ['wall time, first submission to last task end (s)', spread(r => r.wallS, 1)],
      ...replicaRows,
      ['fake bots that failed', spread(r => r.botsFailed)],
    ],
  );
  const operations = [...new Set(results.flatMap(r => [...r.byOperation.keys()]))].sort();
  printTable(
    `bench/replicas: CloudFormation calls per operation, account ${MOTO_ACCOUNT_ID}, as the throttle saw them (medians of ${RUNS} run${RUNS > 1 ? 's' : ''})`,
    [
      ['operation', 'calls (every attempt)', 'throttled', 'per finished deployment', 'peak calls in one second', 'peak let through in one second'],
      ...operations.map(op => {
        const o = (pick: (c: OperationCalls) => number) => m(r => (r.byOperation.has(op) ? pick(r.byOperation.get(op)!) : 0));
        return [
          op,
          String(o(c => c.calls)),
          String(o(c => c.throttled)),
          m(r => (r.byOperation.get(op)?.calls ?? 0) / Math.max(1, r.finished)).toFixed(1),
          String(o(c => c.peak)),
          String(o(c => c.peakAccepted)),
        ];
      }),
    ],
  );
  process.stdout.write(
    `\nA bucket holds ${THROTTLE} tokens and gains ${THROTTLE} a second, so one calendar second may let through up to ${2 * THROTTLE} calls of an operation.\n`,
  );
  if (first.refusal) process.stdout.write(`The lock's refusal (first run): ${first.refusal}\n`);
  for (const [k, r] of results.entries()) {
    for (const failure of r.otherFailures) process.stdout.write(`run ${k + 1}, failed: ${failure}\n`);
  }
}
