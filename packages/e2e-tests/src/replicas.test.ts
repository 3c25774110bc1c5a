// Two real backend processes on one PostgreSQL (the `npm test` server), pointed at one moto and
// one fake Wickr admin API, each replica's calls through a fault proxy of its own (which tells
// which replica called). Shown: the same stack submitted to both at once deploys once, the other
// task refused at once naming the running one (the stack lock, a row of the scaffolder's
// database); the replica running a deployment killed (SIGKILL) mid-deploy: the other one
// recovers the task (the scaffolder's task recovery) and finishes it, reusing the change set its
// checkpoints hold; and, on a second pair started meanwhile (its own database prefix and moto),
// the drift check, discovery and the password keeper, every 3 s, run once per period across the
// two (the scheduler's global tasks). The deployments' pair has that scheduled work off: a keeper
// storing the bot's password between two steps would change what the deployment sees.
import { CloudFormationClient, DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  FakeWickrAdmin,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  PASSWORD_SAMPLES,
  startFakeWickrAdmin,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { fakeBot, motoPortalConfig, motoTemplateLocation, seedDeployment } from './__testUtils__/motoDeployment';
import { mergeConfig, poll, Replica, Replicas, startReplicas, TaskEvent } from './__testUtils__/replicas';

const TEMPLATE_REF = 'template:default/wickr-dr-fargate-moto';
const NETWORKS = { race: '11111111', crash: '22222222' };

/** Every scheduled job every 3 s. */
const FREQUENCY_S = 3;
const SCHEDULE = { frequency: { seconds: FREQUENCY_S }, timeout: { seconds: 60 } };

/** What the form sends for a deployment through the Wickr admin API, every default spelled out. */
function deploymentValues(deployName: string, networkId: string) {
  return {
    stackName: `wickr-dr-${deployName}`,
    deployName,
    owner: 'group:default/platform-team',
    accountId: MOTO_ACCOUNT_ID,
    region: 'us-east-1',
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

const failure = (events: TaskEvent[]) => events.find(e => e.type === 'completion')?.body.error?.message ?? '';
const stepStatuses = (events: TaskEvent[]) =>
  Object.fromEntries(events.filter(e => e.body.stepId && e.body.status).map(e => [e.body.stepId, e.body.status]));

/** Answered calls of one operation made through the given replicas' AWS proxies. */
const callsOf = (replicas: Replica[], operation: string) =>
  replicas.flatMap(x => x.aws.calls().filter(c => c.operation === operation && c.status === 200));

describe('two replicas on one PostgreSQL', () => {
  jest.setTimeout(240_000);
  let moto: MotoServer;
  let wickr: FakeWickrAdmin;
  let r: Replicas;
  /** The second pair, for the scheduled work: started while the deployments run. */
  let scheduled: Promise<{ replicas: Replicas; moto: MotoServer }>;
  const bots: Array<ReturnType<typeof fakeBot>> = [];
  /** What the uninterrupted deployment of the race did, to compare the recovered one with. */
  let uninterrupted: { createChangeSet: number; executed: number };

  const cloudformation = () => new CloudFormationClient(motoClientConfig(moto, 'us-east-1'));
  const executedChangeSets = async (stackName: string) =>
    // moto answers every stack's change sets, whatever StackName asks.
    ((await cloudformation().send(new ListChangeSetsCommand({ StackName: stackName }))).Summaries ?? []).filter(
      s => s.StackName === stackName && s.ExecutionStatus === 'EXECUTE_COMPLETE',
    );
  /** The password each version of a deployment's secret holds, oldest first. */
  const secretPasswords = async (deployName: string) => {
    const secrets = new SecretsManagerClient(motoClientConfig(moto, 'us-east-1'));
    const SecretId = `${deployName}-bot-secret`;
    const { Versions = [] } = await secrets.send(new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: true }));
    const values = await Promise.all(
      [...Versions]
        .sort((a, b) => a.CreatedDate!.getTime() - b.CreatedDate!.getTime())
        .map(v => secrets.send(new GetSecretValueCommand({ SecretId, VersionId: v.VersionId }))),
    );
    return values.map(v => (JSON.parse(v.SecretString ?? '{}').password as string | undefined) ?? '');
  };

  beforeAll(async () => {
    moto = await startMoto();
    wickr = await startFakeWickrAdmin({
      networks: Object.values(NETWORKS).map(networkId => ({
        networkId,
        networkName: `Acme ${networkId}`,
        accessLevel: 'PREMIUM' as const,
        awsAccountId: MOTO_ACCOUNT_ID,
      })),
    });
    for (const [deployName, networkId] of Object.entries(NETWORKS)) {
      await seedDeployment(moto, deployName, `wickr-dr-${deployName}`, { networkId });
      bots.push(fakeBot(moto, deployName, { wickr, networkId }));
    }
    const templateLocation = motoTemplateLocation();
    r = await startReplicas({
      awsTarget: moto.endpoint,
      wickrTarget: wickr.endpoint,
      // The scaffolder's task recovery on, a task stale 3 s after its last heartbeat.
      recovery: { staleTimeoutSeconds: 3 },
      config: mergeConfig(motoPortalConfig(moto, templateLocation, wickr.endpoint), {
        wickrDr: { drift: { enabled: false }, passwordKeeper: false },
        // One task at a time per replica: of two tasks at once, each replica runs one.
        scaffolder: { concurrentTasksLimit: 1 },
      }),
    });
    scheduled = (async () => {
      const empty = await startMoto();
      try {
        const replicas = await startReplicas({
          awsTarget: empty.endpoint,
          config: mergeConfig(motoPortalConfig(empty, templateLocation, undefined, { discoverySchedule: SCHEDULE }), {
            wickrDr: { drift: { schedule: SCHEDULE }, passwordKeeper: { ...SCHEDULE, initialDelay: { seconds: 0 } } },
            // The keeper says it ran at debug level.
            backend: { logger: { overrides: [{ matchers: { plugin: 'wickr-dr' }, level: 'debug' }] } },
          }),
        });
        return { replicas, moto: empty };
      } catch (error) {
        await empty.stop();
        throw error;
      }
    })();
    scheduled.catch(() => undefined); // its test awaits it
    // Discovery (on one replica) has put both deployments in the shared catalog.
    const token = await r.token();
    const second = r.replicas[1];
    for (const deployName of Object.keys(NETWORKS)) {
      await poll(`${deployName} discovered`, async () => {
        const url = `${second.baseUrl}/api/catalog/entities/by-name/resource/default/${deployName}-${MOTO_ACCOUNT_ID}-use1`;
        return (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).ok ? true : undefined;
      });
    }
  });
  afterAll(async () => {
    bots.forEach(bot => bot.stop());
    await r?.stop(); // again, if a test failed before the scheduled work's test stopped it
    const second = await scheduled?.catch(() => undefined);
    await second?.replicas.stop();
    await second?.moto.stop();
    await wickr?.stop();
    await moto?.stop();
  });

  it('deploys a stack submitted to both replicas at once once, and refuses the other task at once naming the running one', async () => {
    r.replicas.forEach(x => x.aws.reset());
    const body = { templateRef: TEMPLATE_REF, values: deploymentValues('race', NETWORKS.race) };
    const [A, B] = r.replicas;
    const ids = await Promise.all([r.createTask(A, body), r.createTask(B, body)]);
    const ended = await Promise.all(ids.map(id => r.waitForEnd(id)));
    expect(ended.map(t => t.status).sort()).toEqual(['completed', 'failed']);
    const winner = ids[ended.findIndex(t => t.status === 'completed')];
    const loser = ids[ended.findIndex(t => t.status === 'failed')];

    const lost = await r.events(loser);
    const won = await r.events(winner);
    // Refused by its first step of ours, before any write, while the other task still ran.
    expect(failure(lost)).toMatch(
      new RegExp(
        `^stack wickr-dr-race in us-east-1 \\(account ${MOTO_ACCOUNT_ID}\\) is being changed by task ${winner}, which is still running \\(it took the stack at [^)]+\\): http://127\\.0\\.0\\.1:\\d+/create/tasks/${winner}; wait for it to finish, then try again$`,
      ),
    );
    expect(stepStatuses(lost)).toMatchObject({ fetch: 'completed', prepare: 'failed', deploy: 'skipped', register: 'skipped' });
    const endOf = (events: TaskEvent[]) => events.find(e => e.type === 'completion')!.id;
    expect(endOf(lost)).toBeLessThan(endOf(won));

    // One deployment of the stack.
    const stacks = (await cloudformation().send(new DescribeStacksCommand({ StackName: 'wickr-dr-race' }))).Stacks!;
    expect(stacks.map(s => s.StackStatus)).toEqual(['UPDATE_COMPLETE']);
    const executed = await executedChangeSets('wickr-dr-race');
    expect(executed.length).toBeGreaterThan(0);
    expect(callsOf(r.replicas, 'ExecuteChangeSet')).toHaveLength(executed.length);
    uninterrupted = { createChangeSet: callsOf(r.replicas, 'CreateChangeSet').length, executed: executed.length };
    // The lock's row went with the deployment's last step.
    const scaffolderDb = r.pluginDatabase('scaffolder');
    try {
      expect(await scaffolderDb('wickr_dr_stack_locks').select()).toEqual([]);
    } finally {
      await scaffolderDb.destroy();
    }
    // Each ran on its own replica (the scaffolder's audit line of a task's execution).
    const ranOn = (id: string) =>
      r.replicas
        .filter(x =>
          x.logLines().some(l => {
            const meta = l.meta as { actionType?: string; taskId?: string } | undefined;
            return l.message === 'scaffolder.task' && meta?.actionType === 'execution' && meta.taskId === id;
          }),
        )
        .map(x => x.name);
    expect([...ranOn(winner), ...ranOn(loser)].sort()).toEqual(['A', 'B']);
    console.log(`race: task ${winner} deployed on ${ranOn(winner)}, task ${loser} refused on ${ranOn(loser)}`);
  });

  it('finishes a deployment on the other replica when the one running it is killed mid-deploy, reusing its change set', async () => {
    r.replicas.forEach(x => x.aws.reset());
    // Every change set takes 1.5 s to make: time enough to pause the right call.
    r.replicas.forEach(x => x.aws.inject({ service: 'cloudformation', operation: 'CreateChangeSet', fault: 'slow', delayMs: 1500, count: 20 }));
    const started = Date.now();
    const taskId = await r.createTask(r.replicas[0], { templateRef: TEMPLATE_REF, values: deploymentValues('crash', NETWORKS.crash) });

    // The replica running it is the one whose proxy carries its calls. Once it has put the bot's
    // secret (a step completed), the execution of its next change set (the Start the bot step) goes
    // through to moto and its answer is held: the replica dies between the call and its checkpoint.
    const runner = await poll('the secret put by the task', () =>
      r.replicas.find(x => x.aws.calls().some(c => c.operation === 'PutSecretValue' && c.status === 200)),
    );
    const held = runner.aws.hold({ service: 'cloudformation', operation: 'ExecuteChangeSet', phase: 'response' });
    await held.arrived;
    await runner.kill();
    held.release();
    const killedAt = Date.now();
    const survivor = r.replicas.find(x => x !== runner)!;

    const ended = await r.waitForEnd(taskId, 120_000);
    expect(ended.status).toBe('completed');
    const events = await r.events(taskId, survivor);
    expect(events.some(e => e.type === 'recovered')).toBe(true);
    for (const step of ['fetch', 'prepare', 'render', 'deploy', 'secret']) {
      expect(events.map(e => e.body.message)).toContain(`Skipping step ${step} because it was already completed in a previous run`);
    }
    expect(stepStatuses(events)).toMatchObject({ start: 'completed', registration: 'completed', retention: 'completed', register: 'completed' });

    // moto's state: one stack; as many change sets made and executed as the uninterrupted
    // deployment (the Start step's came from its checkpoint, not a new one); one challenge put in
    // the secret (the completed secret step did not run again), then the password the bot printed.
    const stacks = (await cloudformation().send(new DescribeStacksCommand({ StackName: 'wickr-dr-crash' }))).Stacks!;
    expect(stacks.map(s => s.StackStatus)).toEqual(['UPDATE_COMPLETE']);
    expect(callsOf(r.replicas, 'CreateChangeSet')).toHaveLength(uninterrupted.createChangeSet);
    expect(await executedChangeSets('wickr-dr-crash')).toHaveLength(uninterrupted.executed);
    const generated = PASSWORD_SAMPLES.adminGuide.password;
    const passwords = (await secretPasswords('crash')).filter(Boolean);
    expect(passwords.filter(p => p !== generated)).toHaveLength(1);
    expect(passwords[passwords.length - 1]).toBe(generated);
    expect(callsOf([runner], 'PutSecretValue')).not.toHaveLength(0);
    // The survivor did the rest: its proxy carried the remaining steps' calls.
    expect(callsOf([survivor], 'ExecuteChangeSet').length).toBeGreaterThan(0);
    const executions = r.replicas.flatMap(x => x.aws.calls().filter(c => c.operation === 'ExecuteChangeSet').map(c => `${x.name}:${c.status}`));
    console.log(
      `crash: task ${taskId} ran on ${runner.name}, killed ${killedAt - started} ms after it was created, finished by ${survivor.name} ${Date.now() - killedAt} ms later; ExecuteChangeSet calls (replica:status) ${executions.join(' ')}; secret passwords ${passwords.map(p => (p === generated ? 'generated' : 'challenge')).join(', ')}`,
    );
  });

  it('runs the drift check, discovery and the password keeper once per period across both replicas, not once on each', async () => {
    // Each replica prints its own runs. A global task starts once per period across the replicas
    // (the scheduler spaces its starts by the frequency, through its row in the plugin's database):
    // about W/F runs in a window of W seconds. Were they local tasks, each replica would run each
    // job every period: about 2 W/F, here 14.
    // The deployments' pair is done: stopped, it leaves the machine to this one.
    await r.stop();
    const { replicas: pair } = await scheduled;
    const WINDOW_S = 7 * FREQUENCY_S;
    const JOBS = {
      drift: /^Drift check of \d+ deployments:/,
      discovery: /^Discovered \d+ Wickr data-retention stacks in \d+ CloudFormation calls/,
      keeper: /^Password keeper looked at \d+ bots:/,
    };
    const runs = () =>
      Object.entries(JOBS).map(([job, line]) => ({ job, perReplica: pair.replicas.map(x => x.logLines().filter(l => line.test(l.message)).length) }));
    await poll('every job run once', () => (runs().every(j => j.perReplica.some(n => n > 0)) ? true : undefined));
    const before = runs();
    await new Promise(resolve => setTimeout(resolve, WINDOW_S * 1000));
    const inWindow = runs().map(({ job, perReplica }, i) => ({ job, perReplica: perReplica.map((n, k) => n - before[i].perReplica[k]) }));
    console.log(
      `scheduled runs in ${WINDOW_S} s, one every ${FREQUENCY_S} s, on replicas A+B: ${inWindow.map(j => `${j.job} ${j.perReplica.join('+')}`).join(', ')}`,
    );
    for (const { job, perReplica } of inWindow) {
      const total = perReplica.reduce((a, b) => a + b, 0);
      // At most one run per period across the two, give or take one at each end of the window
      // and one that starts late and is caught up with: at most 9 here, where local tasks make 14.
      expect({ job, atMostOncePerPeriod: total <= WINDOW_S / FREQUENCY_S + 2 }).toEqual({ job, atMostOncePerPeriod: true });
      // ... and it does run.
      expect({ job, ran: total >= 2 }).toEqual({ job, ran: true });
    }
  });
});
