import { randomBytes } from 'node:crypto';
import {
  CancelUpdateStackCommand,
  Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  Stack,
  StackEvent,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  BotRunning,
  botRunningParameter,
  categorizeStackStatus,
  DEPLOYMENT_TAG,
  parseCloudFormationTemplate,
  recoveryStep,
  RenderedStack,
  StackParameter,
  stackConsoleUrl,
  stackEventsConsoleUrl,
  StackOutputs,
  stacksConsoleUrl,
  templatePlan,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  awsErrorLine,
  changeSetChanges,
  describeStack,
  stackOutputs,
  stackParameterValues,
  stackTags,
  stackTemplate,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { DeployError, isNoChanges } from './awsErrors';
import { changeSetName, changeSetOfTask, TaskChangeSets } from './changeSetNames';
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

/**
 * Decides, before any write, whether this deployment may go ahead. The action asks
 * the permission framework and checks the form; the deployer says when to ask.
 */
export interface DeployGuard {
  /** Before the first write of a new stack. */
  beforeCreate(): Promise<void>;
  /** Before the first write to an existing stack that this task did not create or change. */
  beforeUpdate(stack: Stack): Promise<void>;
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
  guard?: DeployGuard;
}

export interface DeployResult {
  stackId?: string;
  status: string;
  outputs: StackOutputs;
  consoleUrl: string;
  /** The change set changed nothing. */
  noChanges?: boolean;
  /** For a dry run: what would change, one line per parameter and resource. */
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

export interface OperationTokens {
  changeSetName: string;
  clientToken: string;
  executeToken: string;
  deleteToken: string;
  cancelToken: string;
}

/** What a change set is made of: a rendered template, or the stack's own (UsePreviousTemplate). */
export interface ChangeSetRequest {
  stackName: string;
  templateBody?: string;
  parameters: StackParameter[];
  tags?: Array<{ Key: string; Value: string }>;
}

export interface CreatedChangeSet {
  id?: string;
  stackId?: string;
  type: 'CREATE' | 'UPDATE';
  noChanges?: boolean;
}

const CAPABILITIES = ['CAPABILITY_IAM'] as const;
/**
 * What is left when a call fails between making a change set and executing it, and the next
 * step: a retried task goes on from its checkpoints with the same change set (and, when it
 * was executed after all, sees that and follows the stack).
 */
const NOT_EXECUTED = '; the change set was made and is not known to have been executed: retry the task to go on with it';
const DESCRIPTION = 'Deployed by the Wickr data-retention portal';
const ALREADY_RUN = new Set(['EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE', 'EXECUTE_FAILED']);

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

const token = () => randomBytes(16).toString('hex');

/** "its tags: team=web, env=prod; created 2026-01-02" — who a stack seems to belong to. */
function whoseStack(stack: Stack): string {
  const tags = Object.entries(stackTags(stack)).map(([k, v]) => `${k}=${v}`);
  const shown = tags.length ? `its tags: ${tags.slice(0, 6).join(', ')}${tags.length > 6 ? ', ...' : ''}` : 'it has no tags';
  return `${shown}; created ${stack.CreationTime?.toISOString() ?? 'at an unknown time'}`;
}

/**
 * Creates or updates a stack through a change set, the way a careful person would:
 * touches only a stack of the same deployment, refuses one that is busy, deletes a
 * stack that never got created only when this task created it, stops with the
 * recovery step for a stuck one, reports every resource event as it happens, and
 * explains a failure in one line. Every side effect is checkpointed with its
 * idempotency token, so a retried task never creates a second change set or stack;
 * a retried task whose first creation failed deletes that stack and tries again.
 */
export class StackDeployer {
  protected readonly cloudformation: CloudFormationClient;
  protected readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  protected readonly now: () => number;
  protected readonly random: () => number;
  protected readonly ours: TaskChangeSets;

  constructor(
    protected readonly env: DeployerEnvironment,
    protected readonly ctx: DeployContext,
    protected readonly options: DeployOptions,
  ) {
    this.cloudformation = env.cloudformation;
    this.sleep = env.sleep ?? defaultSleep;
    this.now = env.now ?? Date.now;
    this.random = env.random ?? Math.random;
    this.ours = changeSetOfTask(ctx.taskId);
  }

  async deploy(stack: RenderedStack): Promise<DeployResult> {
    return this.locked(stack.stackName, async () => {
      for (let attempt = 1; ; attempt++) {
        const result = await this.attempt(stack, attempt);
        if (result !== 'next-attempt') return result;
      }
    });
  }

  /**
   * Runs work holding the stack for this task (taken again freely when the task holds it
   * already). The stack stays the task's afterwards: its last step releases it, or it is
   * free once the task ends. A dry run takes nothing.
   */
  protected async locked<T>(stackName: string, work: () => Promise<T>): Promise<T> {
    if (!this.options.dryRun) {
      const stack = { stackName, region: this.options.region, accountId: this.options.accountId };
      const note = await this.env.locks.acquire(stack, this.ctx.taskId);
      if (note) this.ctx.logger.info(note);
    }
    return work();
  }

  /**
   * One attempt at the deployment. Returns 'next-attempt' when this attempt's stack is
   * gone (it failed to create and was deleted) or a later attempt of this task exists.
   */
  private async attempt(rendered: RenderedStack, n: number): Promise<DeployResult | 'next-attempt'> {
    const key = (name: string) => (n === 1 ? name : `${name}-${n}`);
    const tokens = await this.ctx.checkpoint({ key: key('tokens'), fn: () => this.newTokens(n) });
    let existing = await this.describe(rendered.stackName);
    let changedByThisTask = false;
    if (existing) {
      const attemptOfStack = await this.taskAttemptOf(existing);
      if (attemptOfStack !== undefined && attemptOfStack > n) return 'next-attempt';
      const busyOrNew = ['in-progress', 'never-created'].includes(categorizeStackStatus(existing.StackStatus!));
      changedByThisTask = attemptOfStack !== undefined || (busyOrNew && (await this.hasChangeSet(existing, tokens)));
      // A stack that holds only this task's pending change set has no tags yet.
      if (!changedByThisTask) this.assertSameDeployment(existing, rendered);
      existing = await this.clearTheWay(existing, tokens, changedByThisTask);
    }
    if (this.options.dryRun) return this.preview(rendered, existing);
    if (!existing) await this.options.guard?.beforeCreate();
    else if (!changedByThisTask) await this.options.guard?.beforeUpdate(existing);

    const changeSet = await this.ctx.checkpoint<CreatedChangeSet>({
      key: key('change-set'),
      fn: () => this.createChangeSet(this.renderedRequest(rendered, changeSetType(existing)), changeSetType(existing), tokens),
    });
    if (changeSet.type === 'CREATE' && !existing && (await this.isGone(changeSet.stackId!))) return 'next-attempt';
    const changes = changeSet.noChanges ? 'no-changes' : await this.waitForChangeSet(changeSet);
    if (changes === 'no-changes') return this.noChanges(rendered.stackName, changeSet);

    const startedAt = new Date(this.now());
    await this.ctx.checkpoint({ key: key('execute'), fn: () => this.execute(changeSet, tokens) });
    const final = await this.watch(rendered.stackName, changeSet, tokens, changes.length, startedAt);
    if (changeSet.type === 'CREATE' && this.options.terminationProtection) {
      await this.protect(changeSet.stackId!);
    }
    return final;
  }

  protected newTokens(attempt: number): OperationTokens {
    return {
      changeSetName: changeSetName(this.ours, attempt, token().slice(0, 8)),
      clientToken: token(),
      executeToken: token(),
      deleteToken: token(),
      cancelToken: token(),
    };
  }

  protected async describe(stackName: string): Promise<Stack | undefined> {
    try {
      return await describeStack(this.cloudformation, stackName);
    } catch (error) {
      throw new DeployError(`cannot read stack '${stackName}': ${awsErrorLine(error)}`);
    }
  }

  private async isGone(stackId: string): Promise<boolean> {
    return (await this.describe(stackId)) === undefined;
  }

  /** Only a stack that carries this deployment's tag is ever changed. */
  protected assertSameDeployment(stack: Stack, rendered: RenderedStack | string) {
    const wanted = typeof rendered === 'string' ? rendered : rendered.tags.find(t => t.Key === DEPLOYMENT_TAG)?.Value;
    const actual = stackTags(stack)[DEPLOYMENT_TAG];
    if (actual === wanted) return;
    const name = stack.StackName;
    throw new DeployError(
      actual
        ? `stack '${name}' belongs to the deployment '${actual}' (tag ${DEPLOYMENT_TAG}=${actual}), not to '${wanted}'; the portal changes a stack only for its own deployment: choose another stack name`
        : `stack '${name}' is not a Wickr data-retention deployment: it lacks the ${DEPLOYMENT_TAG} tag (${whoseStack(stack)}); the portal never changes a stack it did not deploy: choose another stack name`,
      stackConsoleUrl(stack.StackId!),
    );
  }

  /**
   * Which attempt of this task made the stack's current change set: the one it last
   * executed, or for a stack that exists only as a change set, a pending one of ours.
   */
  private async taskAttemptOf(stack: Stack): Promise<number | undefined> {
    if (stack.ChangeSetId) return this.ours.attemptOf(stack.ChangeSetId.split('/')[1] ?? '');
    if (stack.StackStatus !== 'REVIEW_IN_PROGRESS') return undefined;
    try {
      const { Summaries = [] } = await this.cloudformation.send(new ListChangeSetsCommand({ StackName: stack.StackId }));
      const attempts = Summaries.filter(s => s.StackId === stack.StackId)
        .map(s => this.ours.attemptOf(s.ChangeSetName ?? ''))
        .filter((a): a is number => a !== undefined);
      return attempts.length ? Math.max(...attempts) : undefined;
    } catch (error) {
      throw new DeployError(`cannot read the change sets of stack '${stack.StackName}': ${awsErrorLine(error)}`);
    }
  }

  /** Whether this attempt's change set exists on the stack (a retried task resumes it). */
  private async hasChangeSet(stack: Stack, tokens: OperationTokens): Promise<boolean> {
    try {
      await this.cloudformation.send(
        new DescribeChangeSetCommand({ StackName: stack.StackId, ChangeSetName: tokens.changeSetName }),
      );
      return true;
    } catch (error) {
      if (/ChangeSetNotFound/.test((error as Error).name)) return false;
      throw new DeployError(`cannot read the change sets of stack '${stack.StackName}': ${awsErrorLine(error)}`);
    }
  }

  /**
   * Makes an existing stack deployable, or explains why it is not: returns the stack
   * to update, or undefined if it was (or, in a dry run, would be) deleted to be
   * created again. A stack this task is working on is always continued.
   */
  protected async clearTheWay(stack: Stack, tokens: OperationTokens, ours: boolean): Promise<Stack | undefined> {
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
    if (ours && (category === 'in-progress' || status === 'REVIEW_IN_PROGRESS')) return stack;
    if (category === 'in-progress') {
      const since = (stack.LastUpdatedTime ?? stack.CreationTime)?.toISOString();
      const running = stack.ChangeSetId ? ` (change set ${stack.ChangeSetId.split('/')[1]})` : '';
      throw new DeployError(
        `stack '${name}' is busy: ${status} since ${since}${running}; wait for it to finish, then deploy again`,
        stackConsoleUrl(stack.StackId!),
      );
    }
    if (!ours) {
      throw new DeployError(
        `stack '${name}' is ${status}: an earlier deployment that was not this task's left it never created; the portal deletes only what this task created. Delete it with \`aws cloudformation delete-stack --stack-name ${name} --region ${this.options.region}\` (after checking nobody's change set is pending), then deploy again`,
        stackConsoleUrl(stack.StackId!),
      );
    }
    const why = `stack ${name} is ${status}: this task's creation of it failed and it holds nothing`;
    if (this.options.dryRun) {
      this.ctx.logger.info(`Dry run: ${why}; it would be deleted and created again`);
    } else {
      this.ctx.logger.info(`${why}; deleting it to create it again`);
      await this.deleteStack(stack, tokens);
    }
    return undefined;
  }

  private async deleteStack(stack: Stack, tokens: OperationTokens) {
    await this.ctx.checkpoint({
      key: `delete-${stack.StackId!.split('/').pop()}`,
      fn: async () => {
        await this.cloudformation
          .send(new DeleteStackCommand({ StackName: stack.StackId, ClientRequestToken: tokens.deleteToken }))
          .catch(error => {
            throw new DeployError(`could not delete stack '${stack.StackName}': ${awsErrorLine(error)}`);
          });
      },
    });
    const schedule = new PollSchedule({ random: this.random });
    for (;;) {
      const current = await this.describe(stack.StackId!);
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

  protected async createChangeSet(
    request: ChangeSetRequest,
    type: 'CREATE' | 'UPDATE',
    tokens: OperationTokens,
  ): Promise<CreatedChangeSet> {
    this.ctx.logger.info(
      `Creating change set ${tokens.changeSetName} to ${type === 'CREATE' ? 'create' : 'update'} stack ${request.stackName}`,
    );
    try {
      const created = await this.cloudformation.send(
        new CreateChangeSetCommand({
          StackName: request.stackName,
          ChangeSetName: tokens.changeSetName,
          ChangeSetType: type,
          ClientToken: tokens.clientToken,
          ...(request.templateBody ? { TemplateBody: request.templateBody } : { UsePreviousTemplate: true }),
          Parameters: request.parameters,
          ...(request.tags && { Tags: request.tags }),
          Capabilities: [...CAPABILITIES],
          RoleARN: this.options.roleArn,
          Description: DESCRIPTION,
        }),
      );
      return { id: created.Id, stackId: created.StackId, type };
    } catch (error) {
      if (isNoChanges(error)) return { type, noChanges: true };
      throw new DeployError(
        `could not create a change set for stack '${request.stackName}': ${awsErrorLine(error)}; retry the task to try again (it sends the same change set name and client token, so CloudFormation never makes a second one)`,
      );
    }
  }

  /** The change set of a rendered deployment: its template, parameters and tags, with BotRunning as asked. */
  private renderedRequest(rendered: RenderedStack, type: 'CREATE' | 'UPDATE'): ChangeSetRequest {
    return {
      stackName: rendered.stackName,
      templateBody: rendered.templateBody,
      parameters: [...rendered.parameters, botRunningParameter(this.options.botRunning, type === 'UPDATE')],
      tags: rendered.tags,
    };
  }

  protected async describeChangeSet(id: string): Promise<DescribeChangeSetCommandOutput> {
    try {
      return await this.cloudformation.send(new DescribeChangeSetCommand({ ChangeSetName: id }));
    } catch (error) {
      throw new DeployError(`cannot read change set ${changeSetNameOf(id)}: ${awsErrorLine(error)}${NOT_EXECUTED}`);
    }
  }

  /** Waits for the change set; returns its changes, or 'no-changes'. */
  protected async waitForChangeSet(changeSet: CreatedChangeSet): Promise<Change[] | 'no-changes'> {
    const schedule = new PollSchedule({ random: this.random, maxMs: 10_000 });
    for (;;) {
      const described = await this.describeChangeSet(changeSet.id!);
      if (described.Status === 'FAILED') {
        if (isNoChanges(described.StatusReason)) return 'no-changes';
        throw new DeployError(
          `change set for stack '${described.StackName}' failed: ${described.StatusReason}`,
          stackConsoleUrl(changeSet.stackId!),
        );
      }
      // A change set of parameter values alone lists no resource changes and still must run.
      if (described.Status === 'CREATE_COMPLETE') {
        return described.NextToken ? changeSetChanges(this.cloudformation, changeSet.id!) : described.Changes ?? [];
      }
      this.throwIfStopped('the change set was being created');
      await this.sleep(schedule.next('idle'), this.ctx.signal);
    }
  }

  private async noChanges(stackName: string, changeSet: CreatedChangeSet): Promise<DeployResult> {
    this.ctx.logger.info(`No changes: stack ${stackName} already matches the template and parameters`);
    if (changeSet.id) {
      await this.cloudformation
        .send(new DeleteChangeSetCommand({ ChangeSetName: changeSet.id }))
        .catch(error => this.ctx.logger.warn(`Could not delete the empty change set: ${awsErrorLine(error)}`));
    }
    const stack = await this.describe(stackName);
    return this.result(stack!, { noChanges: true });
  }

  /**
   * Executes the change set. Resources created by a failed operation are deleted on
   * rollback (RetainExceptOnCreate), so a failed first creation leaves no retained
   * bucket, key or file system behind to block the next attempt.
   */
  protected async execute(changeSet: CreatedChangeSet, tokens: OperationTokens) {
    this.ctx.logger.info(`Executing change set ${tokens.changeSetName}`);
    try {
      await this.cloudformation.send(
        new ExecuteChangeSetCommand({
          ChangeSetName: changeSet.id,
          ClientRequestToken: tokens.executeToken,
          RetainExceptOnCreate: true,
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'InvalidChangeSetStatusException' && (error as Error).name !== 'InvalidChangeSetStatus') {
        throw new DeployError(
          `could not execute change set ${tokens.changeSetName}: ${awsErrorLine(error)}${NOT_EXECUTED}`,
          changeSet.stackId && stackConsoleUrl(changeSet.stackId),
        );
      }
      // Decide from the change set itself: executed (by this task's earlier try), or made unusable by another operation.
      const described = await this.describeChangeSet(changeSet.id!);
      if (ALREADY_RUN.has(described.ExecutionStatus ?? '')) return;
      throw new DeployError(
        `change set ${tokens.changeSetName} cannot be executed: it is ${described.ExecutionStatus}${described.StatusReason ? ` (${described.StatusReason})` : ''}; the stack changed after it was made, so run the deployment again for a new one`,
        stackConsoleUrl(changeSet.stackId!),
      );
    }
  }

  /** Follows the operation until it ends: one log line per resource event. */
  protected async watch(
    stackName: string,
    changeSet: CreatedChangeSet,
    tokens: OperationTokens,
    total: number,
    startedAt: Date,
  ): Promise<DeployResult> {
    const stackId = changeSet.stackId!;
    const feed = new StackEventFeed(this.cloudformation, stackId, { token: tokens.executeToken, startedAt });
    const schedule = new PollSchedule({ random: this.random });
    const deadline = this.now() + this.options.timeoutMs;
    const completed = new Set<string>();
    const seen: StackEvent[] = [];
    for (;;) {
      let outcome: PollOutcome = 'idle';
      let events: StackEvent[];
      try {
        events = await feed.poll();
      } catch (error) {
        throw new DeployError(
          `cannot read the events of stack '${stackName}': ${awsErrorLine(error)}; CloudFormation carries on: retry the task to keep watching`,
          stackConsoleUrl(stackId),
        );
      }
      seen.push(...events);
      for (const event of events) this.report(event, stackName, completed, total);
      if (events.length) outcome = 'events';
      const end = events.find(e => isStackEvent(e, stackName) && !e.ResourceStatus!.endsWith('_IN_PROGRESS'));
      if (end) return this.finish(stackName, stackId, seen, startedAt);
      if (this.ctx.signal?.aborted || this.now() >= deadline) {
        return this.stopWaiting(stackName, changeSet, tokens);
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
    const stack = (await this.describe(stackId).catch(error => {
      throw new DeployError(`${(error as Error).message}; the stack's operation has ended: retry the task to read how`, stackConsoleUrl(stackId));
    }))!;
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

  /** Timeout or cancellation: stop watching, and roll back an update that is still ours and running. */
  private async stopWaiting(stackName: string, changeSet: CreatedChangeSet, tokens: OperationTokens): Promise<never> {
    const stackId = changeSet.stackId!;
    const why = this.ctx.signal?.aborted
      ? 'the task was cancelled'
      : `the deployment passed its ${minutesSeconds(this.options.timeoutMs)} timeout`;
    const stack = await this.describe(stackId);
    if (stack?.StackStatus === 'UPDATE_IN_PROGRESS' && stack.ChangeSetId === changeSet.id) {
      await this.cloudformation
        .send(new CancelUpdateStackCommand({ StackName: stackId, ClientRequestToken: tokens.cancelToken }))
        .catch(error => {
          throw new DeployError(`${why}, and the update could not be cancelled: ${awsErrorLine(error)}`, stackConsoleUrl(stackId));
        });
      throw new DeployError(`${why}: cancelled the update of stack '${stackName}'; CloudFormation is rolling it back`, stackConsoleUrl(stackId));
    }
    throw new DeployError(
      `${why} while stack '${stackName}' was ${stack?.StackStatus ?? 'gone'}; CloudFormation carries on: run the task again to keep watching`,
      stackConsoleUrl(stackId),
    );
  }

  private throwIfStopped(phase: string) {
    if (this.ctx.signal?.aborted) throw new DeployError(`the task was cancelled while ${phase}`);
  }

  protected async protect(stackId: string) {
    await this.cloudformation
      .send(new UpdateTerminationProtectionCommand({ StackName: stackId, EnableTerminationProtection: true }))
      .catch(error => {
        throw new DeployError(`the stack was created, but termination protection could not be turned on: ${awsErrorLine(error)}`);
      });
    this.ctx.logger.info('Turned on termination protection');
  }

  /**
   * A dry run: what would change, worked out from the stack's current template and
   * parameters, with no change set and no other write, so it leaves nothing in AWS.
   */
  private async preview(rendered: RenderedStack, existing: Stack | undefined): Promise<DeployResult> {
    const next = parseCloudFormationTemplate(rendered.templateBody);
    if (!existing) {
      const plannedChanges = Object.entries(next.Resources).map(([id, r]) => `Add ${r.Type} ${id}`);
      this.ctx.logger.info(`Dry run: stack ${rendered.stackName} does not exist; it would be created with ${plannedChanges.length} resources`);
      plannedChanges.forEach(line => this.ctx.logger.info(`  ${line}`));
      return { status: 'NOT_CREATED', outputs: {}, consoleUrl: stacksConsoleUrl(this.options.region), plannedChanges };
    }
    let current;
    try {
      current = parseCloudFormationTemplate(await stackTemplate(this.cloudformation, existing.StackId!));
    } catch (error) {
      throw new DeployError(`cannot read the template of stack '${rendered.stackName}': ${awsErrorLine(error)}`);
    }
    const nextParameters = Object.fromEntries(rendered.parameters.map(p => [p.ParameterKey, p.ParameterValue ?? '']));
    const plan = templatePlan(current, next, stackParameterValues(existing), nextParameters);
    const plannedChanges = [...plan.parameters, ...plan.resources];
    this.ctx.logger.info(
      `Dry run: ${plannedChanges.length ? `${plan.parameters.length} parameters and ${plan.resources.length} resources would change` : 'no changes'}; CloudFormation decides replacements when it makes the change set`,
    );
    plannedChanges.forEach(line => this.ctx.logger.info(`  ${line}`));
    return { ...this.result(existing), plannedChanges, noChanges: plannedChanges.length === 0 };
  }

  protected result(stack: Stack, extra: Partial<DeployResult> = {}): DeployResult {
    return { stackId: stack.StackId, status: stack.StackStatus!, outputs: stackOutputs(stack), consoleUrl: stackConsoleUrl(stack.StackId!), ...extra };
  }
}

/** The name in a change set ARN (arn:...:changeSet/<name>/<id>), or what was given. */
function changeSetNameOf(id: string): string {
  return /:changeSet\/([^/]+)\//.exec(id)?.[1] ?? id;
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
