import { ResponseError } from '@backstage/errors';

/**
 * What went wrong, in the server's words: a `ResponseError`'s own message holds only
 * the HTTP status, the server's message is in its cause.
 */
export function describeError(error: Error): string {
  if (error instanceof ResponseError) {
    return `${error.cause.message} (HTTP ${error.statusCode})`;
  }
  return error.message;
}
