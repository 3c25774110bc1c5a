import { ConflictError } from '@backstage/errors';

/**
 * Stacks being deployed by this backend, and by which task. CloudFormation's own
 * IN_PROGRESS status guards against other backends; this closes the gap before
 * the first change set exists.
 */
export class StackLocks {
  private readonly holders = new Map<string, string>();

  acquire(stackKey: string, taskId: string): () => void {
    const holder = this.holders.get(stackKey);
    if (holder !== undefined && holder !== taskId) {
      throw new ConflictError(
        `stack ${stackKey} is already being deployed by task ${holder}; wait for it to finish`,
      );
    }
    this.holders.set(stackKey, taskId);
    return () => {
      if (this.holders.get(stackKey) === taskId) this.holders.delete(stackKey);
    };
  }
}
