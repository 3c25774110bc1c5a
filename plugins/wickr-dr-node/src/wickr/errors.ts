import { InputError } from '@backstage/errors';
import { attachCallContext, NotAnAwsAnswerError } from '../awsErrors';

/** One field the API (or the client, before a call) refused, and why. */
export interface WickrFieldReason {
  field: string;
  reason: string;
}

/** Where a call went: its operation and the endpoint (https://admin.wickr.<region>.amazonaws.com). */
export interface WickrCall {
  operation: string;
  endpoint: string;
}

export interface WickrApiErrorInit extends WickrCall {
  statusCode: number;
  /** The API's error type (ValidationError, ...), or `HTTP <status>` when the answer names none. */
  errorType: string;
  message: string;
  reasons?: WickrFieldReason[];
  retryAfter?: Date;
}

/**
 * An answer of the Wickr admin API that is not a success. Its `name` is the error
 * type, as the AWS SDK names its service errors, so that `awsErrorLine` reads
 * `Wickr GetNetwork at <endpoint>: ResourceNotFoundError: <message> (HTTP 404)`.
 */
export class WickrApiError extends Error {
  readonly operation: string;
  readonly endpoint: string;
  readonly statusCode: number;
  readonly errorType: string;
  /** When the answer said to retry (Retry-After). */
  readonly retryAfter?: Date;
  readonly isNotFound: boolean = false;
  /** Read by the SDK's error classification (throttling, transient) and by awsErrorLine. */
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number };

  constructor(init: WickrApiErrorInit) {
    super(init.message);
    this.name = init.errorType;
    this.operation = init.operation;
    this.endpoint = init.endpoint;
    this.statusCode = init.statusCode;
    this.errorType = init.errorType;
    this.retryAfter = init.retryAfter;
    this.$fault = init.statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: init.statusCode };
    attachCallContext(this, { service: 'Wickr', operation: init.operation, endpoint: init.endpoint });
  }
}

/** 422: fields of the request failed validation; the message names them. */
export class WickrValidationError extends WickrApiError {
  readonly reasons: WickrFieldReason[];

  constructor(init: WickrApiErrorInit) {
    super(init);
    this.reasons = init.reasons ?? [];
  }
}

/** 400 */
export class WickrBadRequestError extends WickrApiError {}
/** 401: the credentials were not accepted; the message says whose they were. */
export class WickrUnauthorizedError extends WickrApiError {}
/** 403: the credentials may not do this; the message says whose they were. */
export class WickrForbiddenError extends WickrApiError {}
/** 404: no such network (or no data-retention bot in it). */
export class WickrNotFoundError extends WickrApiError {
  override readonly isNotFound = true;
}
/** 429 */
export class WickrRateLimitError extends WickrApiError {}
/** 5xx */
export class WickrServerError extends WickrApiError {}

/** A value refused before any call, naming the field and the rule, as the API's ValidationError would. */
export class WickrInputError extends InputError {
  readonly reasons: WickrFieldReason[];

  constructor(field: string, rule: string, value: unknown) {
    const shown = JSON.stringify(String(value ?? '').slice(0, 40));
    super(`${field}: must be ${rule}; got ${shown}`);
    this.reasons = [{ field, reason: `must be ${rule}` }];
  }
}

const ERROR_CLASSES: Record<number, typeof WickrApiError> = {
  400: WickrBadRequestError,
  401: WickrUnauthorizedError,
  403: WickrForbiddenError,
  404: WickrNotFoundError,
  422: WickrValidationError,
  429: WickrRateLimitError,
};

/** An answer that is not a success, as it came back. */
export interface WickrErrorAnswer extends WickrCall {
  statusCode: number;
  headers: Record<string, string | undefined>;
  text: string;
  retryAfter?: Date;
  /** Whose credentials the call used, in words (AwsClients.describeIdentity). */
  identity: string;
}

/** The typed error for an answer: the class by its status, the type from the header or the body. */
export function wickrErrorOf(answer: WickrErrorAnswer): WickrApiError {
  const body = jsonObjectOf(answer.text);
  const errorType = errorTypeOf(answer.headers, body) ?? `HTTP ${answer.statusCode}`;
  const reasons = reasonsOf(body);
  const message = `${answerDetail(answer, body, errorType, reasons)}${credentialsNote(answer)}`;
  const ErrorClass = answer.statusCode >= 500 ? WickrServerError : ERROR_CLASSES[answer.statusCode] ?? WickrApiError;
  return new ErrorClass({ ...answer, errorType, message, reasons });
}

/** A success whose body cannot be read: never quotes a body that may hold a secret. */
export function unreadableAnswerError(call: WickrCall, statusCode: number, text: string, sensitive: boolean): WickrApiError {
  const message = sensitive
    ? `HTTP ${statusCode} with an answer that is not the expected JSON (not quoted: it may hold a secret)`
    : new NotAnAwsAnswerError(statusCode, text).message;
  return new WickrApiError({ ...call, statusCode, errorType: `HTTP ${statusCode}`, message });
}

export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `x-amzn-ErrorType` without its `:<namespace URL>` suffix, else the body's `__type` or `code`; any `prefix#` dropped. */
function errorTypeOf(headers: Record<string, string | undefined>, body: Record<string, unknown> | undefined): string | undefined {
  const raw = headers['x-amzn-errortype'] ?? stringOf(body?.__type) ?? stringOf(body?.code);
  const type = raw?.split(':')[0].split('#').pop()?.trim();
  return type || undefined;
}

function answerDetail(answer: WickrErrorAnswer, body: Record<string, unknown> | undefined, errorType: string, reasons: WickrFieldReason[]): string {
  if (!body) return new NotAnAwsAnswerError(answer.statusCode, answer.text).message;
  const message = oneLine(stringOf(body.message) ?? stringOf(body.Message) ?? '') || 'no message';
  const fields = reasons.length ? ` (${reasons.map(r => `${r.field}: ${r.reason}`).join('; ')})` : '';
  const typed = !errorType.startsWith('HTTP ');
  return typed ? `${message}${fields} (HTTP ${answer.statusCode})` : `HTTP ${answer.statusCode}: ${message}${fields}`;
}

function credentialsNote(answer: WickrErrorAnswer): string {
  if (answer.statusCode === 401) return `; the call used the credentials of ${answer.identity}, which the API did not accept`;
  if (answer.statusCode === 403) {
    return `; the call used the credentials of ${answer.identity}, which need the IAM action wickr:${answer.operation}`;
  }
  return '';
}

function reasonsOf(body: Record<string, unknown> | undefined): WickrFieldReason[] {
  const reasons = Array.isArray(body?.reasons) ? body!.reasons : [];
  return reasons
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map(r => ({ field: oneLine(stringOf(r.field) ?? '?'), reason: oneLine(stringOf(r.reason) ?? '') }));
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
