import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import {
  AdaptiveRetryStrategy,
  getRetryAfterHint,
  isTransientError,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { attachCallContext } from '../awsErrors';
import type { RetrySettings } from '../awsClients';
import { jsonObjectOf, unreadableAnswerError, WickrCall, wickrErrorOf } from './errors';

/** One call of the admin API, as its model binds it: REST-JSON. */
export interface WickrRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** The success body holds a secret: an error about it never quotes it. */
  sensitiveAnswer?: boolean;
  /** Not idempotent (the API takes no token): not sent again once the API may have acted on it. */
  notIdempotent?: boolean;
}

export interface WickrTransportOptions {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  retry: RetrySettings;
  userAgent: string;
  /** Whose credentials these are, in words, for 401 and 403 errors. */
  identity: string;
}

type RetryToken = Awaited<ReturnType<AdaptiveRetryStrategy['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];

/** What the SDK's retry middleware asks of a strategy (RetryStrategyV2), and all this client asks of it. */
interface RetryStrategy {
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}

/** The SDK's own timeouts are unset by default; a hung connection must not hang a scaffolder task. */
const CONNECTION_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** Connection failures before anything was sent: the API cannot have acted on the request. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];

/**
 * Signed (SigV4, signing name `wickr`), sent with the SDK's NodeHttpHandler and retried
 * with the SDK's retry strategy: throttling (429, with Retry-After), 5xx answers and
 * connection failures, up to `retry.maxAttempts` attempts; never another 4xx. A request
 * that is not idempotent is retried only when it cannot have been acted on: throttled, or never sent.
 */
export class WickrTransport {
  readonly endpoint: string;
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly handler: NodeHttpHandler;
  private readonly retryStrategy: RetryStrategy;

  constructor(private readonly options: WickrTransportOptions) {
    this.url = new URL(options.endpoint);
    this.endpoint = this.url.toString();
    this.signer = new SignatureV4({ service: 'wickr', region: options.region, credentials: options.credentials, sha256: Sha256 });
    this.handler = new NodeHttpHandler({ connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS });
    const { maxAttempts, mode } = options.retry;
    this.retryStrategy = mode === 'adaptive' ? new AdaptiveRetryStrategy(maxAttempts) : new StandardRetryStrategy(maxAttempts);
  }

  /** The answer's JSON object, after retries; a typed WickrApiError or a network error carrying the call otherwise. */
  async send(request: WickrRequest): Promise<Record<string, unknown>> {
    let token = await this.retryStrategy.acquireInitialRetryToken('wickr');
    for (let attempts = 1; ; attempts++) {
      try {
        const answer = await this.attempt(request);
        this.retryStrategy.recordSuccess(token);
        return answer;
      } catch (error) {
        try {
          token = await this.retryStrategy.refreshRetryTokenForRetry(token, retryErrorInfo(error, request));
        } catch {
          throw withAttempts(error, attempts); // no retry left, or not retryable
        }
        const delay = token.getRetryDelay();
        if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay));
      }
    }
  }

  private async attempt(request: WickrRequest): Promise<Record<string, unknown>> {
    const call: WickrCall = { operation: request.operation, endpoint: this.endpoint };
    const response = await this.exchange(request).catch(error => {
      throw withCallContext(error, call);
    });
    const text = Buffer.from(await streamCollector(response.body)).toString('utf8');
    const headers = response.headers as Record<string, string | undefined>;
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (!text.trim()) return {};
      const answer = jsonObjectOf(text);
      if (!answer) throw unreadableAnswerError(call, response.statusCode, text, Boolean(request.sensitiveAnswer));
      return answer;
    }
    const retryAfter = getRetryAfterHint(response);
    throw wickrErrorOf({ ...call, statusCode: response.statusCode, headers, text, retryAfter, identity: this.options.identity });
  }

  private async exchange(request: WickrRequest) {
    const body = request.body ? JSON.stringify(request.body) : undefined;
    const basePath = this.url.pathname.replace(/\/+$/, '');
    const unsigned = new HttpRequest({
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      method: request.method,
      path: `${basePath}${request.path}`,
      query: request.query,
      headers: {
        host: this.url.host,
        'user-agent': this.options.userAgent,
        ...(body !== undefined && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      },
      body,
    });
    const signed = (await this.signer.sign(unsigned)) as HttpRequest;
    const { response } = await this.handler.handle(signed);
    return response;
  }
}

/** Records on the error how many attempts were made, as the SDK does in `$metadata.attempts`. */
function withAttempts(error: unknown, attempts: number): unknown {
  if (error instanceof Error) {
    const e = error as Error & { $metadata?: { attempts?: number } };
    if (e.$metadata) e.$metadata.attempts = attempts;
    else Object.defineProperty(e, '$metadata', { value: { attempts }, enumerable: false, configurable: true });
  }
  return error;
}

/**
 * 429 is throttling; a 5xx answer and a failed connection are transient; any other answer is the caller's,
 * and so is a 5xx or a lost answer to a request that is not idempotent, which the strategy then does not retry.
 */
function retryErrorInfo(error: unknown, request: WickrRequest): RetryErrorInfo {
  const e = error as NonNullable<RetryErrorInfo['error']> & { retryAfter?: Date; code?: string };
  const status = e.$metadata?.httpStatusCode;
  const mayHaveActed = request.notIdempotent && !(status === undefined && NOT_SENT_CODES.includes(e.code ?? ''));
  let errorType: RetryErrorInfo['errorType'] = 'CLIENT_ERROR';
  if (status === 429) errorType = 'THROTTLING';
  else if (!mayHaveActed && (status === undefined ? isTransientError(e) : status >= 500)) errorType = 'TRANSIENT';
  return { error: e, errorType, ...(e.retryAfter && { retryAfterHint: e.retryAfter }) };
}

/**
 * A network failure with the call attached. Errors of Node's own sockets come from
 * another realm under Jest, where attachCallContext cannot mark them: copied here.
 */
function withCallContext(error: unknown, call: WickrCall): Error {
  const failure = error as { message?: string; name?: string; code?: string };
  const local =
    error instanceof Error
      ? error
      : Object.assign(new Error(String(failure?.message ?? error)), { name: failure?.name ?? 'Error', code: failure?.code });
  attachCallContext(local, { service: 'Wickr', operation: call.operation, endpoint: call.endpoint });
  return local;
}
