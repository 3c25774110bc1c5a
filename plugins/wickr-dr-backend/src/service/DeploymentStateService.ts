import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, MetricAlarm, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  AlarmsState,
  categorizeStackStatus,
  DeploymentState,
  DeploymentTarget,
  KEY_METRICS,
  MetricSeries,
  RegistrationState,
  Section,
  ServiceState,
  StackState,
  WickrBotState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients, awsErrorLine, describeStack, metricSums, stackOutputs, wickrMetrics } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { NothingToKeepError } from '../keeper/PasswordKeeper';
import type { RegistrationStore } from '../keeper/RegistrationStore';
import { readRegistration } from './registration';
import { readWickrBot, WickrClients } from './wickr';

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function section<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    // Not an AWS answer but a fact of the deployment: said as it is.
    if (error instanceof NothingToKeepError) return { error: error.message };
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
    parameters: currentParameters(stack),
  };
}

/** CloudFormation's answer for a NoEcho parameter: not its value. */
const MASKED_VALUE = '****';

/**
 * The stack's parameter values by name, from the DescribeStacks answer already read.
 * A NoEcho parameter comes back masked: it is left out rather than answered as a value.
 */
export function currentParameters(stack: Stack): Record<string, string> {
  const known = (stack.Parameters ?? []).filter(
    p => p.ParameterKey && p.ParameterValue !== undefined && p.ParameterValue !== MASKED_VALUE,
  );
  return Object.fromEntries(known.map(p => [p.ParameterKey!, p.ParameterValue!]));
}

/** The metrics of the card, and the bot's failed logins of the last 60 minutes. */
interface MetricsRead {
  series: MetricSeries[];
  loginFailuresLastHour: number;
}

export interface DeploymentStateServiceOptions {
  /** The password keeper's records, for the registration. */
  registrations: Pick<RegistrationStore, 'get'>;
  /** The Wickr admin API's clients; by default made from the same AwsClients. */
  wickr?: WickrClients;
  now?: () => number;
}

/**
 * The live state of a deployment, read from AWS on demand: the stack, the bot's ECS
 * service, its alarms, the last 24 hours of its key metrics, its registration and the
 * bot in its Wickr network (the Wickr admin API). Each
 * part is read on its own, so a part that cannot be read (a missing permission, say)
 * does not hide the others.
 */
export class DeploymentStateService {
  private readonly now: () => number;
  private readonly wickrClients: WickrClients;

  constructor(private readonly awsClients: AwsClients, private readonly options: DeploymentStateServiceOptions) {
    this.now = options.now ?? Date.now;
    this.wickrClients = options.wickr ?? new WickrClients(awsClients);
  }

  /** The state of the deployment `entityRef`, read in the account and region it was discovered in. */
  async getState(entityRef: string, target: DeploymentTarget): Promise<DeploymentState> {
    const stack = await this.stack(target);
    const [service, alarms, metrics, registration, wickr] = await Promise.all([
      section(() => this.service(target, stack.outputs)),
      section(() => this.alarms(target)),
      section(() => this.metrics(target)),
      section(() => this.registration(entityRef, target)),
      section(() => this.wickrBot(target)),
    ]);
    return {
      entityRef,
      checkedAt: new Date(this.now()).toISOString(),
      stack,
      service,
      alarms,
      metrics: 'value' in metrics ? { value: metrics.value.series } : metrics,
      drift: null,
      registration:
        'value' in registration && 'value' in metrics
          ? { value: { ...registration.value, loginFailuresLastHour: metrics.value.loginFailuresLastHour } }
          : registration,
      wickr,
    };
  }

  /** The bot in the network the stack names (GetNetwork, GetDataRetentionBot); null when it names none. */
  async wickrBot(target: DeploymentTarget): Promise<WickrBotState | null> {
    if (!target.networkId) return null;
    return readWickrBot(await this.wickrClients.get(target), target.networkId);
  }

  /**
   * Whether the bot registered and its secret holds the password it generated, read
   * from the keeper's record and, live, its secret and log (see readRegistration).
   */
  async registration(entityRef: string, target: DeploymentTarget): Promise<RegistrationState> {
    const { botLogGroup, botSecretArn } = target;
    if (!botLogGroup || !botSecretArn) throw new NothingToKeepError(entityRef);
    const [logs, secrets, record] = await Promise.all([
      this.awsClients.get(CloudWatchLogsClient, target),
      this.awsClients.get(SecretsManagerClient, target),
      this.options.registrations.get(entityRef),
    ]);
    return readRegistration({ logs, secrets, logGroupName: botLogGroup, secretId: botSecretArn }, record, this.now());
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
   * Every key metric summed by the hour over the last 24 hours (the current hour's partial
   * sum is not shown), the series of every dimension set of a metric added up; and, in the
   * same GetMetricData calls, Login_Failures by the minute for the last 60 minutes.
   */
  private async metrics(target: DeploymentTarget): Promise<MetricsRead> {
    const cloudwatch = await this.awsClients.get(CloudWatchClient, target);
    const found = await wickrMetrics(cloudwatch, KEY_METRICS);
    const now = Math.floor(this.now() / MINUTE) * MINUTE;
    const end = Math.floor(now / HOUR) * HOUR;
    const start = end - 24 * HOUR;
    const hours = Array.from({ length: 24 }, (_, i) => start + i * HOUR);
    const queries = [
      ...found.map(metric => ({ metric, period: 3600 })),
      ...found.filter(m => m.MetricName === 'Login_Failures').map(metric => ({ metric, period: 60 })),
    ];
    const sums = new Map<string, Map<number, number>>(KEY_METRICS.map(name => [name, new Map()]));
    let loginFailuresLastHour = 0;
    for (const { query, at, value } of await metricSums(cloudwatch, queries, start, now)) {
      if (query.period === 60) {
        if (at.getTime() >= now - HOUR) loginFailuresLastHour += value;
        continue;
      }
      const series = sums.get(query.metric.MetricName!)!;
      const hour = Math.floor(at.getTime() / HOUR) * HOUR;
      series.set(hour, (series.get(hour) ?? 0) + value);
    }
    const series = KEY_METRICS.map(name => {
      const points = hours.map(at => ({ at: new Date(at).toISOString(), value: sums.get(name)!.get(at) ?? 0 }));
      return { name, total: points.reduce((total, p) => total + p.value, 0), points };
    });
    return { series, loginFailuresLastHour };
  }
}
