import { imageIssue } from './images';
import { readDeploymentTags } from './entity';
import { StackParameterDefinition, stackParameters } from './parameters';
import { DEPLOYMENT_TAG, NETWORK_TAG, OWNER_TAG, RenderedStack, SYSTEM_TAG } from './render';
import { DeploymentInput, ValidationIssue, validateDeploymentParameters } from './validation';

const DEFINITIONS: readonly StackParameterDefinition[] = stackParameters;
const OUR_TAGS = new Set([DEPLOYMENT_TAG, OWNER_TAG, SYSTEM_TAG, NETWORK_TAG]);

const issue = (field: string, rule: string, message: string): ValidationIssue => ({ field, rule, message });

function parameterIssues(rendered: RenderedStack): { input: DeploymentInput; issues: ValidationIssue[] } {
  const byName = new Map(DEFINITIONS.map(d => [d.name, d]));
  const input: DeploymentInput = {};
  const issues: ValidationIssue[] = [];
  for (const { ParameterKey, ParameterValue } of rendered.parameters) {
    const def = byName.get(ParameterKey);
    if (!def) {
      issues.push(issue(ParameterKey, 'a template parameter', `${ParameterKey}: is not a parameter the portal renders (BotRunning is the deploy step's)`));
    } else {
      input[def.field] = ParameterValue;
    }
  }
  return { input, issues: [...issues, ...validateDeploymentParameters(input)] };
}

function tagIssues(rendered: RenderedStack, deployName: unknown): ValidationIssue[] {
  const tags = Object.fromEntries(rendered.tags.map(t => [t.Key, t.Value]));
  const issues = Object.keys(tags)
    .filter(key => !OUR_TAGS.has(key))
    .map(key => issue(key, 'a deployment tag', `tags: ${key} is not a tag the portal sets`));
  const read = readDeploymentTags(tags);
  if (!read.valid) issues.push(issue('tags', 'deployment tags', `tags: ${read.problem}`));
  else if (read.deploymentName !== deployName) {
    issues.push(issue('tags', 'the deployment name', `tags: ${DEPLOYMENT_TAG} is ${read.deploymentName}, the DeployName parameter ${String(deployName)}`));
  }
  return issues;
}

/**
 * Every rule a rendered stack breaks, read back from a workspace where any step could
 * have written it: only the template's own parameters, each valid, an allowed image,
 * and only the portal's tags, naming the same deployment.
 */
export function renderedStackIssues(rendered: RenderedStack, rules: { allowedImages: readonly string[] }): ValidationIssue[] {
  const { input, issues } = parameterIssues(rendered);
  const image = imageIssue(input.botImage, rules.allowedImages);
  return [...issues, ...(image ? [image] : []), ...tagIssues(rendered, input.deployName)];
}
