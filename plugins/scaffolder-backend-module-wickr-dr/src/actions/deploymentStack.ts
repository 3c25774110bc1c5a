import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { InputError } from '@backstage/errors';
import { DEPLOYMENT_TAG } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { awsErrorLine, describeStack, stackTags } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { changeSetOfTask } from '../deploy/changeSetNames';

/** The deployment's stack: it must exist and carry the deployment tag. */
export async function deploymentStack(cloudformation: CloudFormationClient, stackName: string): Promise<Stack> {
  let stack;
  try {
    stack = await describeStack(cloudformation, stackName);
  } catch (error) {
    // The endpoint's failure, not the user's input: no field to blame.
    throw new Error(`cannot read stack '${stackName}': ${awsErrorLine(error)}; nothing was changed`);
  }
  if (!stack) throw new InputError(`stackName: stack '${stackName}' does not exist; deploy it with wickr-dr:stack:deploy first`);
  if (!stackTags(stack)[DEPLOYMENT_TAG]) {
    throw new InputError(`stackName: stack '${stackName}' is not a Wickr data-retention deployment (it lacks the ${DEPLOYMENT_TAG} tag); the portal acts only on its own deployments`);
  }
  return stack;
}

/** Whether this task's own change set last changed the stack (it then needs no second permission check). */
export function changedByTask(stack: Stack, taskId: string): boolean {
  return changeSetOfTask(taskId).attemptOf(stack.ChangeSetId?.split('/')[1] ?? '') !== undefined;
}

