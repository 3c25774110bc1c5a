import { ConflictError } from '@backstage/errors';
import { LockedStack, stackDescription, stackLockKey, StackLocks } from '../deploy/stackLocks';

/**
 * The stack lock's rule without a database, for the actions' and the deployer's unit tests:
 * one task per stack, the same task again freely, another refused until it is released.
 * DatabaseStackLocks (tested on SQLite and PostgreSQL) is what the module uses.
 */
export class InMemoryStackLocks implements StackLocks {
  readonly holders = new Map<string, string>();

  async acquire(stack: LockedStack, taskId: string): Promise<string | undefined> {
    const holder = this.holders.get(stackLockKey(stack));
    if (holder !== undefined && holder !== taskId) {
      throw new ConflictError(
        `${stackDescription(stack)} is being changed by task ${holder}, which is still running: /create/tasks/${holder}; wait for it to finish, then try again`,
      );
    }
    this.holders.set(stackLockKey(stack), taskId);
    return undefined;
  }

  async release(stack: LockedStack, taskId: string): Promise<void> {
    if (this.holders.get(stackLockKey(stack)) === taskId) this.holders.delete(stackLockKey(stack));
  }
}
