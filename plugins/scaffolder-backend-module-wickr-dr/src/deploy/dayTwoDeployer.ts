import {
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommandOutput,
  Stack,
  StackEvent,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  BOT_RUNNING_PARAMETER,
  ChangeSummary,
  DEPLOYMENT_TAG,
  lossIds,
  losses,
  recoveryStep,
  RenderedStack,
  renderedStackIssues,
  stackConsoleUrl,
  stackEventsConsoleUrl,
  summarizeChange,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { awsErrorLine, changeSetChanges } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { DeployError } from './awsErrors';
import { PollSchedule } from './pollSchedule';
import { describeEvent, isStackEvent, StackEventFeed } from './stackEvents';
import { CreatedChangeSet, DeployResult, StackDeployer } from './stackDeployer';

/** A change set made for review: what it would change, left for Apply. */
export interface ProposedUpdate {
  stackId: string;
  changeSetId?: string;
  changeSetName?: string;
  noChanges: boolean;
  changes: ChangeSummary[];
}

/**
 * What a change set would deploy, checked as the deploy step checks a rendered stack
 * (BotRunning aside, which the day-two steps set), tagged with the stack's deployment.
 */
function changeSetIssues(described: DescribeChangeSetCommandOutput, stack: Stack, deploymentName: string, allowedImages: readonly string[]): string[] {
  // A change set that names no tags leaves the stack's as they are (moto never reports them).
  const tags = described.Tags?.length ? described.Tags : (stack.Tags ?? []);
  const proposed: RenderedStack = {
    stackName: stack.StackName!,
    templateBody: '',
    parameters: (described.Parameters ?? [])
      .filter(p => p.ParameterKey !== BOT_RUNNING_PARAMETER)
      .map(p => ({ ParameterKey: p.ParameterKey!, ParameterValue: p.ParameterValue })),
    tags: tags.map(t => ({ Key: t.Key!, Value: t.Value ?? '' })),
  };
  const issues = renderedStackIssues(proposed, { allowedImages });
  const tagged = proposed.tags.find(t => t.Key === DEPLOYMENT_TAG)?.Value;
  const otherDeployment = !issues.some(i => i.field === 'tags') && tagged !== deploymentName;
  return [
    ...issues.map(i => i.message),
    ...(otherDeployment ? [`tags: ${DEPLOYMENT_TAG} must be ${deploymentName}, the stack's deployment; it is ${tagged}`] : []),
  ];
}

/** How a stack was torn down. */
export interface TeardownResult {
  stackId: string;
  stackName: string;
}

/**
 * The deployment's second day, on the same engine as a deployment: a change set to
 * review, the execution of exactly that change set, the bot stopped or started through
 * the stack, and the stack deleted, each only for a stack of the same deployment.
 */
export class DayTwoDeployer extends StackDeployer {
  /** Creates the change set of the rendered stack over the existing one and stops there. */
  async proposeUpdate(rendered: RenderedStack): Promise<ProposedUpdate> {
    return this.locked(rendered.stackName, async () => {
      const stack = await this.existingStack(rendered.stackName, rendered);
      const tokens = await this.ctx.checkpoint({ key: 'proposal-tokens', fn: () => this.newTokens(1) });
      const changeSet = await this.ctx.checkpoint<CreatedChangeSet>({
        key: 'proposal-change-set',
        fn: () => this.createChangeSet(this.keepBotAsItIs(rendered, stack), 'UPDATE', tokens),
      });
      const changes = changeSet.noChanges ? 'no-changes' : await this.waitForChangeSet(changeSet);
      if (changes === 'no-changes') {
        await this.discard(changeSet);
        return { stackId: stack.StackId!, noChanges: true, changes: [] };
      }
      return {
        stackId: stack.StackId!,
        changeSetId: changeSet.id,
        changeSetName: tokens.changeSetName,
        noChanges: false,
        changes: changes.map(summarizeChange),
      };
    });
  }

  /**
   * Executes exactly the change set a preview made, once the stack has not changed since
   * and every stateful loss it holds was accepted by its logical id. Its parameters and tags
   * are checked as the deploy step checks a rendered stack, images against `allowedImages`.
   */
  async applyProposal(
    stackName: string,
    deploymentName: string,
    changeSetId: string,
    acceptedLosses: readonly string[],
    allowedImages: readonly string[],
  ): Promise<DeployResult> {
    return this.locked(stackName, async () => {
      const reviewed = await this.ctx.checkpoint({
        key: 'apply-review',
        fn: async () => {
          const stack = await this.existingStack(stackName, deploymentName);
          const changeSet = await this.reviewedChangeSet(stack, changeSetId, deploymentName, allowedImages);
          const summaries = (await changeSetChanges(this.cloudformation, changeSetId)).map(summarizeChange);
          const unaccepted = lossIds(summaries).filter(id => !acceptedLosses.includes(id));
          if (unaccepted.length) {
            const lost = losses(summaries).filter(l => unaccepted.some(id => l.startsWith(`${id} `)));
            throw new DeployError(
              `the change set would lose what was not accepted: ${lost.join('; ')}; tick the acceptance that names it, or change the update`,
            );
          }
          return { changeSet, changes: summaries.length };
        },
      });
      const tokens = await this.ctx.checkpoint({ key: 'apply-tokens', fn: () => this.newTokens(1) });
      const startedAt = new Date(this.now());
      await this.ctx.checkpoint({ key: 'apply-execute', fn: () => this.execute(reviewed.changeSet, tokens) });
      return this.watch(stackName, reviewed.changeSet, tokens, reviewed.changes, startedAt);
    });
  }

  /** Stops (0 tasks) or starts (1) the bot through the stack: its template and every other value kept. */
  async setBotRunning(stackName: string, deploymentName: string, running: boolean): Promise<DeployResult> {
    return this.locked(stackName, async () => {
      const stack = await this.existingStack(stackName, deploymentName);
      const tokens = await this.ctx.checkpoint({ key: 'running-tokens', fn: () => this.newTokens(1) });
      const parameters = (stack.Parameters ?? []).map(p =>
        p.ParameterKey === BOT_RUNNING_PARAMETER
          ? { ParameterKey: p.ParameterKey, ParameterValue: String(running) }
          : { ParameterKey: p.ParameterKey!, UsePreviousValue: true },
      );
      const changeSet = await this.ctx.checkpoint<CreatedChangeSet>({
        key: 'running-change-set',
        fn: () => this.createChangeSet({ stackName, parameters }, 'UPDATE', tokens),
      });
      const changes = changeSet.noChanges ? 'no-changes' : await this.waitForChangeSet(changeSet);
      if (changes === 'no-changes') {
        this.ctx.logger.info(`The bot of stack ${stackName} is already ${running ? 'running' : 'stopped'}`);
        await this.discard(changeSet);
        return this.result(stack, { noChanges: true });
      }
      const startedAt = new Date(this.now());
      await this.ctx.checkpoint({ key: 'running-execute', fn: () => this.execute(changeSet, tokens) });
      return this.watch(stackName, changeSet, tokens, changes.length, startedAt);
    });
  }

  /**
   * Deletes the stack: termination protection off, DeleteStack with its token, followed
   * event by event; a DELETE_FAILED is explained (which resources, why) with the next step.
   */
  async tearDown(stackName: string, deploymentName: string): Promise<TeardownResult> {
    return this.locked(stackName, async () => {
      const stack = await this.describe(stackName);
      if (!stack) {
        this.ctx.logger.info(`Stack ${stackName} does not exist (any more)`);
        return { stackId: '', stackName };
      }
      this.assertSameDeployment(stack, deploymentName);
      const tokens = await this.ctx.checkpoint({ key: 'teardown-tokens', fn: () => this.newTokens(1) });
      if (stack.EnableTerminationProtection) {
        await this.cloudformation
          .send(new UpdateTerminationProtectionCommand({ StackName: stack.StackId, EnableTerminationProtection: false }))
          .catch(error => {
            throw new DeployError(`could not turn termination protection off: ${awsErrorLine(error)}`, stackConsoleUrl(stack.StackId!));
          });
        this.ctx.logger.info('Turned off termination protection');
      }
      const startedAt = new Date(this.now());
      await this.ctx.checkpoint({
        key: 'teardown-delete',
        fn: async () => {
          await this.cloudformation
            .send(new DeleteStackCommand({ StackName: stack.StackId, ClientRequestToken: tokens.deleteToken }))
            .catch(error => {
              throw new DeployError(`could not delete stack '${stackName}': ${awsErrorLine(error)}`, stackConsoleUrl(stack.StackId!));
            });
        },
      });
      this.ctx.logger.info(`Deleting stack ${stackName}`);
      await this.followDeletion(stack, tokens.deleteToken, startedAt);
      return { stackId: stack.StackId!, stackName };
    });
  }

  private async followDeletion(stack: Stack, token: string, startedAt: Date) {
    const name = stack.StackName!;
    const feed = new StackEventFeed(this.cloudformation, stack.StackId!, { token, startedAt });
    const schedule = new PollSchedule({ random: this.random });
    const seen: StackEvent[] = [];
    const deadline = this.now() + this.options.timeoutMs;
    for (;;) {
      const events = await feed.poll().catch(error => {
        throw new DeployError(`cannot read the events of stack '${name}': ${awsErrorLine(error)}; CloudFormation carries on`, stackConsoleUrl(stack.StackId!));
      });
      seen.push(...events);
      events.forEach(e => this.ctx.logger.info(describeEvent(e)));
      const end = events.find(e => isStackEvent(e, name) && !e.ResourceStatus!.endsWith('_IN_PROGRESS'));
      if (end?.ResourceStatus === 'DELETE_COMPLETE') {
        this.ctx.logger.info(`Stack ${name}: DELETE_COMPLETE`);
        return;
      }
      if (end) this.explainFailedDeletion(stack, seen);
      if (this.now() >= deadline || this.ctx.signal?.aborted) {
        throw new DeployError(`stack '${name}' is still being deleted; CloudFormation carries on: run the task again to keep watching`, stackConsoleUrl(stack.StackId!));
      }
      await this.sleep(schedule.next(events.length ? 'events' : 'idle'), this.ctx.signal);
    }
  }

  private explainFailedDeletion(stack: Stack, events: StackEvent[]): never {
    const name = stack.StackName!;
    const failed = events.filter(e => e.ResourceStatus === 'DELETE_FAILED' && !isStackEvent(e, name));
    const why = failed.length
      ? failed.map(e => `${e.LogicalResourceId} (${e.ResourceType}): ${e.ResourceStatusReason ?? 'no reason given'}`).join('; ')
      : 'no resource said why';
    throw new DeployError(
      `stack '${name}' could not be deleted (DELETE_FAILED): ${why}; next: fix what the reason says, then ${recoveryStep(name, 'DELETE_FAILED', this.options.region)}`,
      stackEventsConsoleUrl(stack.StackId!),
    );
  }

  /** The stack, which must exist, be of this deployment and not be busy (but with this task's own change) or stuck. */
  private async existingStack(stackName: string, deployment: RenderedStack | string): Promise<Stack> {
    const stack = await this.describe(stackName);
    if (!stack) throw new DeployError(`stack '${stackName}' does not exist`);
    this.assertSameDeployment(stack, deployment);
    const ours = this.ours.attemptOf(stack.ChangeSetId?.split('/')[1] ?? '') !== undefined;
    const usable = await this.clearTheWay(stack, this.newTokens(1), ours);
    return usable ?? stack;
  }

  /** A change set a preview made for this stack, still ready to run, made after the stack last changed. */
  private async reviewedChangeSet(
    stack: Stack,
    changeSetId: string,
    deploymentName: string,
    allowedImages: readonly string[],
  ): Promise<CreatedChangeSet> {
    const described = await this.describeChangeSet(changeSetId);
    const again = 'run the preview again for a new one';
    if (described.StackId !== stack.StackId || !described.ChangeSetName?.startsWith('wickr-dr-')) {
      throw new DeployError(`change set ${changeSetId} is not a preview of stack '${stack.StackName}' made by the portal`);
    }
    // A name is no proof: anyone who may create change sets on the stack can choose one.
    const issues = changeSetIssues(described, stack, deploymentName, allowedImages);
    if (issues.length) {
      throw new DeployError(
        `change set ${described.ChangeSetName} is not one the portal may apply to stack '${stack.StackName}': ${issues.join('; ')}; nothing was changed`,
      );
    }
    if (described.ExecutionStatus !== 'AVAILABLE' || described.Status !== 'CREATE_COMPLETE') {
      throw new DeployError(
        `the previewed change set ${described.ChangeSetName} cannot be applied: it is ${described.ExecutionStatus} (${described.Status}${described.StatusReason ? `, ${described.StatusReason}` : ''}); the stack changed since the preview, or it was applied already: ${again}`,
      );
    }
    const changedAt = (stack.LastUpdatedTime ?? stack.CreationTime)?.getTime() ?? 0;
    if (described.CreationTime && changedAt > described.CreationTime.getTime()) {
      throw new DeployError(
        `stack '${stack.StackName}' changed at ${new Date(changedAt).toISOString()}, after the preview (${described.CreationTime.toISOString()}): ${again}`,
      );
    }
    return { id: changeSetId, stackId: stack.StackId, type: 'UPDATE' };
  }

  /** The rendered stack with BotRunning as the stack has it now. */
  private keepBotAsItIs(rendered: RenderedStack, stack: Stack) {
    const running = stack.Parameters?.some(p => p.ParameterKey === BOT_RUNNING_PARAMETER);
    return {
      stackName: rendered.stackName,
      templateBody: rendered.templateBody,
      parameters: [
        ...rendered.parameters,
        running ? { ParameterKey: BOT_RUNNING_PARAMETER, UsePreviousValue: true } : { ParameterKey: BOT_RUNNING_PARAMETER, ParameterValue: 'false' },
      ],
      tags: rendered.tags,
    };
  }

  private async discard(changeSet: CreatedChangeSet) {
    if (!changeSet.id) return;
    await this.cloudformation
      .send(new DeleteChangeSetCommand({ ChangeSetName: changeSet.id }))
      .catch(error => this.ctx.logger.warn(`Could not delete the empty change set: ${awsErrorLine(error)}`));
  }
}
