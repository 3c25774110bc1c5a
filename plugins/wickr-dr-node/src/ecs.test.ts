// What ECS says about the bot's task, on a simulated ECS (aws-sdk-client-mock: ListTasks,
// DescribeTasks, DescribeServices and UpdateService answered from the test): moto runs no task
// of a service, so it has no stopped task, stop reason, failing service event or deployment to read.
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { botTaskProblem, botTaskStartedAt, botTaskStartedBefore, restartBotTask } from './ecs';

const ecs = mockClient(ECSClient);
const client = new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const SINCE = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(SINCE + minutes * 60_000);

/** The simulated service: its tasks by desired status, its events, and when its PRIMARY deployment was created. */
function service(
  tasks: { RUNNING?: Task[]; STOPPED?: Task[] },
  events: Array<{ message: string; createdAt: Date }> = [],
  primaryCreatedAt = at(-60),
) {
  const all = [...(tasks.RUNNING ?? []), ...(tasks.STOPPED ?? [])];
  ecs.on(ListTasksCommand).callsFake(input => ({ taskArns: (tasks[input.desiredStatus as 'RUNNING' | 'STOPPED'] ?? []).map(t => t.taskArn) }));
  ecs.on(DescribeTasksCommand).callsFake(input => ({ tasks: all.filter(t => input.tasks.includes(t.taskArn)) }));
  const deployments = [{ id: 'ecs-svc/1', status: 'PRIMARY', createdAt: primaryCreatedAt }];
  ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'bot', events, deployments }] });
}

const stopped = (id: string, minutes: number, task: Partial<Task>): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/wickr-dr-prod/${id}`,
  lastStatus: 'STOPPED',
  stoppedAt: at(minutes),
  ...task,
});
const running = (id: string, minutes: number): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/wickr-dr-prod/${id}`,
  lastStatus: 'RUNNING',
  startedAt: at(minutes),
});

const problem = () => botTaskProblem(client, 'wickr-dr-prod', 'bot', SINCE);

describe('botTaskProblem (simulated ECS)', () => {
  beforeEach(() => ecs.reset());

  it("says why the newest task stopped since, with its container's reason", async () => {
    service({
      STOPPED: [
        stopped('old', 2, { stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets' }),
        stopped('new', 5, {
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
          containers: [{ name: 'bot', reason: 'CannotPullContainerError: not found' }],
        }),
      ],
    });
    expect(await problem()).toBe(
      'the task stopped: CannotPullContainerError: pull image manifest has been retried 5 time(s); container bot: CannotPullContainerError: not found',
    );
    expect(ecs.commandCalls(ListTasksCommand)[0].args[0].input).toEqual({ cluster: 'wickr-dr-prod', serviceName: 'bot', desiredStatus: 'STOPPED' });
  });

  it("gives the container's exit code when it gives no reason", async () => {
    service({
      STOPPED: [
        stopped('t1', 1, {
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: 'bot', exitCode: 1 }],
        }),
      ],
    });
    expect(await problem()).toBe('the task stopped: Essential container in task exited; container bot: exit code 1');
  });

  it('says what the service says when no task stopped, from a failing event since', async () => {
    service({}, [
      { message: '(service bot) has reached a steady state.', createdAt: at(3) },
      { message: '(service bot) was unable to place a task because no container instance met all of its requirements.', createdAt: at(2) },
    ]);
    expect(await problem()).toBe(
      'the service says: (service bot) was unable to place a task because no container instance met all of its requirements.',
    );
  });

  it('finds nothing in a stop or a failing event before since', async () => {
    service(
      { STOPPED: [stopped('t1', -1, { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' })] },
      [{ message: '(service bot) was unable to place a task.', createdAt: at(-2) }],
    );
    expect(await problem()).toBeUndefined();
  });

  it('finds nothing in a task stopped on purpose: a deployment replacing it, a scale-in, a person, Fargate maintenance', async () => {
    service({
      STOPPED: [
        stopped('redeployed', 1, { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890)', containers: [{ name: 'bot', exitCode: 143 }] }),
        stopped('by-hand', 2, { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }),
        stopped('moved', 3, { stopCode: 'TerminationNotice', stoppedReason: 'Your Task is being stopped because of a scheduled maintenance' }),
      ],
    });
    expect(await problem()).toBeUndefined();
  });

  it('still says a task the scheduler stopped for failing its health checks', async () => {
    service({ STOPPED: [stopped('t1', 1, { stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks' })] });
    expect(await problem()).toBe('the task stopped: Task failed container health checks');
  });
});

describe('botTaskStartedAt (simulated ECS)', () => {
  beforeEach(() => ecs.reset());

  it('is when the newest running task started', async () => {
    service({ RUNNING: [running('old', -30), running('new', 4)] });
    expect(await botTaskStartedAt(client, 'wickr-dr-prod', 'bot')).toBe(at(4).getTime());
  });

  it('is undefined while no task runs, without describing any', async () => {
    service({ STOPPED: [stopped('t1', 1, { stopCode: 'UserInitiated' })] });
    expect(await botTaskStartedAt(client, 'wickr-dr-prod', 'bot')).toBeUndefined();
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });
});

describe('botTaskStartedBefore (simulated ECS)', () => {
  beforeEach(() => ecs.reset());
  const startedBefore = () => botTaskStartedBefore(client, 'wickr-dr-prod', 'bot', SINCE);

  it('is when the running task started, when it and the PRIMARY deployment predate since', async () => {
    service({ RUNNING: [running('t1', -30)] }, [], at(-60));
    expect(await startedBefore()).toBe(at(-30).getTime());
    expect(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).toEqual({ cluster: 'wickr-dr-prod', services: ['bot'] });
  });

  it.each([
    ['a deployment created since (a new image, a restart)', [running('t2', 2)], at(1)],
    ['a task started since by a deployment from before (the service scaled up from 0)', [running('t1', 2)], at(-60)],
    ['no running task', [], at(-60)],
  ])('is undefined for %s', async (_, RUNNING, primaryCreatedAt) => {
    service({ RUNNING }, [], primaryCreatedAt);
    expect(await startedBefore()).toBeUndefined();
  });

  it('is undefined, without listing tasks, for a service or cluster that is not there', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'bot', reason: 'MISSING' }] });
    expect(await startedBefore()).toBeUndefined();
    ecs.on(DescribeServicesCommand).rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} }));
    expect(await startedBefore()).toBeUndefined();
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(0);
  });
});

describe('restartBotTask (simulated ECS)', () => {
  beforeEach(() => ecs.reset());

  it("forces a new deployment of the bot's service", async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    await restartBotTask(client, 'wickr-dr-prod', 'bot');
    expect(ecs.commandCalls(UpdateServiceCommand).map(c => c.args[0].input)).toEqual([
      { cluster: 'wickr-dr-prod', service: 'bot', forceNewDeployment: true },
    ]);
  });
});
