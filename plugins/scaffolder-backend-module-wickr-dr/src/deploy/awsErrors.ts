import { isThrottlingError } from '@smithy/core/retry';

type AwsError = Error & { name: string; $metadata?: { httpStatusCode?: number } };

/** "Code: message", the way AWS said it, for one-line failure reports. */
export function awsMessage(error: unknown): string {
  const e = error as AwsError;
  if (!(e instanceof Error)) return String(error);
  return e.name && e.name !== 'Error' && !e.message.startsWith(e.name)
    ? `${e.name}: ${e.message}`
    : e.message;
}

/** Throttling, as the AWS SDK classifies it (Throttling, ThrottlingException, 429, ...). */
export function isThrottling(error: unknown): boolean {
  return error instanceof Error && isThrottlingError(error as any);
}

/** DescribeStacks' way of saying a stack does not exist. */
export function isStackMissing(error: unknown): boolean {
  const e = error as AwsError;
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message);
}

/**
 * CloudFormation's ways of saying a change set would change nothing: a FAILED change
 * set's StatusReason, or (some emulators) a ValidationError from CreateChangeSet.
 */
export function isNoChanges(reasonOrError: unknown): boolean {
  const text =
    reasonOrError instanceof Error ? reasonOrError.message : String(reasonOrError ?? '');
  return /didn't contain changes|No updates are to be performed/i.test(text);
}

/** ExecuteChangeSet on a change set that already ran. */
export function isAlreadyExecuted(error: unknown): boolean {
  const e = error as AwsError;
  return (
    e?.name === 'InvalidChangeSetStatusException' ||
    (e?.name === 'InvalidChangeSetStatus' && /EXECUTE_(IN_PROGRESS|COMPLETE)/.test(e.message))
  );
}

/** A deployment that ended badly: its message is one line a user can act on. */
export class DeployError extends Error {
  constructor(message: string, readonly consoleUrl?: string) {
    super(consoleUrl ? `${message} (${consoleUrl})` : message);
    this.name = 'DeployError';
  }
}
