import fs from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { parse as parseArn } from '@aws-sdk/util-arn-parser';
import type { Entity } from '@backstage/catalog-model';
import {
  accountNotAllowed,
  AllowedAccounts,
  DEPLOYED_TOPIC,
  DEPLOYMENT_TAG,
  DeployedEvent,
  deploymentEntity,
  deploymentEntityName,
  deploymentTarget,
  OWNER_TAG,
  readDeploymentTags,
  SYSTEM_TAG,
  UntrustedDeploymentError,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { stringify } from 'yaml';
import type { z as zod } from 'zod/v3';
import { examples } from './registerDeployment.examples';
import { targetFields } from './targetSchema';
import { StackLocks } from '../deploy/stackLocks';

export const REGISTER_ACTION_ID = 'wickr-dr:catalog:register';

export interface RegisterDeploymentActionOptions {
  catalog: CatalogService;
  events: EventsService;
  /** The accounts the portal may act in. */
  accounts: AllowedAccounts;
  /** Which task may write a stack: a deployment's first step takes it, its last gives it up. */
  locks: StackLocks;
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

/** The stack ARN, checked against the stack name, region and account the step was given. */
function checkStackId(stackId: string, stackName: string, region: string, accountId?: string) {
  let arn;
  try {
    arn = parseArn(stackId);
  } catch {
    throw new InputError(`stackId: must be the ARN of the deployed stack, from wickr-dr:stack:deploy; got ${JSON.stringify(stackId)}`);
  }
  const [kind, name] = arn.resource.split('/');
  const problems: Array<[boolean, string]> = [
    [arn.service !== 'cloudformation' || kind !== 'stack', 'is not a CloudFormation stack ARN'],
    [name !== stackName, `names stack ${name}, not ${stackName}`],
    [arn.region !== region, `is in ${arn.region}, not ${region}`],
    [Boolean(accountId) && arn.accountId !== accountId, `is in account ${arn.accountId}, not ${accountId}`],
  ];
  const problem = problems.find(([broken]) => broken)?.[1];
  if (problem) throw new InputError(`stackId: ${stackId} ${problem}`);
  return arn.accountId;
}

/** The catalog's entity for the stack: discovered by the portal, for exactly this stack; undefined while it is not there. */
function checkRegistered(found: Entity | undefined, stackId: string, accounts: AllowedAccounts, ref: string) {
  if (!found) return false;
  try {
    const target = deploymentTarget(found, accounts);
    if (target.stackArn !== stackId) throw new UntrustedDeploymentError(ref, `it is the entity of stack ${target.stackArn}, not of ${stackId}`);
  } catch (error) {
    if (error instanceof UntrustedDeploymentError) throw new InputError(`the catalog's ${error.message}`);
    throw error;
  }
  return true;
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
      const refused = accountNotAllowed(accountId, options.accounts);
      if (refused) throw new InputError(refused);
      const tags = { [DEPLOYMENT_TAG]: deployName, [OWNER_TAG]: owner, ...(system && { [SYSTEM_TAG]: system }) };
      const checked = readDeploymentTags(tags);
      if (!checked.valid) throw new InputError(checked.problem.replace(DEPLOYMENT_TAG, 'deployName').replace(OWNER_TAG, 'owner').replace(SYSTEM_TAG, 'system'));
      if (!stackId) {
        if (!ctx.isDryRun) throw new InputError('stackId: must be the ARN of the deployed stack, from wickr-dr:stack:deploy');
        const entityRef = `resource:default/${deploymentEntityName(deployName, accountId ?? 'main', region)}`;
        ctx.logger.info(`Dry run: ${entityRef} would be registered once the stack exists`);
        ctx.output('entityRef', entityRef);
        ctx.output('registered', false);
        return;
      }
      // The deployment's last step: the stack is free for another task once it is registered.
      try {
        checkStackId(stackId, stackName, region, accountId);
        const entity = deploymentEntity(
          {
            stackArn: stackId,
            stackName,
            tags,
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
          if (checkRegistered(await options.catalog.getEntityByRef(entityRef, { credentials }), stackId, options.accounts, entityRef)) {
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
      } finally {
        if (!ctx.isDryRun) await options.locks.release({ stackName, region, accountId }, ctx.task.id);
      }
    },
  });
}
