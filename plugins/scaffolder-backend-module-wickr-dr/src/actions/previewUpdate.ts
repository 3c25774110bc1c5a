import { parseEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  changeLine,
  DAY_TWO_TEMPLATES,
  deploymentUpdatePermission,
  lossIds,
  losses,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { z as zod } from 'zod/v3';
import { DayTwoActionOptions, dayTwoDeployer, initiator } from './dayTwo';
import { checkedRenderedStack } from './deployStack';
import { recorded } from './operationRecorder';
import { examples } from './previewUpdate.examples';
import { holdingStack } from '../deploy/stackLocks';

export const PREVIEW_ACTION_ID = 'wickr-dr:stack:preview';

export interface PreviewUpdateActionOptions extends DayTwoActionOptions {
  allowedImages: readonly string[];
}

/** The apply template's page, pre-filled with the deployment, the change set and what it would lose. */
export function applyUrl(entityRef: string, changeSetId: string, lossIdsToAccept: string[]): string {
  const formData = { deployment: entityRef, changeSetId, losses: lossIdsToAccept.join(', ') };
  return `/create/templates/default/${DAY_TWO_TEMPLATES.apply}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
}

/**
 * Creates the change set of an update and stops: the log and the output list every
 * resource change (add, modify, remove; replacement; the properties), stateful resources
 * marked, and what replacing or removing them would lose. Nothing is executed; the
 * output links to the apply template for exactly this change set.
 */
export function createPreviewUpdateAction(options: PreviewUpdateActionOptions) {
  return createTemplateAction({
    id: PREVIEW_ACTION_ID,
    description: "Previews an update of a Wickr data-retention deployment: makes its change set, lists every change and what it would lose, executes nothing.",
    examples,
    schema: {
      input: {
        deployment: (z: typeof zod) => z.string({ description: 'The entity ref of the deployment.' }),
        renderedPath: (z: typeof zod) =>
          z.string({ description: 'The workspace folder wickr-dr:deployment:render wrote into. Default: stack.' }).optional(),
      },
      output: {
        changeSetId: (z: typeof zod) => z.string({ description: 'The change set made; empty when nothing would change.' }).optional(),
        changes: (z: typeof zod) => z.array(z.string(), { description: 'Every resource change, one line each, stateful ones marked.' }),
        losses: (z: typeof zod) => z.array(z.string(), { description: 'What replacing or removing stateful resources would lose.' }),
        noChanges: (z: typeof zod) => z.boolean({ description: 'Nothing would change.' }),
        applyUrl: (z: typeof zod) =>
          z.string({ description: "The apply template, pre-filled for exactly this change set; the deployment's page when nothing would change." }),
      },
    },
    async handler(ctx) {
      const { renderedPath = 'stack' } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const { entityRef, target } = await options.access.resolve(credentials, ctx.input.deployment, deploymentUpdatePermission);
      const rendered = await checkedRenderedStack(ctx.workspacePath, renderedPath, target.stackName, options.allowedImages);
      const deployer = await dayTwoDeployer(ctx, options, target);
      const proposal = await recorded(
        options.recorder,
        entityRef,
        { operation: 'preview', by: initiator(ctx), taskId: ctx.task.id },
        // The update template's last step: the stack is given up when it ends.
        () => holdingStack(options.locks, ctx, target, () => deployer.proposeUpdate(rendered), { release: true }),
        p => (p.noChanges ? 'no changes' : `${p.changes.length} resource changes, ${losses(p.changes).length} stateful losses`),
      );
      const lines = proposal.changes.map(changeLine);
      const lost = losses(proposal.changes);
      ctx.logger.info(proposal.noChanges ? 'No changes: the stack already matches' : `${lines.length} resources would change:`);
      lines.forEach(line => ctx.logger.info(`  ${line}`));
      if (lost.length) {
        ctx.logger.warn(`Applying it would lose what stateful resources hold; the apply step refuses unless each is accepted:`);
        lost.forEach(line => ctx.logger.warn(`  ${line}`));
      }
      ctx.output('changes', lines);
      ctx.output('losses', lost);
      ctx.output('noChanges', proposal.noChanges);
      if (proposal.changeSetId) ctx.output('changeSetId', proposal.changeSetId);
      // With nothing to apply, the link goes back to the deployment.
      const { namespace, name } = parseEntityRef(entityRef);
      ctx.output(
        'applyUrl',
        proposal.changeSetId ? applyUrl(entityRef, proposal.changeSetId, lossIds(proposal.changes)) : `/catalog/${namespace}/resource/${name}`,
      );
    },
  });
}
