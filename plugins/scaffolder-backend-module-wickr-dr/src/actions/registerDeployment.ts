import fs from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DEPLOYED_TOPIC,
  DEPLOYMENT_TAG,
  DeployedEvent,
  deploymentEntity,
  deploymentEntityName,
  OWNER_TAG,
  SYSTEM_TAG,
} from '@internal/plugin-wickr-dr-common';
import { stringify } from 'yaml';
import type { z as zod } from 'zod/v3';
import { examples } from './registerDeployment.examples';
import { targetFields } from './targetSchema';

export const REGISTER_ACTION_ID = 'wickr-dr:catalog:register';

export interface RegisterDeploymentActionOptions {
  catalog: CatalogService;
  events: EventsService;
  /** How often to look for the entity while waiting for it. */
  pollMs?: number;
}

/** The entity as a repository would hold it: the catalog adds the location annotations. */
function catalogInfo(entity: ReturnType<typeof deploymentEntity>) {
  const annotations = { ...entity.metadata.annotations };
  delete annotations['backstage.io/managed-by-location'];
  delete annotations['backstage.io/managed-by-origin-location'];
  return stringify({ ...entity, metadata: { ...entity.metadata, annotations } });
}

/**
 * Makes a new deployment appear in the catalog at once: tells discovery to look at the
 * stack's account and region now (instead of at its next scheduled run) and waits for
 * the entity. Also writes the entity as catalog-info.yaml into the workspace, for
 * teams that publish it to a repository.
 */
export function createRegisterDeploymentAction(options: RegisterDeploymentActionOptions) {
  return createTemplateAction({
    id: REGISTER_ACTION_ID,
    description:
      'Registers a deployed Wickr data-retention stack in the catalog at once, and writes its catalog-info.yaml into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        stackId: (z: typeof zod) =>
          z.string({ description: 'The stack ARN, from wickr-dr:stack:deploy (absent only in a dry run of a new stack).' }).optional(),
        deployName: (z: typeof zod) => z.string({ description: 'The deployment name.' }),
        owner: (z: typeof zod) => z.string({ description: 'The entity ref of the owning group.' }),
        system: (z: typeof zod) => z.string({ description: 'The entity ref of the system (optional).' }).optional(),
        outputs: (z: typeof zod) =>
          z.record(z.string(), { description: 'The stack outputs, from wickr-dr:stack:deploy.' }).optional(),
        waitSeconds: (z: typeof zod) =>
          z.number({ description: 'How long to wait for the entity to appear. Default: 60.' }).int().min(0).max(600).optional(),
      },
      output: {
        entityRef: (z: typeof zod) => z.string({ description: 'The entity ref of the deployment.' }),
        registered: (z: typeof zod) => z.boolean({ description: 'Whether the entity appeared in the catalog in time.' }),
      },
    },
    async handler(ctx) {
      const { stackId, stackName, region, accountId, deployName, owner, system, outputs = {}, waitSeconds = 60 } = ctx.input;
      if (!stackId) {
        if (!ctx.isDryRun) throw new InputError('stackId: must be the ARN of the deployed stack, from wickr-dr:stack:deploy');
        const entityRef = `resource:default/${deploymentEntityName(deployName, region)}`;
        ctx.logger.info(`Dry run: ${entityRef} would be registered once the stack exists`);
        ctx.output('entityRef', entityRef);
        ctx.output('registered', false);
        return;
      }
      const entity = deploymentEntity(
        {
          stackArn: stackId,
          stackName,
          tags: { [DEPLOYMENT_TAG]: deployName, [OWNER_TAG]: owner, ...(system && { [SYSTEM_TAG]: system }) },
          outputs,
        },
        { location: 'url:catalog-info.yaml', defaultOwner: owner },
      );
      const entityRef = stringifyEntityRef(entity);
      await fs.writeFile(resolveSafeChildPath(ctx.workspacePath, 'catalog-info.yaml'), catalogInfo(entity));
      ctx.output('entityRef', entityRef);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: ${entityRef} would be registered; wrote catalog-info.yaml`);
        ctx.output('registered', false);
        return;
      }
      const event: DeployedEvent = { accountId, region, stackName };
      await options.events.publish({ topic: DEPLOYED_TOPIC, eventPayload: event });
      ctx.logger.info(`Asked discovery to look at ${accountId ?? 'the main account'}/${region}; waiting for ${entityRef}`);

      const credentials = await ctx.getInitiatorCredentials();
      const deadline = Date.now() + waitSeconds * 1000;
      for (;;) {
        if (await options.catalog.getEntityByRef(entityRef, { credentials })) {
          ctx.logger.info(`${entityRef} is in the catalog`);
          ctx.output('registered', true);
          return;
        }
        if (Date.now() >= deadline || ctx.signal?.aborted) break;
        await new Promise(r => setTimeout(r, options.pollMs ?? 1000));
      }
      ctx.logger.warn(
        `${entityRef} did not appear within ${waitSeconds} s: check that catalog.providers.wickrDr looks at ${accountId ?? 'the main account'}/${region}; discovery adds it at its next run`,
      );
      ctx.output('registered', false);
    },
  });
}
