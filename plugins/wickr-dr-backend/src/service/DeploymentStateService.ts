import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  Metric,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { parse as parseArn } from '@aws-sdk/util-arn-parser';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AlarmsState,
  ANNOTATIONS,
  categorizeStackStatus,
  DeploymentState,
  KEY_METRICS,
  MetricSeries,
  Section,
  ServiceState,
  StackState,
} from '@internal/plugin-wickr-dr-common';
import type { AwsClients, AwsTarget } from '@internal/plugin-wickr-dr-node';

const HOUR = 3_600_000;

async function section<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function isMissing(error: unknown) {
  return (error as Error)?.name === 'ValidationError' && /does not exist/.test((error as Error).message);
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
    outputs: Object.fromEntries((stack.Outputs ?? []).map(o => [o.OutputKey!, o.OutputValue ?? ''])),
  };
}

/**
 * The live state of a deployment, read from AWS on demand: the stack, the bot's ECS
 * service, its alarms and the last 24 hours of its key metrics. Each part is read
 * on its own, so a part that cannot be read (a missing permission, say) does not
 * hide the others.
 */
export class DeploymentStateService {
  constructor(
    private readonly awsClients: AwsClients,
    private readonly now: () => number = Date.now,
  ) {}

  async getState(entity: Entity): Promise<DeploymentState> {
    const arn = entity.metadata.annotations![ANNOTATIONS.arn];
    const { accountId, region } = parseArn(arn);
    const target: AwsTarget = { accountId: entity.metadata.annotations![ANNOTATIONS.accountId] ?? accountId, region };
    const stack = await this.stack(target, arn, entity.metadata.annotations![ANNOTATIONS.stackName]);
    const deploymentName = entity.metadata.annotations![ANNOTATIONS.deploymentName];
    const [service, alarms, metrics] = await Promise.all([
      section(() => this.service(target, stack.outputs)),
      section(() => this.alarms(target, deploymentName)),
      section(() => this.metrics(target)),
    ]);
    return {
      entityRef: stringifyEntityRef(entity),
      checkedAt: new Date(this.now()).toISOString(),
      stack,
      service,
      alarms,
      metrics,
      drift: null,
      registration: null,
    };
  }

  private async stack(target: AwsTarget, arn: string, name: string): Promise<StackState> {
    const cloudformation = await this.awsClients.get(CloudFormationClient, target);
    try {
      const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: arn }));
      return stackState(Stacks![0]);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return { name, arn, status: 'NOT_FOUND', category: 'not-found', outputs: {} };
    }
  }

  private async service(target: AwsTarget, outputs: Record<string, string>): Promise<ServiceState | null> {
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
  private async alarms(target: AwsTarget, deploymentName: string): Promise<AlarmsState> {
    const cloudwatch = await this.awsClients.get(CloudWatchClient, target);
    const { MetricAlarms = [] } = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `wickr-dr-${deploymentName}-` }),
    );
    return {
      total: MetricAlarms.length,
      inAlarm: MetricAlarms.filter(a => a.StateValue === 'ALARM').map(a => ({
        name: a.AlarmName!,
        reason: a.StateReason,
        since: a.StateUpdatedTimestamp?.toISOString(),
      })),
    };
  }

  /**
   * The bot does not document its metric dimensions, so they are discovered with
   * ListMetrics; the series of every dimension set of a metric are added up.
   */
  private async metrics(target: AwsTarget): Promise<MetricSeries[]> {
    const cloudwatch = await this.awsClients.get(CloudWatchClient, target);
    const found: Metric[] = [];
    let next: string | undefined;
    do {
      const page = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'WickrIO', NextToken: next }));
      found.push(...(page.Metrics ?? []).filter(m => (KEY_METRICS as readonly string[]).includes(m.MetricName!)));
      next = page.NextToken;
    } while (next);

    const end = Math.floor(this.now() / HOUR) * HOUR;
    const start = end - 24 * HOUR;
    const hours = Array.from({ length: 24 }, (_, i) => start + i * HOUR);
    const sums = new Map<string, Map<number, number>>(KEY_METRICS.map(name => [name, new Map()]));
    if (found.length) {
      const { MetricDataResults = [] } = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(end),
          MetricDataQueries: found.map((metric, i) => ({
            Id: `m${i}`,
            Label: metric.MetricName,
            MetricStat: { Metric: metric, Period: 3600, Stat: 'Sum' },
          })),
        }),
      );
      MetricDataResults.forEach(result => {
        const series = sums.get(found[Number(result.Id!.slice(1))].MetricName!)!;
        result.Timestamps?.forEach((t, j) => {
          const hour = Math.floor(t.getTime() / HOUR) * HOUR;
          series.set(hour, (series.get(hour) ?? 0) + (result.Values?.[j] ?? 0));
        });
      });
    }
    return KEY_METRICS.map(name => {
      const points = hours.map(at => ({ at: new Date(at).toISOString(), value: sums.get(name)!.get(at) ?? 0 }));
      return { name, total: points.reduce((total, p) => total + p.value, 0), points };
    });
  }
}
