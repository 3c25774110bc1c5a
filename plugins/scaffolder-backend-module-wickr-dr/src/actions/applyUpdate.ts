import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { deploymentFieldRules, deploymentUpdatePermission } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { z as zod } from 'zod/v3';
import { DayTwoActionOptions, dayTwoDeployer, initiator } from './dayTwo';
import { examples } from './applyUpdate.examples';
import { recorded } from './operationRecorder';
import { holdingStack } from '../deploy/stackLocks';

export const APPLY_ACTION_ID = 'wickr-dr:stack:apply';

const CHANGE_SET_ID = new RegExp(deploymentFieldRules.changeSetId.pattern);

export interface ApplyUpdateActionOptions extends DayTwoActionOptions {
  /** Images a change set may run: `wickrDr.allowedImages`. */
  allowedImages: readonly string[];
}

/** The logical ids a user accepted to lose: the field lists them, and the box must be ticked. */
function acceptedLosses(acceptLoss: boolean, losses: string | undefined): string[] {
  if (!acceptLoss) return [];
  return (losses ?? '').split(',').map(id => id.trim()).filter(Boolean);
}

/**
 * Executes exactly the change set a preview made, and only if the stack has not changed
 * since; a replacement or removal of a stateful resource runs only when the user ticked
 * the acceptance that names it. Followed to the end like a deployment.
 */
export function createApplyUpdateAction(options: ApplyUpdateActionOptions) {
  return createTemplateAction({
    id: APPLY_ACTION_ID,
    description: 'Applies a previewed change set of a Wickr data-retention deployment, if the stack has not changed since and its stateful losses were accepted.',
    examples,
    schema: {
      input: {
        deployment: (z: typeof zod) => z.string({ description: 'The entity ref of the deployment.' }),
        changeSetId: (z: typeof zod) => z.string({ description: 'The change set the preview made (its ARN), from the preview task.' }),
        losses: (z: typeof zod) =>
          z.string({ description: 'The logical ids of the stateful resources the change would replace or remove, comma-separated, as the preview listed them.' }).optional(),
        acceptLoss: (z: typeof zod) =>
          z.boolean({ description: 'The user accepts losing what those resources hold. Without it, a change set with such losses is refused. Default: false.' }).optional(),
      },
      output: {
        status: (z: typeof zod) => z.string({ description: 'The stack status at the end.' }),
        stackId: (z: typeof zod) => z.string({ description: 'The stack ARN.' }).optional(),
      },
    },
    async handler(ctx) {
      const { changeSetId, acceptLoss = false } = ctx.input;
      if (!CHANGE_SET_ID.test(changeSetId)) {
        throw new InputError(`changeSetId: must be ${deploymentFieldRules.changeSetId.rule}; got ${JSON.stringify(changeSetId.slice(0, 200))}`);
      }
      const credentials = await ctx.getInitiatorCredentials();
      const { entityRef, target } = await options.access.resolve(credentials, ctx.input.deployment, deploymentUpdatePermission);
      const deployer = await dayTwoDeployer(ctx, options, target);
      const accepted = acceptedLosses(acceptLoss, ctx.input.losses);
      const apply = () => deployer.applyProposal(target.stackName, target.deploymentName, changeSetId, accepted, options.allowedImages);
      const result = await recorded(
        options.recorder,
        entityRef,
        { operation: 'apply', by: initiator(ctx), taskId: ctx.task.id, detail: changeSetId.split('/')[1] },
        // The template's only step: the stack is given up when it ends.
        () => holdingStack(options.locks, ctx, target, apply, { release: true }),
        r => `${r.status}`,
      );
      ctx.output('status', result.status);
      if (result.stackId) ctx.output('stackId', result.stackId);
    },
  });
}
