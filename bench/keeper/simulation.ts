/**
 * A simulated account for bench/keeper: CloudWatch Logs (FilterLogEvents, GetLogEvents),
 * Secrets Manager (DescribeSecret, GetSecretValue, PutSecretValue), CloudFormation
 * (DescribeStacks) and the two ECS reads the scaffolder step makes, on a virtual clock.
 * Every call takes 50 to 150 ms; log events become visible 1 to 10 s after the bot wrote
 * them (ingestion); each operation is throttled per region with a token bucket holding a
 * second's worth, checked when the call is sent.
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { VirtualClock } from '../../plugins/wickr-dr-backend/src/__testUtils__/VirtualClock';
import { TokenBucket } from '../lib/tokenBucket';

export interface LogEvent {
  eventId: string;
  timestamp: number;
  visibleAt: number;
  message: string;
  stream: string;
}

interface SimulatedSecret {
  arn: string;
  value: string;
  changedAt: number;
  stackId: string;
  tokens: Set<string>;
}

/** Calls a second each service accepts in one region (a bucket holding a second's worth). */
const QUOTAS: Record<string, number> = {
  FilterLogEvents: 5,
  GetLogEvents: 25,
  DescribeSecret: 50,
  GetSecretValue: 50,
  PutSecretValue: 50,
  DescribeStacks: 5,
  ListTasks: 20,
  DescribeServices: 20,
};


function throttlingError(operation: string): Error {
  return Object.assign(new Error(`Rate exceeded (${operation})`), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A CloudWatch Logs filter pattern of plain terms: every term, and one of the ?terms when there are any. */
function matches(pattern: string | undefined, message: string): boolean {
  const terms = (pattern ?? '').split(/\s+/).filter(Boolean);
  const required = terms.filter(t => !t.startsWith('?'));
  const optional = terms.filter(t => t.startsWith('?')).map(t => t.slice(1));
  return required.every(t => message.includes(t)) && (optional.length === 0 || optional.some(t => message.includes(t)));
}

export class SimulatedAccount {
  readonly calls: Array<{ operation: string; region: string; at: number }> = [];
  throttled = 0;
  /** Every password stored, with when: the time a banner's value reached its secret. */
  readonly stored: Array<{ secretId: string; password: string; at: number }> = [];
  private readonly logGroups = new Map<string, LogEvent[]>();
  private readonly secrets = new Map<string, SimulatedSecret>();
  private readonly stacks = new Map<string, Stack>();
  private readonly buckets = new Map<string, TokenBucket>();
  private eventSeq = 0;

  constructor(private readonly clock: VirtualClock, private readonly random: () => number) {}

  addStack(region: string, stack: Stack) {
    this.stacks.set(`${region}/${stack.StackId}`, stack);
  }

  addSecret(region: string, secret: { arn: string; value: object; changedAt: number; stackId: string }) {
    this.secrets.set(`${region}/${secret.arn}`, { ...secret, value: JSON.stringify(secret.value), tokens: new Set() });
  }

  /** The bot writes lines to a stream, one a second from `at`; each shows up after an ingestion delay. */
  print(region: string, logGroup: string, stream: string, lines: string[], at: number) {
    const key = `${region}/${logGroup}`;
    const events = this.logGroups.get(key) ?? [];
    lines.forEach((message, i) => {
      const timestamp = at + i * 1000;
      events.push({
        eventId: String(++this.eventSeq).padStart(12, '0'),
        timestamp,
        visibleAt: timestamp + 1000 + this.random() * 9000,
        message,
        stream,
      });
    });
    this.logGroups.set(key, events);
  }

  callsTo(operation: string) {
    return this.calls.filter(c => c.operation === operation).length;
  }

  /** A call: throttled when it is sent (as bench/drift's simulation does), answered after its latency. */
  async send(region: string, operation: string, input: any): Promise<any> {
    const sentAt = this.clock.now;
    const bucketKey = `${region}/${operation}`;
    if (!this.buckets.has(bucketKey)) this.buckets.set(bucketKey, new TokenBucket(QUOTAS[operation] ?? 10, sentAt));
    const allowed = this.buckets.get(bucketKey)!.take(sentAt);
    await this.clock.sleep(50 + this.random() * 100);
    if (!allowed) {
      this.throttled++;
      throw throttlingError(operation);
    }
    this.calls.push({ operation, region, at: sentAt });
    return this.answer(region, operation, input, this.clock.now);
  }

  private answer(region: string, operation: string, input: any, now: number) {
    switch (operation) {
      case 'FilterLogEvents':
        return this.filterLogEvents(region, input, now);
      case 'GetLogEvents':
        return this.getLogEvents(region, input, now);
      case 'DescribeSecret': {
        const secret = this.secret(region, input.SecretId);
        return {
          ARN: secret.arn,
          LastChangedDate: new Date(secret.changedAt),
          Tags: [{ Key: 'aws:cloudformation:stack-id', Value: secret.stackId }],
        };
      }
      case 'GetSecretValue':
        return { ARN: input.SecretId, SecretString: this.secret(region, input.SecretId).value };
      case 'PutSecretValue':
        return this.putSecretValue(region, input, now);
      case 'DescribeStacks': {
        const stack = this.stacks.get(`${region}/${input.StackName}`);
        if (!stack) throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: 'ValidationError' });
        return { Stacks: [stack] };
      }
      case 'ListTasks':
        return { taskArns: [] };
      case 'DescribeServices':
        return { services: [{ serviceName: input.services[0], events: [] }] };
      default:
        throw new Error(`not simulated: ${operation}`);
    }
  }

  private visible(region: string, logGroupName: string, now: number) {
    const events = this.logGroups.get(`${region}/${logGroupName}`);
    if (!events) throw Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException' });
    return events.filter(e => e.visibleAt <= now);
  }

  private filterLogEvents(region: string, input: any, now: number) {
    const events = this.visible(region, input.logGroupName, now)
      .filter(e => e.timestamp >= (input.startTime ?? 0) && matches(input.filterPattern, e.message))
      .sort((a, b) => a.timestamp - b.timestamp)
      .map(e => ({ eventId: e.eventId, timestamp: e.timestamp, message: e.message, logStreamName: e.stream }));
    return { events, searchedLogStreams: [] };
  }

  private getLogEvents(region: string, input: any, now: number) {
    const events = this.visible(region, input.logGroupName, now)
      .filter(e => e.stream === input.logStreamName && e.timestamp >= (input.startTime ?? 0))
      .sort((a, b) => a.timestamp - b.timestamp)
      .slice(0, input.limit ?? 10_000)
      .map(e => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.visibleAt }));
    return { events };
  }

  private secret(region: string, secretId: string) {
    const secret = this.secrets.get(`${region}/${secretId}`);
    if (!secret) throw Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' });
    return secret;
  }

  private putSecretValue(region: string, input: any, now: number) {
    const secret = this.secret(region, input.SecretId);
    if (!secret.tokens.has(input.ClientRequestToken)) {
      secret.tokens.add(input.ClientRequestToken);
      secret.value = input.SecretString;
      secret.changedAt = now;
      this.stored.push({ secretId: secret.arn, password: JSON.parse(input.SecretString).password, at: now });
    }
    return { ARN: secret.arn, VersionId: input.ClientRequestToken };
  }
}
