// Test support: ECS as the test says it is (aws-sdk-client-mock). moto runs no task of a service and
// keeps no deployment of one, so the bot's tasks and its service's PRIMARY deployment come from the test.
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * Routes every ECSClient to the bot's simulated service: its tasks by desired status, and, given
 * `primaryCreatedAt`, its PRIMARY deployment (else ECS describes no service). UpdateService is
 * answered, and recorded as every call is. Call `restore()` on the returned mock when done.
 */
export function simulateEcs(
  tasks: { RUNNING?: Task[]; STOPPED?: Task[] },
  { primaryCreatedAt }: { primaryCreatedAt?: number } = {},
) {
  const ecs = mockClient(ECSClient);
  const all = [...(tasks.RUNNING ?? []), ...(tasks.STOPPED ?? [])];
  ecs.on(ListTasksCommand).callsFake(input => ({
    taskArns: (tasks[input.desiredStatus as 'RUNNING' | 'STOPPED'] ?? []).map(t => t.taskArn),
  }));
  ecs.on(DescribeTasksCommand).callsFake(input => ({ tasks: all.filter(t => input.tasks.includes(t.taskArn)) }));
  const deployments = [{ id: 'ecs-svc/1', status: 'PRIMARY', createdAt: new Date(primaryCreatedAt ?? 0) }];
  const service = { serviceName: 'bot', deployments };
  ecs.on(DescribeServicesCommand).resolves({ services: primaryCreatedAt === undefined ? [] : [service] });
  ecs.on(UpdateServiceCommand).resolves({});
  return ecs;
}

/** The bot's task, running since `startedAt`. */
export const runningTask = (startedAt: number): Task => ({
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/wickr-dr-prod/t1',
  startedAt: new Date(startedAt),
});
