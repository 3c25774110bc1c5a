import { InputError } from '@backstage/errors';
import { awsErrorLine } from '../awsErrors';

/**
 * Thrown before anything is deleted when a bucket cannot be emptied by the portal:
 * MFA delete on, or Object Lock (COMPLIANCE, or GOVERNANCE without the bypass right,
 * or legal holds). Its message names the bucket and what to do.
 */
export class BucketProtectedError extends Error {
  constructor(readonly bucket: string, why: string, whatToDo: string) {
    super(`bucket '${bucket}' cannot be emptied by the portal: ${why}; ${whatToDo}. Nothing was deleted`);
    this.name = 'BucketProtectedError';
  }
}

/** A teardown step that failed, in one line: what it could not do and what came back. */
export class TeardownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TeardownError';
  }
}

/** Wraps a failed AWS call: `could not <what>: <operation at endpoint: what came back>`. */
export function couldNot(what: string, error: unknown): Error {
  if (error instanceof BucketProtectedError || error instanceof TeardownError || error instanceof InputError) return error;
  return new TeardownError(`could not ${what}: ${awsErrorLine(error)}`, { cause: error });
}

/** Whether an AWS error is one of the named ones (the SDK's exception names). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/** A whole number within bounds, or an InputError naming the field and the rule. */
export function requireWholeNumber(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${field}: must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A name shown in a message: quoted and escaped so that it stays on one line, and cut when long. */
export function shown(name: string, max = 120): string {
  const quoted = JSON.stringify(name);
  return quoted.length > max ? `${quoted.slice(0, max - 4)}..."` : quoted;
}
