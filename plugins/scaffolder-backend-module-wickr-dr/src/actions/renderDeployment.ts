import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  accountNotAllowed,
  AllowedAccounts,
  DeploymentValidationError,
  OWNER_TAG,
  renderedStackIssues,
  renderStack,
  SYSTEM_TAG,
  StackParameterDefinition,
  stackParameters,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { z as zod } from 'zod/v3';
import { examples } from './renderDeployment.examples';
import { targetFields } from './targetSchema';

export const RENDER_ACTION_ID = 'wickr-dr:deployment:render';
const DEFAULT_TEMPLATE = 'cloudformation/wickr-dr-bot.yaml';
const DEFAULT_TARGET = 'stack';

/** One input field per template parameter, described from parameters.ts. */
function parameterField(def: StackParameterDefinition) {
  const description = `${def.description} Must be ${def.rule}.${def.default !== undefined ? ` Default: ${JSON.stringify(def.default)}.` : ''}`;
  return (z: typeof zod) =>
    def.type === 'Number'
      ? z.union([z.number(), z.string()], { description }).optional()
      : z.string({ description }).optional();
}

const parameterFields = Object.fromEntries(
  (stackParameters as readonly StackParameterDefinition[]).map(def => [def.field, parameterField(def)]),
) as Record<(typeof stackParameters)[number]['field'], ReturnType<typeof parameterField>>;

export interface RenderDeploymentActionOptions {
  /** The accounts the portal may deploy to. */
  accounts: AllowedAccounts;
  /** Images a deployment may run: `wickrDr.allowedImages`. */
  allowedImages: readonly string[];
}

/** The form's words for what the rendered stack calls tags. */
const formField = (message: string) =>
  message.replace(`tags: ${OWNER_TAG} `, 'owner: ').replace(`tags: ${SYSTEM_TAG} `, 'system: ');

/**
 * Validates a deployment's parameters with the template's own rules and renders
 * the CloudFormation template, its parameters and its tags into the workspace,
 * for `wickr-dr:stack:deploy`. No AWS call; runs in dry runs too. Refuses an
 * account the portal is not configured for and an image that is not allowed.
 */
export function createRenderDeploymentAction(options: RenderDeploymentActionOptions) {
  return createTemplateAction({
    id: RENDER_ACTION_ID,
    description:
      'Validates a Wickr data-retention deployment and renders its CloudFormation template, parameters and tags into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetFields,
        owner: (z: typeof zod) =>
          z.string({ description: 'The entity ref of the owning group; becomes the stack tag wickr-dr:owner.' }).optional(),
        system: (z: typeof zod) =>
          z.string({ description: 'The entity ref of the system the deployment belongs to; becomes the stack tag wickr-dr:system.' }).optional(),
        networkId: (z: typeof zod) =>
          z.string({ description: "The bot's AWS Wickr network (8 digits), when known; becomes the stack tag wickr-dr:network." }).optional(),
        ...parameterFields,
        templatePath: (z: typeof zod) =>
          z.string({ description: `The CloudFormation template in the workspace. Default: ${DEFAULT_TEMPLATE}.` }).optional(),
        targetPath: (z: typeof zod) =>
          z.string({ description: `The workspace folder to render into. Default: ${DEFAULT_TARGET}.` }).optional(),
      },
      output: {
        stackName: (z: typeof zod) => z.string({ description: 'The stack to deploy.' }),
        deployName: (z: typeof zod) => z.string({ description: 'The deployment name.' }),
        targetPath: (z: typeof zod) =>
          z.string({ description: 'The workspace folder holding template.json, parameters.json and tags.json.' }),
      },
    },
    async handler(ctx) {
      const { templatePath = DEFAULT_TEMPLATE, targetPath = DEFAULT_TARGET, ...input } = ctx.input;
      ctx.logger.info(`Rendering deployment ${input.deployName} for stack ${input.stackName} in ${input.region}`);
      const templateFile = resolveSafeChildPath(ctx.workspacePath, templatePath);
      const templateText = await fs.readFile(templateFile, 'utf8').catch(() => {
        throw new InputError(`templatePath: no CloudFormation template at ${templatePath} in the workspace; fetch it first (fetch:plain)`);
      });
      const refused = accountNotAllowed(input.accountId, options.accounts);
      if (refused) throw new InputError(refused);
      let rendered;
      try {
        rendered = renderStack(templateText, input);
      } catch (error) {
        if (error instanceof DeploymentValidationError) throw new InputError(error.message);
        throw error;
      }
      const issues = renderedStackIssues(rendered, { allowedImages: options.allowedImages });
      if (issues.length) {
        throw new InputError(`The deployment's parameters are not valid:\n${issues.map(i => `- ${formField(i.message)}`).join('\n')}`);
      }
      const target = resolveSafeChildPath(ctx.workspacePath, targetPath);
      await fs.mkdir(target, { recursive: true });
      await Promise.all([
        fs.writeFile(path.join(target, 'template.json'), rendered.templateBody),
        fs.writeFile(path.join(target, 'parameters.json'), `${JSON.stringify(rendered.parameters, null, 2)}\n`),
        fs.writeFile(path.join(target, 'tags.json'), `${JSON.stringify(rendered.tags, null, 2)}\n`),
      ]);
      ctx.logger.info(
        `Rendered ${rendered.parameters.length} parameters and ${Buffer.byteLength(rendered.templateBody)} bytes of template into ${targetPath}/`,
      );
      ctx.output('stackName', rendered.stackName);
      ctx.output('deployName', String(input.deployName));
      ctx.output('targetPath', targetPath);
    },
  });
}
