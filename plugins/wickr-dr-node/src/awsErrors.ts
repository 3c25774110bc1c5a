import { InputError } from '@backstage/errors';
import { isThrottlingError } from '@smithy/core/retry';

/** Where a failed call went; set on the error by the middleware {@link AwsClients} installs. */
export interface CallContext {
  /** e.g. CloudFormation */
  service: string;
  /** e.g. DescribeStacks */
  operation: string;
  /** The URL the request went to, once it was resolved. */
  endpoint?: string;
}

const CONTEXT = Symbol.for('wickr-dr.aws-call');

type AwsError = Error & {
  name: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number; body?: unknown };
  [CONTEXT]?: CallContext;
};

/** Records where a failed call went, once (the innermost call wins). */
export function attachCallContext(error: unknown, context: CallContext): void {
  if (error instanceof Error && !(error as AwsError)[CONTEXT]) {
    Object.defineProperty(error, CONTEXT, { value: context, enumerable: false });
  }
}

export function callContextOf(error: unknown): CallContext | undefined {
  return error instanceof Error ? (error as AwsError)[CONTEXT] : undefined;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  ETIMEDOUT: 'the connection timed out',
  ENOTFOUND: 'the host name did not resolve',
  EPIPE: 'the connection was closed while sending',
};

function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return undefined;
}

/** A short, readable extract of a body that is not an AWS answer (an HTML error page, say). */
function bodyExtract(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 117)}...` : plain;
}

/**
 * An answer with an HTML or plain-text body, as an emulator or a proxy sends: not an
 * AWS error. Marked as a server fault for a 5xx, so that the SDK's retry strategy
 * treats it as it treats any transient server error.
 */
export class NotAnAwsAnswerError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number };

  constructor(readonly statusCode: number | undefined, body: string) {
    super(`HTTP ${statusCode ?? '?'} with a body that is not an AWS answer${body ? `: "${bodyExtract(body)}"` : ''}`);
    this.name = 'NotAnAwsAnswerError';
    this.$fault = (statusCode ?? 500) >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: statusCode };
  }
}

/** What came back, in words: the AWS error, the HTTP answer that was not one, or the network failure. */
export function whatCameBack(error: unknown): string {
  const e = error as AwsError;
  if (!(e instanceof Error)) return String(error);
  // The SDK wraps a network error that is not an Error of its own realm (as under Jest).
  const unwrapped = e.message.replace(/^AWS SDK error wrapper for (Error: )?/, '');
  // Node's "socket hang up" is a connection closed without an answer: ECONNRESET (the SDK names it TimeoutError).
  const code =
    e.code ??
    /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EPIPE)\b/.exec(unwrapped)?.[1] ??
    (/socket hang up/i.test(unwrapped) ? 'ECONNRESET' : e.name);
  const network = NETWORK_ERRORS[code];
  if (network) return `${network} (${code})`;
  if (e.name === 'TimeoutError') return `no answer in time (${e.message})`;
  if (e instanceof NotAnAwsAnswerError) return e.message;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (!e.$fault && e.$response) {
    const text = bodyText(e.$response.body);
    return `HTTP ${status ?? '?'} with a body that is not an AWS answer${text ? `: "${bodyExtract(text)}"` : ''}`;
  }
  // An error answer without a body (HEAD): the SDK knows only the status.
  if (status && /^(UnknownError|Unknown|\d{3})$/.test(e.name) && /^(UnknownError|Unknown|\d{3})?$/.test(e.message)) {
    return `HTTP ${status} with no error in the answer`;
  }
  const message = unwrapped.split('\n')[0];
  if (e.name && e.name !== 'Error' && !message.startsWith(e.name)) return `${e.name}: ${message}`;
  return message;
}

/**
 * One line for a failed AWS call: the operation, the endpoint and what came back, and how
 * many attempts the retry strategy made when more than one, e.g.
 * `CloudFormation DescribeStacks at https://cloudformation.us-east-1.amazonaws.com/:
 * HTTP 500 with a body that is not an AWS answer: "Internal Server Error" (5 attempts)`.
 */
export function awsErrorLine(error: unknown): string {
  const context = callContextOf(error);
  if (!context) return whatCameBack(error);
  const where = context.endpoint ? ` at ${context.endpoint}` : '';
  return `${context.service} ${context.operation}${where}: ${whatCameBack(error)}${attemptsNote(error)}`;
}

/** " (3 attempts)" once the SDK's retry strategy tried a call more than once; nothing for one attempt. */
function attemptsNote(error: unknown): string {
  const attempts = (error as AwsError).$metadata?.attempts;
  return attempts && attempts > 1 ? ` (${attempts} attempts)` : '';
}

/** Throttling, as the AWS SDK classifies it (Throttling, ThrottlingException, 429, ...). */
export function isThrottling(error: unknown): boolean {
  return error instanceof Error && isThrottlingError(error as any);
}

/** The portal refuses an AWS account it is not configured for. */
export class AccountNotAllowedError extends InputError {}
