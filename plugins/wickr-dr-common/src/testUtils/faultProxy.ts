import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * A fault-injecting reverse proxy for tests, on 127.0.0.1: it forwards every request to
 * `target` (moto_server or the fake Wickr admin API) unchanged, Host and signature
 * included, and answers some of them itself as a rule says. Each request is named by
 * its service and operation:
 *
 * - JSON protocols (Secrets Manager, CloudWatch Logs, ECS, CloudWatch): the X-Amz-Target
 *   header, `Prefix.Operation`;
 * - query protocols (CloudFormation, IAM, STS, SNS): `Action=` in the form body (or the URL);
 * - REST-XML S3 and the REST-JSON Wickr admin API: the method and path (and for S3 the
 *   sub-resource in the query: `?versions`, `?delete`, ...).
 *
 * The service is the SigV4 Authorization header's credential scope (`cloudformation`,
 * `secretsmanager`, `logs`, `ecs`, `monitoring`, `s3`, `wickr`, ...).
 */

export type FaultKind = 'throttle' | 'server-error' | 'reset' | 'slow' | 'html';

export interface FaultRule {
  /** The signing service name, e.g. `cloudformation`; any service when unset. */
  service?: string;
  /** e.g. `CreateChangeSet`, `GetSecretValue`, `PutObject`, `UpdateDataRetention`; `*` for any. */
  operation: string;
  /**
   * - `throttle`: answered as AWS throttles that protocol: query/XML `Throttling` 400, JSON
   *   `ThrottlingException` 400, S3 `SlowDown` 503, the Wickr API `RateLimitError` 429;
   * - `server-error`: an AWS-shaped 500 (`InternalFailure`; S3 `InternalError`, Wickr `InternalServerError`);
   * - `reset`: the socket destroyed without an answer (before forwarding, unless `afterForward`);
   * - `slow`: `delayMs` (default 1000) and then forwarded;
   * - `html`: a 500 with an HTML error page, as a proxy or an emulator sends.
   */
  fault: FaultKind;
  /** How many matching requests get the fault; later ones pass through. Default 1. */
  count?: number;
  /** Let this many matching requests pass before the first faulted one. Default 0. */
  skip?: number;
  /** A wait before the fault is given (for `slow`, before forwarding). */
  delayMs?: number;
  /** For `reset`: forward the request first, so the target acts on it, then drop the answer. */
  afterForward?: boolean;
}

export interface ProxiedCall {
  service: string;
  operation: string;
  method: string;
  /** The path and query as sent. */
  path: string;
  /** The status returned to the client; 0 for a socket closed without an answer, undefined while in flight. */
  status?: number;
  /** The fault given, if any. */
  faulted?: FaultKind;
  /** When it arrived (Date.now()). */
  at: number;
  /**
   * The request's idempotency token (ClientToken or ClientRequestToken), so a test can tell
   * an SDK retry of one request (the same token) from a second request. Never any other part of a body.
   */
  token?: string;
}

export interface CallMatch {
  service?: string;
  /** `*` for any. */
  operation: string;
  /** Let this many matching calls pass before the one held. Default 0. */
  skip?: number;
  /**
   * `request` (default): held before it is forwarded; `response`: forwarded, so the target
   * has acted on it, and its answer held.
   */
  phase?: 'request' | 'response';
}

export interface HeldCall {
  /** Resolves when a matching call is being held. */
  arrived: Promise<void>;
  /** Lets the held call go on (forwarded, or its answer sent); a no-op if none arrived yet, which then passes. */
  release(): void;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT: give it to SDK clients (or `wickrDr.endpoint`) in place of the target's. */
  readonly endpoint: string;
  inject(rule: FaultRule): void;
  /** Every request seen so far, in order of arrival (copies). */
  calls(): ProxiedCall[];
  /** Holds the next call that matches until released. */
  hold(match: CallMatch): HeldCall;
  /** Forgets the rules, the holds (releasing them) and the calls seen. */
  reset(): void;
  stop(): Promise<void>;
}

type Protocol = 'json' | 'query' | 'rest-xml' | 'rest-json' | 'unknown';

interface Identified {
  service: string;
  operation: string;
  protocol: Protocol;
  token?: string;
}

const TOKEN_FIELDS = ['ClientToken', 'ClientRequestToken'];

function jsonToken(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    return TOKEN_FIELDS.map(f => parsed?.[f]).find(t => typeof t === 'string');
  } catch {
    return undefined;
  }
}

/** The service of a SigV4 Authorization header's credential scope. */
export function signedServiceOf(
  authorization: string | undefined,
): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    authorization ?? '',
  )?.[1];
}

const WICKR_ROUTES: Array<{ operation: string; method: string; path: RegExp }> =
  [
    { operation: 'ListNetworks', method: 'GET', path: /^\/networks$/ },
    { operation: 'GetNetwork', method: 'GET', path: /^\/networks\/[^/]+$/ },
    {
      operation: 'GetDataRetentionBot',
      method: 'GET',
      path: /^\/networks\/[^/]+\/data-retention-bots$/,
    },
    {
      operation: 'CreateDataRetentionBot',
      method: 'POST',
      path: /^\/networks\/[^/]+\/data-retention-bots$/,
    },
    {
      operation: 'CreateDataRetentionBotChallenge',
      method: 'POST',
      path: /^\/networks\/[^/]+\/data-retention-bots\/challenge$/,
    },
    {
      operation: 'UpdateDataRetention',
      method: 'PATCH',
      path: /^\/networks\/[^/]+\/data-retention-bots$/,
    },
    {
      operation: 'DeleteDataRetentionBot',
      method: 'DELETE',
      path: /^\/networks\/[^/]+\/data-retention-bots$/,
    },
  ];

/** S3 sub-resources the portal uses, by method: `?versioning` on PUT is PutBucketVersioning, ... */
const S3_SUBRESOURCES = [
  'versioning',
  'policy',
  'logging',
  'tagging',
  'encryption',
  'lifecycle',
  'acl',
  'cors',
  'object-lock',
  'public-access-block',
  'ownership-controls',
  'notification',
  'location',
  'retention',
  'legal-hold',
];

function pascal(word: string): string {
  return word
    .split('-')
    .map(w => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function s3Operation(method: string, url: URL): string {
  const parts = url.pathname.split('/').filter(Boolean);
  const q = url.searchParams;
  const onObject = parts.length > 1;
  if (parts.length === 0)
    return method === 'GET' ? 'ListBuckets' : `${method} /`;
  if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
  if (q.has('uploads'))
    return method === 'POST' ? 'CreateMultipartUpload' : 'ListMultipartUploads';
  if (q.has('uploadId')) {
    return (
      {
        PUT: 'UploadPart',
        POST: 'CompleteMultipartUpload',
        DELETE: 'AbortMultipartUpload',
        GET: 'ListParts',
      }[method] ?? method
    );
  }
  if (q.has('versions')) return 'ListObjectVersions';
  if (q.get('list-type') === '2') return 'ListObjectsV2';
  const sub = S3_SUBRESOURCES.find(s => q.has(s));
  const verb =
    { GET: 'Get', PUT: 'Put', DELETE: 'Delete', HEAD: 'Head', POST: 'Post' }[
      method
    ] ?? method;
  if (sub) {
    const name =
      sub === 'object-lock' ? 'ObjectLockConfiguration' : pascal(sub);
    return `${verb}${onObject ? 'Object' : 'Bucket'}${name}`;
  }
  if (onObject) return `${verb}Object`;
  if (method === 'GET') return 'ListObjects';
  return (
    { PUT: 'CreateBucket', DELETE: 'DeleteBucket', HEAD: 'HeadBucket' }[
      method
    ] ?? `${method} bucket`
  );
}

function identify(req: http.IncomingMessage, body: Buffer): Identified {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const method = req.method ?? 'GET';
  const signed = signedServiceOf(req.headers.authorization);
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [prefix, operation] = target.split('.');
    return {
      service: signed ?? prefix.toLowerCase(),
      operation,
      protocol: 'json',
      token: jsonToken(body),
    };
  }
  const type = String(req.headers['content-type'] ?? '');
  const form = type.includes('x-www-form-urlencoded')
    ? new URLSearchParams(body.toString('utf8'))
    : undefined;
  const action = form?.get('Action') ?? url.searchParams.get('Action');
  if (action) {
    const token = TOKEN_FIELDS.map(f => form?.get(f)).find(Boolean) ?? undefined;
    return {
      service: signed ?? 'unknown',
      operation: action,
      protocol: 'query',
      ...(token && { token }),
    };
  }
  if (signed === 'wickr' || url.pathname.startsWith('/networks')) {
    const route = WICKR_ROUTES.find(
      r => r.method === method && r.path.test(url.pathname),
    );
    return {
      service: signed ?? 'wickr',
      operation: route?.operation ?? `${method} ${url.pathname}`,
      protocol: 'rest-json',
    };
  }
  if (signed === 's3')
    return {
      service: 's3',
      operation: s3Operation(method, url),
      protocol: 'rest-xml',
    };
  return {
    service: signed ?? 'unknown',
    operation: `${method} ${url.pathname}`,
    protocol: 'unknown',
  };
}

function matches(
  match: { service?: string; operation: string },
  call: Identified,
): boolean {
  return (
    (!match.service || match.service === call.service) &&
    (match.operation === '*' || match.operation === call.operation)
  );
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const requestId = () =>
  `fault-proxy-${Math.random().toString(16).slice(2, 10)}`;

function queryError(
  call: Identified,
  type: string,
  code: string,
  message: string,
  status: number,
): Answer {
  const id = requestId();
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body:
      `<ErrorResponse xmlns="http://${call.service}.amazonaws.com/doc/"><Error><Type>${type}</Type>` +
      `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

function jsonError(type: string, message: string, status: number): Answer {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId(),
    },
    body: JSON.stringify({ __type: type, message }),
  };
}

function s3Error(code: string, message: string, status: number): Answer {
  const id = requestId();
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': id },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${id}</RequestId></Error>`,
  };
}

function restJsonError(type: string, message: string, status: number): Answer {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': type,
      'x-amzn-requestid': requestId(),
    },
    body: JSON.stringify({ message }),
  };
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n' +
  '<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to ' +
  'complete your request.</p></body></html>\n';

/** The answer AWS gives for a throttled call or an internal failure, in the call's protocol. */
function faultAnswer(
  fault: 'throttle' | 'server-error' | 'html',
  call: Identified,
): Answer {
  if (fault === 'html')
    return {
      status: 500,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: HTML_PAGE,
    };
  const throttle = fault === 'throttle';
  switch (call.protocol) {
    case 'json':
      return throttle
        ? jsonError('ThrottlingException', 'Rate exceeded', 400)
        : jsonError(
            'InternalFailure',
            'The request processing has failed because of an unknown error.',
            500,
          );
    case 'rest-xml':
      return throttle
        ? s3Error('SlowDown', 'Please reduce your request rate.', 503)
        : s3Error(
            'InternalError',
            'We encountered an internal error. Please try again.',
            500,
          );
    case 'rest-json':
      return throttle
        ? restJsonError('RateLimitError', 'Rate exceeded', 429)
        : restJsonError('InternalServerError', 'Internal server error', 500);
    default:
      return throttle
        ? queryError(call, 'Sender', 'Throttling', 'Rate exceeded', 400)
        : queryError(
            call,
            'Receiver',
            'InternalFailure',
            'The request processing has failed because of an unknown error.',
            500,
          );
  }
}

interface PendingHold extends CallMatch {
  seen: number;
  taken: boolean;
  arrive(): void;
  go: Promise<void>;
  release(): void;
}

const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** Starts a fault-injecting proxy in front of `target` on a free loopback port. */
export async function startFaultProxy(options: {
  target: string;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true });
  let rules: Array<FaultRule & { left: number; toSkip: number }> = [];
  let holds: PendingHold[] = [];
  let seen: ProxiedCall[] = [];
  const sockets = new Set<Socket>();

  const takeHold = (call: Identified): PendingHold | undefined => {
    for (const h of holds) {
      if (!h.taken && matches(h, call)) {
        if (h.seen++ < (h.skip ?? 0)) continue;
        h.taken = true;
        return h;
      }
    }
    return undefined;
  };

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const upstream = http.request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          agent,
        },
        resolve,
      );
      upstream.once('error', reject);
      upstream.end(body);
    });

  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    const call = identify(req, body);
    const record: ProxiedCall = {
      service: call.service,
      operation: call.operation,
      method: req.method ?? '',
      path: req.url ?? '/',
      at: Date.now(),
      ...(call.token && { token: call.token }),
    };
    seen.push(record);

    const rule = rules.find(r => {
      if (r.left <= 0 || !matches(r, call)) return false;
      if (r.toSkip > 0) {
        r.toSkip--;
        return false;
      }
      return true;
    });
    if (rule) {
      rule.left--;
      record.faulted = rule.fault;
    }
    const held = takeHold(call);
    const phase = held?.phase ?? 'request';
    if (held && phase === 'request') {
      held.arrive();
      await held.go;
    }
    if (rule?.delayMs !== undefined || rule?.fault === 'slow')
      await sleep(rule.delayMs ?? 1000);

    if (rule && rule.fault === 'reset' && !rule.afterForward) {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (rule && rule.fault !== 'reset' && rule.fault !== 'slow') {
      const answer = faultAnswer(rule.fault, call);
      record.status = answer.status;
      res.writeHead(answer.status, {
        ...answer.headers,
        'content-length': Buffer.byteLength(answer.body),
      });
      res.end(answer.body);
      return;
    }

    let upstream: http.IncomingMessage;
    try {
      upstream = await forward(req, body);
    } catch (error) {
      record.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(
        `fault proxy: the target did not answer (${(error as Error).message})`,
      );
      return;
    }
    const answerChunks: Buffer[] = [];
    for await (const chunk of upstream) answerChunks.push(Buffer.from(chunk));
    if (held && phase === 'response') {
      held.arrive();
      await held.go;
    }
    if (rule?.fault === 'reset') {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    record.status = upstream.statusCode ?? 0;
    const headers = { ...upstream.headers };
    delete headers['transfer-encoding'];
    const answer = Buffer.concat(answerChunks);
    res.writeHead(record.status, {
      ...headers,
      'content-length': String(answer.length),
    });
    res.end(answer);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent)
        res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${(error as Error).message}`);
    });
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  const releaseAll = () => holds.forEach(h => h.release());

  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject(rule) {
      rules.push({ ...rule, left: rule.count ?? 1, toSkip: rule.skip ?? 0 });
    },
    calls() {
      return seen.map(c => ({ ...c }));
    },
    hold(match) {
      let arrive!: () => void;
      let go!: () => void;
      const arrived = new Promise<void>(resolve => (arrive = resolve));
      const goPromise = new Promise<void>(resolve => (go = resolve));
      const pending: PendingHold = {
        ...match,
        seen: 0,
        taken: false,
        arrive,
        go: goPromise,
        release() {
          // A hold released before its call arrives lets that call pass.
          pending.taken = true;
          go();
        },
      };
      holds.push(pending);
      return { arrived, release: () => pending.release() };
    },
    reset() {
      releaseAll();
      rules = [];
      holds = [];
      seen = [];
    },
    async stop() {
      releaseAll();
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
