import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  Service,
  Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { isAwsError } from './teardown/errors';

/**
 * A stop nobody needs told about: the service scheduler replacing a task in a deployment
 * or scaling in (a stop, a redeploy), someone stopping it, or Fargate moving it.
 */
function deliberateStop(task: Task): boolean {
  if (task.stopCode === 'ServiceSchedulerInitiated') return /^Scaling activity initiated by/.test(task.stoppedReason ?? '');
  return task.stopCode === 'UserInitiated' || task.stopCode === 'SpotInterruption' || task.stopCode === 'TerminationNotice';
}

/** The service's tasks of a desired status, described (at most 100, DescribeTasks' limit). */
async function serviceTasks(ecs: ECSClient, cluster: string, service: string, desiredStatus: 'RUNNING' | 'STOPPED') {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus }));
  if (!taskArns.length) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(0, 100) }));
  return tasks;
}

async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<Service | undefined> {
  const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return services[0];
}

/** Why the bot's task could not run, as ECS tells it, or undefined while nothing went wrong. */
export async function botTaskProblem(
  ecs: ECSClient,
  cluster: string,
  service: string,
  since: number,
): Promise<string | undefined> {
  const stopped = (await serviceTasks(ecs, cluster, service, 'STOPPED'))
    .filter(t => (t.stoppedAt?.getTime() ?? 0) >= since && !deliberateStop(t))
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))[0];
  if (stopped) {
    const container = stopped.containers?.find(c => c.reason || (c.exitCode !== undefined && c.exitCode !== 0));
    const detail = container ? `; container ${container.name}: ${container.reason ?? `exit code ${container.exitCode}`}` : '';
    return `the task stopped: ${stopped.stoppedReason ?? stopped.stopCode ?? 'no reason given'}${detail}`;
  }
  const event = (await describeService(ecs, cluster, service))?.events?.find(e => (e.createdAt?.getTime() ?? 0) >= since && /unable|error|fail/i.test(e.message ?? ''));
  return event ? `the service says: ${event.message}` : undefined;
}

/** When the newest running task of the bot's service started, or undefined while none runs. */
export async function botTaskStartedAt(ecs: ECSClient, cluster: string, service: string): Promise<number | undefined> {
  const started = (await serviceTasks(ecs, cluster, service, 'RUNNING')).map(t => t.startedAt?.getTime() ?? 0).filter(at => at > 0);
  return started.length ? Math.max(...started) : undefined;
}

/**
 * When the bot's running task started, if it and its service's PRIMARY deployment both predate `since`:
 * then nothing since has started a task that reads the bot's secret again. Undefined otherwise, and
 * when the service or its cluster is not there (no task runs).
 */
export async function botTaskStartedBefore(
  ecs: ECSClient,
  cluster: string,
  service: string,
  since: number,
): Promise<number | undefined> {
  const described = await describeService(ecs, cluster, service).catch(error => {
    if (isAwsError(error, 'ClusterNotFoundException')) return undefined;
    throw error;
  });
  const primary = described?.deployments?.find(d => d.status === 'PRIMARY');
  if ((primary?.createdAt?.getTime() ?? since) >= since) return undefined;
  const startedAt = await botTaskStartedAt(ecs, cluster, service);
  return startedAt !== undefined && startedAt < since ? startedAt : undefined;
}

/** Starts the bot's task again: a new deployment of its service, whose task reads the bot's secret anew. */
export async function restartBotTask(ecs: ECSClient, cluster: string, service: string): Promise<void> {
  await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
}
