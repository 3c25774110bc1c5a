/**
 * What a CloudFormation stack status means for the portal, decided by rules on the
 * status name (as CloudFormation composes it: operation, then phase).
 */
export type StackStatusCategory =
  /** Nothing is running and the last operation succeeded: deployable. */
  | 'complete'
  /** An operation is running: wait, never start another. */
  | 'in-progress'
  /** The last operation failed and rolled back cleanly: deployable again. */
  | 'rolled-back'
  /** Created but never succeeded (ROLLBACK_COMPLETE and the like): delete and re-create. */
  | 'never-created'
  /** Needs a person: a rollback or delete that failed. */
  | 'stuck'
  | 'deleted';

const NEVER_CREATED = new Set(['ROLLBACK_COMPLETE', 'CREATE_FAILED', 'REVIEW_IN_PROGRESS']);
const STUCK = new Set(['ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'IMPORT_ROLLBACK_FAILED', 'UPDATE_FAILED']);

export function categorizeStackStatus(status: string): StackStatusCategory {
  if (status === 'DELETE_COMPLETE') return 'deleted';
  if (NEVER_CREATED.has(status)) return 'never-created';
  if (STUCK.has(status)) return 'stuck';
  if (status.endsWith('_IN_PROGRESS')) return 'in-progress';
  if (status.endsWith('ROLLBACK_COMPLETE')) return 'rolled-back';
  if (status.endsWith('_COMPLETE')) return 'complete';
  return 'stuck';
}

/** A resource event status that ends an operation on that resource. */
export const isResourceFailure = (status: string) => status.endsWith('_FAILED');

/** CloudFormation's wording when a resource stopped only because another one failed. */
export function isCancellation(reason: string | undefined): boolean {
  return /cancell?ed/i.test(reason ?? '');
}

/**
 * The exact recovery step for a stack that needs a person, as one sentence with the
 * command to run; undefined for statuses the deploy handles itself.
 */
export function recoveryStep(stackName: string, status: string, region: string): string | undefined {
  const cli = (command: string) => `aws cloudformation ${command} --stack-name ${stackName} --region ${region}`;
  switch (status) {
    case 'UPDATE_ROLLBACK_FAILED':
      return `continue the rollback with \`${cli('continue-update-rollback')}\` (add --resources-to-skip <LogicalId> for resources that cannot roll back), then deploy again`;
    case 'ROLLBACK_FAILED':
      return `delete the stack with \`${cli('delete-stack')} --retain-resources <LogicalId>\` for the resources that failed to delete, then deploy again`;
    case 'DELETE_FAILED':
      return `finish the deletion with \`${cli('delete-stack')}\` (add --retain-resources <LogicalId> for resources that cannot be deleted), then deploy again`;
    case 'IMPORT_ROLLBACK_FAILED':
    case 'UPDATE_FAILED':
      return `open the stack in the CloudFormation console, resolve the failed resources, then deploy again`;
    default:
      return undefined;
  }
}
