import {
  CloudFormationClient,
  paginateDescribeStackEvents,
  StackEvent,
} from '@aws-sdk/client-cloudformation';
import { isCancellation, isResourceFailure } from '@wickr-dr/backstage-plugin-wickr-dr-common';

/**
 * The events of one stack operation, read incrementally: each poll returns only the
 * events that are new since the last one, oldest first. DescribeStackEvents lists
 * newest first, so a poll pages back until it meets an event it has seen.
 */
export class StackEventFeed {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cloudformation: CloudFormationClient,
    private readonly stackId: string,
    /** Events of this operation carry its token; emulators that omit tokens are matched by time. */
    private readonly operation: { token: string; startedAt: Date },
  ) {}

  async poll(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    for await (const page of paginateDescribeStackEvents({ client: this.cloudformation }, { StackName: this.stackId })) {
      const events = page.StackEvents ?? [];
      const unseen = events.filter(e => !this.seen.has(e.EventId!));
      fresh.push(...unseen.filter(e => this.belongsToOperation(e)));
      if (unseen.length < events.length || events.some(e => this.isBefore(e))) break;
    }
    fresh.forEach(e => this.seen.add(e.EventId!));
    return fresh.reverse();
  }

  private isBefore(event: StackEvent): boolean {
    return event.Timestamp !== undefined && event.Timestamp < this.operation.startedAt;
  }

  private belongsToOperation(event: StackEvent): boolean {
    return event.ClientRequestToken
      ? event.ClientRequestToken === this.operation.token
      : !this.isBefore(event);
  }
}

export const isStackEvent = (event: StackEvent, stackName: string) =>
  event.ResourceType === 'AWS::CloudFormation::Stack' && event.LogicalResourceId === stackName;

/**
 * The root cause of a failed operation: its first failure that is not a
 * cancellation (resources stopped because another one failed), resources before
 * the stack itself; undefined if nothing failed.
 */
export function rootCause(events: StackEvent[], stackName: string): StackEvent | undefined {
  const failures = events.filter(
    e => isResourceFailure(e.ResourceStatus ?? '') && !isCancellation(e.ResourceStatusReason),
  );
  return failures.find(e => !isStackEvent(e, stackName)) ?? failures[0];
}

/** One log line for an event: status, type, logical id, and the reason if any. */
export function describeEvent(event: StackEvent): string {
  const reason = event.ResourceStatusReason ? ` - ${event.ResourceStatusReason}` : '';
  return `${event.ResourceStatus} ${event.ResourceType} ${event.LogicalResourceId}${reason}`;
}
