/**
 * A per-account CloudFormation throttle for bench/replicas: a small reverse proxy on
 * 127.0.0.1 in front of moto_server (which throttles nothing). Every CloudFormation call
 * (the SigV4 credential scope's service) takes a token from the bucket of its account,
 * region and operation, refilled at `perSecond` and holding a second's worth (as
 * bench/keeper's simulation does); a call that finds the bucket empty is answered as
 * CloudFormation throttles, a 400 `Throttling` / `Rate exceeded` in the query protocol's
 * XML, and never reaches moto. Every other call passes untouched. Both replicas' fault
 * proxies forward here, so the throttle is the account's, shared by the two, as AWS's is.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { TokenBucket } from '../lib/tokenBucket';

export interface ThrottledCall {
  account: string;
  region: string;
  operation: string;
  /** A DescribeStacks without StackName: a listing of the account's stacks (discovery's). */
  listing?: boolean;
  /** When it arrived here (after the fault proxy's latency). */
  at: number;
  throttled: boolean;
}

export interface CloudFormationThrottle {
  readonly endpoint: string;
  /** Every CloudFormation call seen so far (copies). */
  calls(): ThrottledCall[];
  /** Forgets the calls seen (the buckets keep their tokens). */
  clear(): void;
  stop(): Promise<void>;
}

export interface ThrottleOptions {
  target: string;
  /** Calls a second one account may make of one operation in one region. */
  perSecond: number;
  /** The account of an access key id (moto's every key is one account). Default: the key itself. */
  accountOf?: (accessKeyId: string) => string;
}


/** Access key id, region and service of a SigV4 Authorization header's credential. */
function credentialScope(authorization: string | undefined) {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { accessKeyId: match[1], region: match[2], service: match[3] } : undefined;
}

function throttlingAnswer(): { status: number; headers: Record<string, string>; body: string } {
  const id = `bench-throttle-${Math.random().toString(16).slice(2, 10)}`;
  return {
    status: 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body:
      '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>' +
      `<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

export async function startCloudFormationThrottle(options: ThrottleOptions): Promise<CloudFormationThrottle> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true });
  const buckets = new Map<string, TokenBucket>();
  const sockets = new Set<Socket>();
  let seen: ThrottledCall[] = [];

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) =>
    new Promise<void>((resolve, reject) => {
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          agent,
        },
        answer => {
          const headers = { ...answer.headers };
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
          answer.once('end', () => resolve());
          answer.once('error', reject);
        },
      );
      upstream.once('error', reject);
      upstream.end(body);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    const scope = credentialScope(req.headers.authorization);
    if (scope?.service === 'cloudformation') {
      const form = new URLSearchParams(body.toString('utf8'));
      const operation = form.get('Action') ?? new URL(req.url ?? '/', 'http://throttle').searchParams.get('Action') ?? 'unknown';
      const account = options.accountOf?.(scope.accessKeyId) ?? scope.accessKeyId;
      const key = `${account}/${scope.region}/${operation}`;
      if (!buckets.has(key)) buckets.set(key, new TokenBucket(options.perSecond, Date.now()));
      const now = Date.now();
      const allowed = buckets.get(key)!.take(now);
      const listing = operation === 'DescribeStacks' && !form.has('StackName');
      seen.push({ account, region: scope.region, operation, ...(listing && { listing }), at: now, throttled: !allowed });
      if (!allowed) {
        const answer = throttlingAnswer();
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
        res.end(answer.body);
        return;
      }
    }
    await forward(req, body, res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bench throttle: ${(error as Error).message}`);
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
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => seen.map(c => ({ ...c })),
    clear: () => {
      seen = [];
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
