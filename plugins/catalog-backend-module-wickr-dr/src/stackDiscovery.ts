import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DEPLOYMENT_TAG, DeployedStack } from '@internal/plugin-wickr-dr-common';

/** Stacks that hold nothing yet or no longer: not deployments. */
const NOT_DEPLOYED = new Set(['REVIEW_IN_PROGRESS', 'DELETE_COMPLETE', 'DELETE_IN_PROGRESS']);

const toRecord = (pairs: Array<{ Key?: string; Value?: string }> | undefined, key: 'Key' | 'OutputKey', value: 'Value' | 'OutputValue') =>
  Object.fromEntries((pairs ?? []).map((p: any) => [p[key], p[value] ?? '']));

export function toDeployedStack(stack: Stack): DeployedStack {
  return {
    stackArn: stack.StackId!,
    stackName: stack.StackName!,
    tags: toRecord(stack.Tags, 'Key', 'Value'),
    outputs: toRecord(stack.Outputs as any, 'OutputKey', 'OutputValue'),
  };
}

export function isDeployment(stack: Stack): boolean {
  return Boolean(stack.Tags?.some(t => t.Key === DEPLOYMENT_TAG && t.Value)) && !NOT_DEPLOYED.has(stack.StackStatus!);
}

/**
 * Every Wickr data-retention stack of a region: one DescribeStacks listing, page by
 * page (it returns tags and outputs too, so no call per stack is needed).
 */
export async function discoverStacks(cloudformation: CloudFormationClient): Promise<{ stacks: DeployedStack[]; calls: number }> {
  const stacks: DeployedStack[] = [];
  let nextToken: string | undefined;
  let calls = 0;
  do {
    const page = await cloudformation.send(new DescribeStacksCommand({ NextToken: nextToken }));
    calls++;
    stacks.push(...(page.Stacks ?? []).filter(isDeployment).map(toDeployedStack));
    nextToken = page.NextToken;
  } while (nextToken);
  return { stacks, calls };
}
