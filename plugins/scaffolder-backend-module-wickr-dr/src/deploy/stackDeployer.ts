import { randomUUID } from 'node:crypto';
import {
  CancelUpdateStackCommand,
  Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeChangeSetCommandOutput,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  Stack,
  StackEvent,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  BotRunning,
  botRunningParameter,
  categorizeStackStatus,
  parseCloudFormationTemplate,
  recoveryStep,
  RenderedStack,
  stackConsoleUrl,
  stackEventsConsoleUrl,
  stacksConsoleUrl,
} from '@internal/plugin-wickr-dr-common';
import {
  awsMessage,
  DeployError,
  isAlreadyExecuted,
  isNoChanges,
  isStackMissing,
  isThrottling,
} from './awsErrors';
import { PollOutcome, PollSchedule } from './pollSchedule';
import { describeEvent, isStackEvent, rootCause, StackEventFeed } from './stackEvents';
import { StackLocks } from './stackLocks';

/** What the deployer needs from a scaffolder action context. */
export interface DeployContext {
  logger: Pick<LoggerService, 'info' | 'warn'>;
  /** Runs fn once per task; on a retried task, returns what it returned the first time. */
  checkpoint<T>(options: { key: string; fn: () => Promise<T> | T }): Promise<T>;
  taskId: string;
  signal?: AbortSignal;
}

export interface DeployOptions {
  region: string;
  accountId?: string;
  timeoutMs: number;
  dryRun: boolean;
  terminationProtection: boolean;
  /** The CloudFormation service role to deploy with (optional). */
  roleArn?: string;
  /** Whether the bot runs after this deployment. */
  botRunning: BotRunning;
}

export interface DeployResult {
  stackId?: string;
  status: string;
  outputs: Record<string, string>;
  consoleUrl: string;
  /** The change set changed nothing. */
  noChanges?: boolean;
  /** For a dry run: what would change, one line per resource. */
  plannedChanges?: string[];
}

/** Injected so tests can run a simulated CloudFormation on a simulated clock. */
export interface DeployerEnvironment {
  cloudformation: CloudFormationClient;
  locks: StackLocks;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

interface OperationTokens {
  changeSetName: string;
  clientToken: string;
  executeToken: string;
  deleteToken: string;
  cancelToken: string;
}

interface CreatedChangeSet {
  id?: string;
  stackId?: string;
  type: 'CREATE' | 'UPDATE';
  noChanges?: boolean;
}

const CAPABILITIES = ['CAPABILITY_IAM'] as const;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

function minutesSeconds(ms: number) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Creates or updates a stack through a change set, the way a careful person would:
 * refuses a stack that is busy, clears a stack that never got created, stops with
 * the recovery step for a stuck one, reports every resource event as it happens,
 * and explains a failure in one line. Every side effect is checkpointed with its
 * idempotency token, so a retried task never creates a second change set or stack.
 */
export class StackDeployer {
  private readonly cloudformation: CloudFormationClient;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly env: DeployerEnvironment,
    private readonly ctx: DeployContext,
    private readonly options: DeployOptions,
  ) {
    this.cloudformation = env.cloudformation;
    this.sleep = env.sleep ?? defaultSleep;
    this.now = env.now ?? Date.now;
    this.random = env.random ?? Math.random;
  }

  async deploy(stack: RenderedStack): Promise<DeployResult> {
    const lockKey = `${this.options.accountId ?? 'default'}/${this.options.region}/${stack.stackName}`;
    const release = this.env.locks.acquire(lockKey, this.ctx.taskId);
    try {
      return await this.deployLocked(stack);
    } finally {
      release();
    }
  }

  private async deployLocked(rendered: RenderedStack): Promise<DeployResult> {
    const { stackName } = rendered;
    const tokens = await this.ctx.checkpoint({ key: 'tokens', fn: () => this.newTokens() });
    let existing = await this.describeStack(stackName);
    if (existing) {
      existing = await this.clearTheWay(existing, tokens);
    }
    if (this.options.dryRun) return this.preview(rendered, existing);

    const changeSet = await this.ctx.checkpoint<CreatedChangeSet>({
      key: 'change-set',
      fn: () => this.createChangeSet(rendered, changeSetType(existing), tokens),
    });
    const changes = changeSet.noChanges ? 'no-changes' : await this.waitForChangeSet(changeSet);
    if (changes === 'no-changes') return this.noChanges(stackName, changeSet);

    const startedAt = new Date(this.now());
    await this.ctx.checkpoint({ key: 'execute', fn: () => this.execute(changeSet, tokens) });
    const final = await this.watch(stackName, changeSet.stackId!, tokens, changes.length, startedAt);
    if (changeSet.type === 'CREATE' && this.options.terminationProtection) {
      await this.protect(changeSet.stackId!);
    }
    return final;
  }

  private newTokens(): OperationTokens {
    return {
      changeSetName: `wickr-dr-${Math.floor(this.now() / 1000)}`,
      clientToken: randomUUID(),
      executeToken: randomUUID(),
      deleteToken: randomUUID(),
      cancelToken: randomUUID(),
    };
  }

  private async describeStack(stackName: string): Promise<Stack | undefined> {
    try {
      const { Stacks } = await this.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
      const stack = Stacks?.[0];
      return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
    } catch (error) {
      if (isStackMissing(error)) return undefined;
      throw new DeployError(`cannot read stack '${stackName}': ${awsMessage(error)}`);
    }
  }

  /**
   * Makes an existing stack deployable, or explains why it is not: returns the stack
   * to update, or undefined if it was (or, in a dry run, would be) deleted to be
   * created again. A stack this task already started on is always continued.
   */
  private async clearTheWay(stack: Stack, tokens: OperationTokens): Promise<Stack | undefined> {
    const name = stack.StackName!;
    const status = stack.StackStatus!;
    const category = categorizeStackStatus(status);
    if (category === 'stuck') {
      throw new DeployError(
        `stack '${name}' is ${status} and cannot be deployed: ${recoveryStep(name, status, this.options.region)}`,
        stackConsoleUrl(stack.StackId!),
      );
    }
    if (category !== 'in-progress' && category !== 'never-created') return stack;
    if (await this.hasOurChangeSet(stack, tokens)) return stack;
    if (category === 'in-progress') {
      const since = (stack.LastUpdatedTime ?? stack.CreationTime)?.toISOString();
      const running = stack.ChangeSetId ? ` (change set ${stack.ChangeSetId.split('/')[1]})` : '';
      throw new DeployError(
        `stack '${name}' is busy: ${status} since ${since}${running}; wait for it to finish, then deploy again`,
        stackConsoleUrl(stack.StackId!),
      );
    }
    const why = `stack ${name} is ${status}: it was never created successfully and holds nothing`;
    if (this.options.dryRun) {
      this.ctx.logger.info(`Dry run: ${why}; it would be deleted and created again`);
    } else {
      this.ctx.logger.info(`${why}; deleting it to create it again`);
      await this.deleteStack(stack, tokens);
    }
    return undefined;
  }

  /** Whether this task's change set exists on the stack (a retried task resumes it). */
  private async hasOurChangeSet(stack: Stack, tokens: OperationTokens): Promise<boolean> {
    try {
      await this.cloudformation.send(
        new DescribeChangeSetCommand({ StackName: stack.StackId, ChangeSetName: tokens.changeSetName }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ChangeSetNotFoundException' || (error as Error).name === 'ChangeSetNotFound') return false;
      throw new DeployError(`cannot read the change sets of stack '${stack.StackName}': ${awsMessage(error)}`);
    }
  }

  private async deleteStack(stack: Stack, tokens: OperationTokens) {
    await this.ctx.checkpoint({
      key: 'delete-never-created',
      fn: async () => {
        await this.cloudformation.send(
          new DeleteStackCommand({ StackName: stack.StackId, ClientRequestToken: tokens.deleteToken }),
        );
      },
    });
    const schedule = new PollSchedule({ random: this.random });
    for (;;) {
      const current = await this.describeStack(stack.StackId!);
      if (!current) break;
      if (current.StackStatus === 'DELETE_FAILED') {
        throw new DeployError(
          `stack '${stack.StackName}' could not be deleted: ${current.StackStatusReason}`,
          stackConsoleUrl(stack.StackId!),
        );
      }
      await this.sleep(schedule.next('idle'), this.ctx.signal);
    }
    this.ctx.logger.info(`Deleted stack ${stack.StackName}`);
  }

  private async createChangeSet(
    rendered: RenderedStack,
    type: 'CREATE' | 'UPDATE',
    tokens: OperationTokens,
  ): Promise<CreatedChangeSet> {
    this.ctx.logger.info(
      `Creating change set ${tokens.changeSetName} to ${type === 'CREATE' ? 'create' : 'update'} stack ${rendered.stackName}`,
    );
    try {
      const created = await this.cloudformation.send(
        new CreateChangeSetCommand({
          StackName: rendered.stackName,
          ChangeSetName: tokens.changeSetName,
          ChangeSetType: type,
          ClientToken: tokens.clientToken,
          TemplateBody: rendered.templateBody,
          Parameters: [...rendered.parameters, botRunningParameter(this.options.botRunning, type === 'UPDATE')],
          Tags: rendered.tags,
          Capabilities: [...CAPABILITIES],
          RoleARN: this.options.roleArn,
          Description: 'Deployed by the Wickr data-retention portal',
        }),
      );
      return { id: created.Id, stackId: created.StackId, type };
    } catch (error) {
      if (isNoChanges(error)) return { type, noChanges: true };
      throw new DeployError(`could not create a change set for stack '${rendered.stackName}': ${awsMessage(error)}`);
    }
  }

  /** Waits for the change set; returns its changes, or 'no-changes'. */
  private async waitForChangeSet(changeSet: CreatedChangeSet): Promise<Change[] | 'no-changes'> {
    const schedule = new PollSchedule({ random: this.random, maxMs: 10_000 });
    for (;;) {
      let described: DescribeChangeSetCommandOutput;
      try {
        described = await this.cloudformation.send(new DescribeChangeSetCommand({ ChangeSetName: changeSet.id }));
      } catch (error) {
        if (!isThrottling(error)) throw new DeployError(`cannot read change set: ${awsMessage(error)}`);
        await this.sleep(schedule.next('throttled'), this.ctx.signal);
        continue;
      }
      if (described.Status === 'FAILED') {
        if (isNoChanges(described.StatusReason)) return 'no-changes';
        throw new DeployError(
          `change set for stack '${described.StackName}' failed: ${described.StatusReason}`,
          stackConsoleUrl(changeSet.stackId!),
        );
      }
      // A change set of parameter values alone lists no resource changes and still must run.
      if (described.Status === 'CREATE_COMPLETE') return this.allChanges(described);
      this.throwIfStopped('the change set was being created');
      await this.sleep(schedule.next('idle'), this.ctx.signal);
    }
  }

  private async allChanges(first: DescribeChangeSetCommandOutput): Promise<Change[]> {
    const changes = [...(first.Changes ?? [])];
    let next = first.NextToken;
    while (next) {
      const page = await this.cloudformation.send(
        new DescribeChangeSetCommand({ ChangeSetName: first.ChangeSetId, NextToken: next }),
      );
      changes.push(...(page.Changes ?? []));
      next = page.NextToken;
    }
    return changes;
  }

  private async noChanges(stackName: string, changeSet: CreatedChangeSet): Promise<DeployResult> {
    this.ctx.logger.info(`No changes: stack ${stackName} already matches the template and parameters`);
    if (changeSet.id) {
      await this.cloudformation
        .send(new DeleteChangeSetCommand({ ChangeSetName: changeSet.id }))
        .catch(error => this.ctx.logger.warn(`Could not delete the empty change set: ${awsMessage(error)}`));
    }
    const stack = await this.describeStack(stackName);
    return this.result(stack!, { noChanges: true });
  }

  private async execute(changeSet: CreatedChangeSet, tokens: OperationTokens) {
    this.ctx.logger.info(`Executing change set ${tokens.changeSetName}`);
    try {
      await this.cloudformation.send(
        new ExecuteChangeSetCommand({ ChangeSetName: changeSet.id, ClientRequestToken: tokens.executeToken }),
      );
    } catch (error) {
      if (isAlreadyExecuted(error)) return;
      throw new DeployError(`could not execute change set ${tokens.changeSetName}: ${awsMessage(error)}`);
    }
  }

  /** Follows the operation until it ends: one log line per resource event. */
  private async watch(
    stackName: string,
    stackId: string,
    tokens: OperationTokens,
    total: number,
    startedAt: Date,
  ): Promise<DeployResult> {
    const feed = new StackEventFeed(this.cloudformation, stackId, { token: tokens.executeToken, startedAt });
    const schedule = new PollSchedule({ random: this.random });
    const deadline = this.now() + this.options.timeoutMs;
    const completed = new Set<string>();
    const seen: StackEvent[] = [];
    for (;;) {
      let outcome: PollOutcome = 'idle';
      try {
        const events = await feed.poll();
        seen.push(...events);
        for (const event of events) this.report(event, stackName, completed, total);
        if (events.length) outcome = 'events';
        const end = events.find(e => isStackEvent(e, stackName) && !e.ResourceStatus!.endsWith('_IN_PROGRESS'));
        if (end) return this.finish(stackName, stackId, seen, startedAt);
      } catch (error) {
        if (!isThrottling(error)) throw new DeployError(`cannot read the events of stack '${stackName}': ${awsMessage(error)}`);
        outcome = 'throttled';
        this.ctx.logger.warn('CloudFormation is throttling requests; polling less often');
      }
      if (this.ctx.signal?.aborted || this.now() >= deadline) {
        return this.stopWaiting(stackName, stackId, tokens);
      }
      await this.sleep(Math.min(schedule.next(outcome), Math.max(0, deadline - this.now())), this.ctx.signal);
    }
  }

  private report(event: StackEvent, stackName: string, completed: Set<string>, total: number) {
    const status = event.ResourceStatus ?? '';
    if (!isStackEvent(event, stackName) && /^(CREATE|UPDATE|DELETE|IMPORT)_COMPLETE$/.test(status)) {
      completed.add(event.LogicalResourceId!);
    }
    const progress = isStackEvent(event, stackName) ? '' : ` (${completed.size} of ${total} resources complete)`;
    this.ctx.logger.info(`${describeEvent(event)}${progress}`);
  }

  private async finish(stackName: string, stackId: string, events: StackEvent[], startedAt: Date) {
    const stack = (await this.describeStack(stackId))!;
    const status = stack.StackStatus!;
    const took = minutesSeconds(this.now() - startedAt.getTime());
    const category = categorizeStackStatus(status);
    if (category === 'complete') {
      this.ctx.logger.info(`Stack ${stackName}: ${status} in ${took}`);
      return this.result(stack);
    }
    const cause = rootCause(events, stackName);
    const why = cause
      ? `${cause.LogicalResourceId} (${cause.ResourceType}) ${cause.ResourceStatus}: ${cause.ResourceStatusReason}`
      : stack.StackStatusReason ?? 'no reason given';
    throw new DeployError(`stack '${stackName}' failed (${status} after ${took}): ${why}`, stackEventsConsoleUrl(stackId));
  }

  /** Timeout or cancellation: stop watching, and roll back an update that is still running. */
  private async stopWaiting(stackName: string, stackId: string, tokens: OperationTokens): Promise<never> {
    const why = this.ctx.signal?.aborted
      ? 'the task was cancelled'
      : `the deployment passed its ${minutesSeconds(this.options.timeoutMs)} timeout`;
    const stack = await this.describeStack(stackId);
    if (stack?.StackStatus === 'UPDATE_IN_PROGRESS') {
      await this.cloudformation.send(
        new CancelUpdateStackCommand({ StackName: stackId, ClientRequestToken: tokens.cancelToken }),
      );
      throw new DeployError(`${why}: cancelled the update of stack '${stackName}'; CloudFormation is rolling it back`, stackConsoleUrl(stackId));
    }
    throw new DeployError(
      `${why} while stack '${stackName}' was ${stack?.StackStatus ?? 'gone'}; CloudFormation carries on: run the task again to keep watching, or delete the stack`,
      stackConsoleUrl(stackId),
    );
  }

  private throwIfStopped(phase: string) {
    if (this.ctx.signal?.aborted) throw new DeployError(`the task was cancelled while ${phase}`);
  }

  private async protect(stackId: string) {
    await this.cloudformation.send(
      new UpdateTerminationProtectionCommand({ StackName: stackId, EnableTerminationProtection: true }),
    );
    this.ctx.logger.info('Turned on termination protection');
  }

  /** A dry run: what would change, without changing anything. */
  private async preview(rendered: RenderedStack, existing: Stack | undefined): Promise<DeployResult> {
    if (!existing) {
      const resources = Object.entries(parseCloudFormationTemplate(rendered.templateBody).Resources);
      const plannedChanges = resources.map(([id, r]) => `Add ${r.Type} ${id}`);
      this.ctx.logger.info(`Dry run: stack ${rendered.stackName} does not exist; it would be created with ${resources.length} resources`);
      plannedChanges.forEach(line => this.ctx.logger.info(`  ${line}`));
      return { status: 'NOT_CREATED', outputs: {}, consoleUrl: stacksConsoleUrl(this.options.region), plannedChanges };
    }
    const tokens = { ...this.newTokens(), changeSetName: `wickr-dr-preview-${Math.floor(this.now() / 1000)}` };
    const changeSet = await this.createChangeSet(rendered, 'UPDATE', tokens);
    const changes = changeSet.noChanges ? 'no-changes' : await this.waitForChangeSet(changeSet);
    if (changeSet.id) {
      await this.cloudformation.send(new DeleteChangeSetCommand({ ChangeSetName: changeSet.id }));
    }
    const plannedChanges = changes === 'no-changes' ? [] : changes.map(describeChange);
    this.ctx.logger.info(`Dry run: ${plannedChanges.length ? `${plannedChanges.length} resources would change` : 'no changes'}`);
    plannedChanges.forEach(line => this.ctx.logger.info(`  ${line}`));
    return { ...this.result(existing), plannedChanges, noChanges: plannedChanges.length === 0 };
  }

  private result(stack: Stack, extra: Partial<DeployResult> = {}): DeployResult {
    const outputs = Object.fromEntries((stack.Outputs ?? []).map(o => [o.OutputKey!, o.OutputValue ?? '']));
    return { stackId: stack.StackId, status: stack.StackStatus!, outputs, consoleUrl: stackConsoleUrl(stack.StackId!), ...extra };
  }
}

/** A stack that exists only as a pending CREATE change set is still created, not updated. */
function changeSetType(existing: Stack | undefined): 'CREATE' | 'UPDATE' {
  return existing && existing.StackStatus !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
}

const REPLACEMENT_NOTES: Record<string, string> = {
  True: ' (REPLACEMENT)',
  Conditional: ' (may be replaced)',
};

/** "Modify AWS::ECS::Service BotService (REPLACEMENT)" for a change set entry. */
export function describeChange(change: Change): string {
  const rc = change.ResourceChange!;
  const replacement = REPLACEMENT_NOTES[rc.Replacement ?? ''] ?? '';
  return `${rc.Action} ${rc.ResourceType} ${rc.LogicalResourceId}${replacement}`;
}
