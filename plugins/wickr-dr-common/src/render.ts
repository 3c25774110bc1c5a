import { CloudFormationTemplate, parseCloudFormationTemplate } from './cloudformationYaml';
import {
  BOT_RUNNING_PARAMETER,
  StackParameterDefinition,
  stackParameters,
} from './parameters';
import { templateParameterDifferences } from './templateParameters';
import { assertValidDeployment, DeploymentInput, toWholeNumber } from './validation';

/** CloudFormation's limit for a template sent in the request body. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Stack tags: CloudFormation copies them onto every resource that takes tags. */
export const DEPLOYMENT_TAG = 'wickr-dr:deployment';
export const OWNER_TAG = 'wickr-dr:owner';
export const SYSTEM_TAG = 'wickr-dr:system';
/** The AWS Wickr network the bot belongs to, when the portal knows it (8 digits). */
export const NETWORK_TAG = 'wickr-dr:network';

export interface StackParameter {
  ParameterKey: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export interface StackTag {
  Key: string;
  Value: string;
}

export interface RenderedStack {
  stackName: string;
  /** The template as compact JSON: no comments, smallest body to send. */
  templateBody: string;
  parameters: StackParameter[];
  tags: StackTag[];
}

/**
 * Whether the bot should run after this deployment: `false` on a first deployment
 * (its password is not in the secret yet), `true` to start it, `keep` to leave an
 * existing stack as it is (a new stack starts with the bot stopped).
 */
export type BotRunning = boolean | 'keep';

/** The BotRunning parameter for a deployment, once it is known whether the stack exists. */
export function botRunningParameter(botRunning: BotRunning, stackExists: boolean): StackParameter {
  if (botRunning === 'keep') {
    return stackExists
      ? { ParameterKey: BOT_RUNNING_PARAMETER, UsePreviousValue: true }
      : { ParameterKey: BOT_RUNNING_PARAMETER, ParameterValue: 'false' };
  }
  return { ParameterKey: BOT_RUNNING_PARAMETER, ParameterValue: String(botRunning) };
}

function parameterValue(value: unknown, fallback: string | number | undefined, type: string) {
  const given = value === undefined || value === null || value === '' ? fallback : value;
  return type === 'Number' ? String(toWholeNumber(given)) : String(given ?? '');
}

function renderParameters(input: DeploymentInput): StackParameter[] {
  const definitions: readonly StackParameterDefinition[] = stackParameters;
  return definitions.map(def => ({
    ParameterKey: def.name,
    ParameterValue: parameterValue(input[def.field], def.default, def.type),
  }));
}

function renderTags(input: DeploymentInput): StackTag[] {
  return [
    { Key: DEPLOYMENT_TAG, Value: String(input.deployName) },
    ...(input.owner ? [{ Key: OWNER_TAG, Value: String(input.owner) }] : []),
    ...(input.system ? [{ Key: SYSTEM_TAG, Value: String(input.system) }] : []),
    ...(input.networkId ? [{ Key: NETWORK_TAG, Value: String(input.networkId) }] : []),
  ];
}

function compactBody(template: CloudFormationTemplate): string {
  const body = JSON.stringify(template);
  if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) {
    throw new Error(
      `the rendered template is ${Buffer.byteLength(body)} bytes, over CloudFormation's ${TEMPLATE_BODY_LIMIT}-byte limit for a template body`,
    );
  }
  return body;
}

/**
 * Validates the deployment and renders what CloudFormation needs: the template as
 * compact JSON, every parameter but BotRunning (the deploy decides it, see
 * {@link botRunningParameter}), and the stack tags. Pure: no AWS call, no I/O.
 * Fields that are not parameters (the password among them) never reach the result.
 */
export function renderStack(templateText: string, input: DeploymentInput): RenderedStack {
  assertValidDeployment(input);
  const template = parseCloudFormationTemplate(templateText);
  const differences = templateParameterDifferences(template);
  if (differences.length > 0) {
    throw new Error(
      `the CloudFormation template does not match this portal's parameter rules:\n${differences.join('\n')}`,
    );
  }
  return {
    stackName: String(input.stackName),
    templateBody: compactBody(template),
    parameters: renderParameters(input),
    tags: renderTags(input),
  };
}
