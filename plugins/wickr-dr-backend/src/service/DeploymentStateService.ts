import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  Metric,
  MetricAlarm,
  paginateDescribeAlarms,
  paginateGetMetricData,
  paginateListMetrics,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  AlarmsState,
  categorizeStackStatus,
  DeploymentState,
  DeploymentTarget,
  KEY_METRICS,
  MetricSeries,
  Section,
  ServiceState,
  StackState,
} from '@internal/plugin-wickr-dr-common';
import { AwsClients, awsErrorLine, describeStack, stackOutputs } from '@internal/plugin-wickr-dr-node';

const HOUR = 3_600_000;
/** GetMetricData takes at most 500 queries a call. */
const QUERIES_PER_CALL = 500;

async function section<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: awsErrorLine(error) };
  }
}

function stackState(stack: Stack): StackState {
  const status = stack.StackStatus!;
  const at = stack.LastUpdatedTime ?? stack.CreationTime;
  return {
    name: stack.StackName!,
    arn: stack.StackId!,
    status,
    category: categorizeStackStatus(status),
    reason: stack.StackStatusReason,
    lastOperation: at && { kind: status.split('_')[0], at: at.toISOString() },
    outputs: stackOutputs(stack),
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * The live state of a deployment, read from AWS on demand: the stack, the bot's ECS
 * service, its alarms and the last 24 hours of its key metrics. Each part is read
 * on its own, so a part that cannot be read (a missing permission, say) does not
 * hide the others.
 */
export class DeploymentStateService {
  constructor(private readonly awsClients: AwsClients, private readonly now: () => number = Date.now) {}

  /** The state of the deployment `entityRef`, read in the account and region it was discovered in. */
  async getState(entityRef: string, target: DeploymentTarget): Promise<DeploymentState> {
    const stack = await this.stack(target);
    const [service, alarms, metrics] = await Promise.all([
      section(() => this.service(target, stack.outputs)),
      section(() => this.alarms(target)),
      section(() => this.metrics(target)),
    ]);
    return {
      entityRef,
      checkedAt: new Date(this.now()).toISOString(),
      stack,
      service,
      alarms,
      metrics,
      drift: null,
      registration: null,
    };
  }

  /** Without the stack there is nothing to show: a failure to read it fails the whole state. */
  private async stack(target: DeploymentTarget): Promise<StackState> {
    const cloudformation = await this.awsClients.get(CloudFormationClient, target);
    let stack: Stack | undefined;
    try {
      stack = await describeStack(cloudformation, target.stackArn);
    } catch (error) {
      throw new ServiceUnavailableError(`could not read the stack ${target.stackName}: ${awsErrorLine(error)}`);
    }
    if (stack) return stackState(stack);
    return { name: target.stackName, arn: target.stackArn, status: 'NOT_FOUND', category: 'not-found', outputs: {} };
  }

  private async service(target: DeploymentTarget, outputs: Record<string, string>): Promise<ServiceState | null> {
    const { ClusterName: cluster, ServiceName: service } = outputs;
    if (!cluster || !service) return null;
    const ecs = await this.awsClients.get(ECSClient, target);
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const found = services?.[0];
    if (!found) return null;
    return {
      cluster,
      service,
      desired: found.desiredCount ?? 0,
      running: found.runningCount ?? 0,
      pending: found.pendingCount ?? 0,
    };
  }

  /** The template names its alarms wickr-dr-<DeployName>-<what>. */
  private async alarms(target: DeploymentTarget): Promise<AlarmsState> {
    const cloudwatch = await this.awsClients.get(CloudWatchClient, target);
    const alarms: MetricAlarm[] = [];
    for await (const page of paginateDescribeAlarms(
      { client: cloudwatch },
      { AlarmNamePrefix: `wickr-dr-${target.deploymentName}-` },
    )) {
      alarms.push(...(page.MetricAlarms ?? []));
    }
    return {
      total: alarms.length,
      inAlarm: alarms
        .filter(a => a.StateValue === 'ALARM')
        .map(a => ({ name: a.AlarmName!, reason: a.StateReason, since: a.StateUpdatedTimestamp?.toISOString() })),
    };
  }

  /**
   * The bot does not document its metric dimensions, so they are discovered with
   * ListMetrics; the series of every dimension set of a metric are added up.
   */
  private async metrics(target: DeploymentTarget): Promise<MetricSeries[]> {
    const cloudwatch = await this.awsClients.get(CloudWatchClient, target);
    const found: Metric[] = [];
    for await (const page of paginateListMetrics({ client: cloudwatch }, { Namespace: 'WickrIO' })) {
      found.push(...(page.Metrics ?? []).filter(m => (KEY_METRICS as readonly string[]).includes(m.MetricName!)));
    }

    const end = Math.floor(this.now() / HOUR) * HOUR;
    const start = end - 24 * HOUR;
    const hours = Array.from({ length: 24 }, (_, i) => start + i * HOUR);
    const sums = new Map<string, Map<number, number>>(KEY_METRICS.map(name => [name, new Map()]));
    for (const { name, at, value } of await this.hourlySums(cloudwatch, found, start, end)) {
      const series = sums.get(name)!;
      const hour = Math.floor(at.getTime() / HOUR) * HOUR;
      series.set(hour, (series.get(hour) ?? 0) + value);
    }
    return KEY_METRICS.map(name => {
      const points = hours.map(at => ({ at: new Date(at).toISOString(), value: sums.get(name)!.get(at) ?? 0 }));
      return { name, total: points.reduce((total, p) => total + p.value, 0), points };
    });
  }

  /** Every hourly sum of the metrics, by name, at most 500 queries a call. */
  private async hourlySums(cloudwatch: CloudWatchClient, metrics: Metric[], start: number, end: number) {
    const sums: Array<{ name: string; at: Date; value: number }> = [];
    for (const batch of chunks(metrics, QUERIES_PER_CALL)) {
      const input = {
        StartTime: new Date(start),
        EndTime: new Date(end),
        MetricDataQueries: batch.map((metric, i) => ({
          Id: `m${i}`,
          Label: metric.MetricName,
          MetricStat: { Metric: metric, Period: 3600, Stat: 'Sum' },
        })),
      };
      for await (const page of paginateGetMetricData({ client: cloudwatch }, input)) {
        for (const result of page.MetricDataResults ?? []) {
          const name = batch[Number(result.Id!.slice(1))].MetricName!;
          result.Timestamps?.forEach((at, j) => sums.push({ name, at, value: result.Values?.[j] ?? 0 }));
        }
      }
    }
    return sums;
  }
}
