import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { DEPLOYMENT_TAG, DeployedStack } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { listStacks, stackOutputs, stackTags } from '@wickr-dr/backstage-plugin-wickr-dr-node';

/** Stacks that hold nothing yet or no longer: not deployments. */
const NOT_DEPLOYED = new Set(['REVIEW_IN_PROGRESS', 'DELETE_COMPLETE', 'DELETE_IN_PROGRESS']);

export function toDeployedStack(stack: Stack): DeployedStack {
  return {
    stackArn: stack.StackId!,
    stackName: stack.StackName!,
    tags: stackTags(stack),
    outputs: stackOutputs(stack),
  };
}

/** Carries the deployment tag and holds resources. Whether its tags are valid is checked later. */
export function isDeployment(stack: Stack): boolean {
  return Boolean(stack.Tags?.some(t => t.Key === DEPLOYMENT_TAG && t.Value)) && !NOT_DEPLOYED.has(stack.StackStatus!);
}

/**
 * Every stack of a region that carries the deployment tag: one DescribeStacks listing,
 * page by page, through the node package's CloudFormation layer.
 */
export async function discoverStacks(cloudformation: CloudFormationClient): Promise<{ stacks: DeployedStack[]; calls: number }> {
  const { stacks, calls } = await listStacks(cloudformation);
  return { stacks: stacks.filter(isDeployment).map(toDeployedStack), calls };
}
