import {
  Change,
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  paginateDescribeChangeSet,
  paginateDescribeStacks,
  paginateListStackResources,
  Stack,
} from '@aws-sdk/client-cloudformation';

/** DescribeStacks' way of saying a stack does not exist. */
export function isStackMissing(error: unknown): boolean {
  const e = error as Error;
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message);
}

/** A stack by name or ARN; undefined when it does not exist or is deleted. */
export async function describeStack(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (error) {
    if (isStackMissing(error)) return undefined;
    throw error;
  }
}

/** A stack's outputs by key. */
export function stackOutputs(stack: Pick<Stack, 'Outputs'> | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Outputs ?? []).map(o => [o.OutputKey!, o.OutputValue ?? '']));
}

/** A stack's tags by key. */
export function stackTags(stack: Pick<Stack, 'Tags'> | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Tags ?? []).map(t => [t.Key!, t.Value ?? '']));
}

/** A stack's parameter values by key. */
export function stackParameterValues(stack: Pick<Stack, 'Parameters'> | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Parameters ?? []).map(p => [p.ParameterKey!, p.ParameterValue ?? '']));
}

/**
 * Every stack of the region, page by page (DescribeStacks returns tags and outputs,
 * so no call per stack is needed). `until` stops paging early once it returns true.
 */
export async function listStacks(
  cloudformation: CloudFormationClient,
  options: { until?: (found: Stack[]) => boolean } = {},
): Promise<{ stacks: Stack[]; calls: number }> {
  const stacks: Stack[] = [];
  let calls = 0;
  for await (const page of paginateDescribeStacks({ client: cloudformation }, {})) {
    calls++;
    stacks.push(...(page.Stacks ?? []));
    if (options.until?.(stacks)) break;
  }
  return { stacks, calls };
}

/** Every change of a created change set, all pages. */
export async function changeSetChanges(
  cloudformation: CloudFormationClient,
  changeSetId: string,
): Promise<Change[]> {
  const changes: Change[] = [];
  for await (const page of paginateDescribeChangeSet(
    { client: cloudformation },
    { ChangeSetName: changeSetId },
  )) {
    changes.push(...(page.Changes ?? []));
  }
  return changes;
}

/** The template a stack was last deployed with, as CloudFormation holds it (JSON or YAML text). */
export async function stackTemplate(cloudformation: CloudFormationClient, stackName: string): Promise<string> {
  const { TemplateBody } = await cloudformation.send(
    new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }),
  );
  return TemplateBody ?? '';
}

/** The physical id of each resource a stack made, by logical id, all pages. */
export async function stackResources(cloudformation: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  const resources: Record<string, string> = {};
  for await (const page of paginateListStackResources({ client: cloudformation }, { StackName: stackName })) {
    for (const summary of page.StackResourceSummaries ?? []) {
      if (summary.LogicalResourceId && summary.PhysicalResourceId) resources[summary.LogicalResourceId] = summary.PhysicalResourceId;
    }
  }
  return resources;
}
