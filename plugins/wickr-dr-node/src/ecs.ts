import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';

/** Why the bot's task could not run, as ECS tells it, or undefined while nothing went wrong. */
export async function botTaskProblem(
  ecs: ECSClient,
  cluster: string,
  service: string,
  since: number,
): Promise<string | undefined> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED' }));
  if (taskArns.length) {
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(0, 100) }));
    const stopped = tasks
      .filter(t => (t.stoppedAt?.getTime() ?? 0) >= since)
      .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))[0];
    if (stopped) {
      const container = stopped.containers?.find(c => c.reason || (c.exitCode !== undefined && c.exitCode !== 0));
      const detail = container ? `; container ${container.name}: ${container.reason ?? `exit code ${container.exitCode}`}` : '';
      return `the task stopped: ${stopped.stoppedReason ?? stopped.stopCode ?? 'no reason given'}${detail}`;
    }
  }
  const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const event = services[0]?.events?.find(e => (e.createdAt?.getTime() ?? 0) >= since && /unable|error|fail/i.test(e.message ?? ''));
  return event ? `the service says: ${event.message}` : undefined;
}
