/**
 * CloudFormation's ways of saying a change set would change nothing: a FAILED change
 * set's StatusReason, or (some emulators) a ValidationError from CreateChangeSet.
 */
export function isNoChanges(reasonOrError: unknown): boolean {
  const text =
    reasonOrError instanceof Error ? reasonOrError.message : String(reasonOrError ?? '');
  return /didn't contain changes|No updates are to be performed/i.test(text);
}

/** A deployment that ended badly: its message is one line a user can act on. */
export class DeployError extends Error {
  constructor(message: string, readonly consoleUrl?: string) {
    super(consoleUrl ? `${message} (${consoleUrl})` : message);
    this.name = 'DeployError';
  }
}
