import http from 'node:http';
import { AddressInfo } from 'node:net';

/** A loopback proxy in front of moto_server that records every AWS call that reaches it. */
export interface RecordingProxy {
  /** http://127.0.0.1:PORT: give it to the portal as wickrDr.endpoint. */
  readonly endpoint: string;
  /** The operations called, in order: the X-Amz-Target or the query protocol's Action. */
  readonly calls: string[];
  stop(): Promise<void>;
}

function operationOf(req: http.IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  const action = new URLSearchParams(body.toString('utf8')).get('Action');
  return action ?? `${req.method} ${req.url}`;
}

/** Starts a recording proxy to `upstream` (moto's endpoint) on a free loopback port. */
export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const calls: string[] = [];
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      calls.push(operationOf(req, body));
      const forwarded = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', error => res.writeHead(502).end(String(error)));
      forwarded.end(body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
