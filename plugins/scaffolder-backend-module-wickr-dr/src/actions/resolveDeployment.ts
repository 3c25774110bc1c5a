import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { deploymentReadPermission, OWNER_TAG, SYSTEM_TAG } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients, awsErrorLine, describeStack, stackParameterValues, stackTags } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { z as zod } from 'zod/v3';
import { DeploymentAccess } from './deploymentAccess';
import { examples } from './resolveDeployment.examples';

export const RESOLVE_ACTION_ID = 'wickr-dr:deployment:resolve';

/**
 * The deployment a day-two form names, as the later steps need it: its stack, account,
 * region, names and tags, from the entity discovery made and the stack itself. Checks
 * that the entity is a discovered deployment in a configured account the user may read.
 */
export function createResolveDeploymentAction(options: { awsClients: AwsClients; access: DeploymentAccess }) {
  return createTemplateAction({
    id: RESOLVE_ACTION_ID,
    description: "Resolves a Wickr data-retention deployment's entity to its stack, account, region, names and tags, for the day-two templates.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        deployment: (z: typeof zod) => z.string({ description: 'The entity ref of the deployment (resource:default/<name>), from an EntityPicker.' }),
      },
      output: {
        entityRef: (z: typeof zod) => z.string({ description: "The deployment's entity ref." }),
        stackName: (z: typeof zod) => z.string({ description: 'The CloudFormation stack.' }),
        region: (z: typeof zod) => z.string({ description: 'The AWS Region of the stack.' }),
        accountId: (z: typeof zod) => z.string({ description: 'The account of the stack as configured; empty for the main account.' }).optional(),
        deployName: (z: typeof zod) => z.string({ description: 'The deployment name.' }),
        owner: (z: typeof zod) => z.string({ description: 'The owner tag of the stack.' }).optional(),
        system: (z: typeof zod) => z.string({ description: 'The system tag of the stack.' }).optional(),
        networkId: (z: typeof zod) => z.string({ description: "The bot's Wickr network, when the stack names one." }).optional(),
        botName: (z: typeof zod) => z.string({ description: "The stack's BotName parameter." }),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      const { entityRef, target } = await options.access.resolve(credentials, ctx.input.deployment, deploymentReadPermission);
      let stack;
      try {
        stack = await describeStack(await options.awsClients.get(CloudFormationClient, target), target.stackArn);
      } catch (error) {
        throw new Error(`cannot read stack '${target.stackName}': ${awsErrorLine(error)}`);
      }
      if (!stack) throw new Error(`the stack of ${entityRef} (${target.stackName}) does not exist any more`);
      const tags = stackTags(stack);
      ctx.logger.info(`${entityRef} is stack ${target.stackName} in ${target.accountId ?? 'the main account'}, ${target.region}`);
      ctx.output('entityRef', entityRef);
      ctx.output('stackName', target.stackName);
      ctx.output('region', target.region);
      if (target.accountId) ctx.output('accountId', target.accountId);
      ctx.output('deployName', target.deploymentName);
      if (tags[OWNER_TAG]) ctx.output('owner', tags[OWNER_TAG]);
      if (tags[SYSTEM_TAG]) ctx.output('system', tags[SYSTEM_TAG]);
      if (target.networkId) ctx.output('networkId', target.networkId);
      ctx.output('botName', stackParameterValues(stack).BotName ?? '');
    },
  });
}
