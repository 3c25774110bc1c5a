import crypto from 'node:crypto';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { freeLoopbackPort, motoCredentials } from './moto';

/**
 * A fake of the AWS Wickr admin API (2024-02-01) for tests, built from its model: the
 * seven routes of the data-retention bot, their members, status codes and error shapes
 * (`x-amzn-ErrorType` and a JSON body with `message`, plus `reasons` for a 422), on
 * 127.0.0.1. Every request must be signed with SigV4 for service `wickr` and the fake's
 * region with the configured keys (moto's `testing`/`testing` by default):
 * no Authorization header or an unknown access key → 401 UnauthorizedError; a signature
 * that does not match, a scope of another service or region, a stale or missing
 * x-amz-date, a signed header absent, a body that does not match its hash → 403 ForbiddenError.
 *
 * What the model does not say, and the fake assumes: GetDataRetentionBot of a network
 * without a bot answers `botExists: false`; CreateDataRetentionBot where a bot exists is a
 * 400 BadRequestError; the challenge and UpdateDataRetention without a bot are a 404;
 * DeleteDataRetentionBot without a bot succeeds (it is idempotent); a bot that logs in
 * with the challenge spends it. ENABLE needs neither registration nor PUBKEY_MSG_ACK
 * unless `requirePubkeyAckBeforeEnable` is set.
 */

export const FAKE_WICKR_OPERATIONS = [
  'ListNetworks',
  'GetNetwork',
  'GetDataRetentionBot',
  'CreateDataRetentionBot',
  'CreateDataRetentionBotChallenge',
  'UpdateDataRetention',
  'DeleteDataRetentionBot',
] as const;

export type FakeWickrOperation = (typeof FAKE_WICKR_OPERATIONS)[number];

export interface FakeWickrNetwork {
  networkId: string;
  networkName: string;
  accessLevel: 'STANDARD' | 'PREMIUM';
  awsAccountId: string;
  /** Default: arn:aws:wickr:<region>:<awsAccountId>:network/<networkId> (the real format is unconfirmed). */
  networkArn?: string;
  standing?: number;
  freeTrialExpiration?: string;
  migrationState?: number;
  encryptionKeyArn?: string;
}

export interface FakeWickrAdminOptions {
  networks?: FakeWickrNetwork[];
  /** The region requests must be signed for. Default: us-east-1. */
  region?: string;
  /** The keys requests must be signed with. Default: moto's test keys. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The bot's name in a network. Default: compliance_<networkId>_bot. */
  botName?: (networkId: string) => string;
  /** Refuse ENABLE (400) until PUBKEY_MSG_ACK was sent: the real order is unconfirmed. */
  requirePubkeyAckBeforeEnable?: boolean;
}

/** A request as the fake saw it; never a body, so never a password. */
export interface FakeWickrRequest {
  operation: FakeWickrOperation | 'Unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  /** The status answered; 0 for a connection closed without an answer. */
  status: number;
  /** When it arrived (Date.now()). */
  receivedAt: number;
  /** From the signature's credential scope, when there was one. */
  signedRegion?: string;
  signedService?: string;
}

/** An answer to give instead of the real one. `body` is sent as it is (HTML if it starts with `<`, else JSON). */
export interface FakeWickrFault {
  status: number;
  /** x-amzn-ErrorType. Default: the model's type for the status, unless `body` is given. */
  type?: string;
  body?: string;
  retryAfterSeconds?: number;
  /** How many requests of the operation get the fault. Default: 1. */
  times?: number;
  /** Close the connection without answering (the client sees a reset connection). */
  resetConnection?: boolean;
}

/** The bot of a network, as the fake holds it (the challenge itself is not shown). */
export interface FakeWickrBot {
  botName: string;
  hasChallenge: boolean;
  registered: boolean;
  active: boolean;
  pubkeyAcked: boolean;
  retentionEnabled: boolean;
}

export interface FakeWickrState {
  /** The bot of a network, or undefined when it has none. */
  bot(networkId: string): FakeWickrBot | undefined;
  /**
   * A bot logs in with a password: accepted only with the network's current challenge,
   * which it spends; then the bot is registered and active.
   */
  botLogsIn(networkId: string, password: string): boolean;
}

export interface FakeWickrAdmin {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly region: string;
  readonly state: FakeWickrState;
  readonly requests: FakeWickrRequest[];
  failNext(operation: FakeWickrOperation, fault: FakeWickrFault): void;
  stop(): Promise<void>;
}

interface BotRecord extends Omit<FakeWickrBot, 'hasChallenge'> {
  challenge?: string;
}

interface Answer {
  status: number;
  body?: Record<string, unknown>;
  type?: string;
  headers?: Record<string, string>;
  raw?: string;
  reset?: boolean;
}

const ROUTES: Array<{ operation: FakeWickrOperation; method: string; path: RegExp }> = [
  { operation: 'ListNetworks', method: 'GET', path: /^\/networks$/ },
  { operation: 'GetNetwork', method: 'GET', path: /^\/networks\/([^/]+)$/ },
  { operation: 'GetDataRetentionBot', method: 'GET', path: /^\/networks\/([^/]+)\/data-retention-bots$/ },
  { operation: 'CreateDataRetentionBot', method: 'POST', path: /^\/networks\/([^/]+)\/data-retention-bots$/ },
  { operation: 'CreateDataRetentionBotChallenge', method: 'POST', path: /^\/networks\/([^/]+)\/data-retention-bots\/challenge$/ },
  { operation: 'UpdateDataRetention', method: 'PATCH', path: /^\/networks\/([^/]+)\/data-retention-bots$/ },
  { operation: 'DeleteDataRetentionBot', method: 'DELETE', path: /^\/networks\/([^/]+)\/data-retention-bots$/ },
];

/** The model's error type for each status. */
const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'UnauthorizedError',
  403: 'ForbiddenError',
  404: 'ResourceNotFoundError',
  422: 'ValidationError',
  429: 'RateLimitError',
  500: 'InternalServerError',
};

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const fail = (status: number, message: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  type: ERROR_TYPES[status],
  body: { message, ...extra },
});

const invalid = (field: string, reason: string): Answer =>
  fail(422, `Validation failed: ${field}`, { reasons: [{ field, reason }] });

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (an HMAC with a secret) on node:crypto, in the shape the SigV4 signer takes. */
class NodeSha256 {
  private readonly hash: crypto.Hash | crypto.Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

class FakeWickrServer {
  readonly server = http.createServer((req, res) => {
    this.receive(req, res).catch(error => send(res, fail(500, `The fake failed: ${error}`)));
  });
  readonly region: string;
  readonly requests: FakeWickrRequest[] = [];
  readonly state: FakeWickrState;
  private readonly networks = new Map<string, Required<Pick<FakeWickrNetwork, 'networkArn'>> & FakeWickrNetwork>();
  private readonly bots = new Map<string, BotRecord>();
  private readonly faults = new Map<string, FakeWickrFault[]>();
  private readonly credentials: { accessKeyId: string; secretAccessKey: string };

  constructor(private readonly options: FakeWickrAdminOptions) {
    this.region = options.region ?? 'us-east-1';
    this.credentials = options.credentials ?? motoCredentials;
    for (const network of options.networks ?? []) {
      const networkArn = network.networkArn ?? `arn:aws:wickr:${this.region}:${network.awsAccountId}:network/${network.networkId}`;
      this.networks.set(network.networkId, { ...network, networkArn });
    }
    this.state = {
      bot: networkId => {
        const bot = this.bots.get(networkId);
        if (!bot) return undefined;
        const { challenge, ...shown } = bot;
        return { ...shown, hasChallenge: challenge !== undefined };
      },
      botLogsIn: (networkId, password) => this.botLogsIn(networkId, password),
    };
  }

  failNext(operation: FakeWickrOperation, fault: FakeWickrFault): void {
    const queue = this.faults.get(operation) ?? [];
    for (let i = 0; i < (fault.times ?? 1); i++) queue.push(fault);
    this.faults.set(operation, queue);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private async receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const route = ROUTES.find(r => r.method === req.method && r.path.test(url.pathname));
    const scope = credentialScope(req.headers.authorization);
    const answer = (await this.refusal(req, url.pathname, query, body)) ?? this.answer(route, url.pathname, query, body);
    this.requests.push({
      operation: route?.operation ?? 'Unknown',
      method: req.method ?? '',
      path: url.pathname,
      query,
      status: answer.status,
      receivedAt,
      signedRegion: scope?.region,
      signedService: scope?.service,
    });
    send(res, answer);
  }

  private answer(route: (typeof ROUTES)[number] | undefined, path: string, query: Record<string, string>, body: Buffer): Answer {
    if (!route) return fail(404, `No route for ${path}`);
    const fault = this.faults.get(route.operation)?.shift();
    if (fault) return faultAnswer(fault);
    const networkId = route.path.exec(path)?.[1];
    if (networkId === undefined) return this.listNetworks(query);
    if (!/^[0-9]{8}$/.test(networkId)) return invalid('networkId', 'must be exactly 8 digits');
    const network = this.networks.get(networkId);
    if (!network) return fail(404, `Network ${networkId} not found`);
    switch (route.operation) {
      case 'GetNetwork':
        return { status: 200, body: { ...network } };
      case 'GetDataRetentionBot':
        return this.getBot(networkId);
      case 'CreateDataRetentionBot':
        return this.createBot(networkId);
      case 'CreateDataRetentionBotChallenge':
        return this.createChallenge(networkId);
      case 'UpdateDataRetention':
        return this.updateRetention(networkId, body);
      default:
        this.bots.delete(networkId);
        return { status: 200, body: { message: `Data retention bot of network ${networkId} deleted` } };
    }
  }

  private listNetworks(query: Record<string, string>): Answer {
    const maxResults = query.maxResults === undefined ? 10 : Number(query.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      return invalid('maxResults', 'must be an integer from 1 to 100');
    }
    const sortField = query.sortFields ?? 'networkId';
    if (sortField !== 'networkId' && sortField !== 'networkName') return invalid('sortFields', 'must be networkId or networkName');
    const direction = query.sortDirection ?? 'DESC';
    if (direction !== 'ASC' && direction !== 'DESC') return invalid('sortDirection', 'must be ASC or DESC');
    const offset = query.nextToken === undefined ? 0 : offsetOfToken(query.nextToken);
    if (offset === undefined) return invalid('nextToken', 'is not a token this API returned');
    const sorted = [...this.networks.values()].sort((a, b) => a[sortField].localeCompare(b[sortField]));
    if (direction === 'DESC') sorted.reverse();
    const page = sorted.slice(offset, offset + maxResults);
    const next = offset + maxResults < sorted.length ? tokenOfOffset(offset + maxResults) : undefined;
    return { status: 200, body: { networks: page, ...(next && { nextToken: next }) } };
  }

  private getBot(networkId: string): Answer {
    const bot = this.bots.get(networkId);
    if (!bot) return { status: 200, body: { botExists: false } };
    return {
      status: 200,
      body: {
        botName: bot.botName,
        botExists: true,
        isBotActive: bot.active,
        isDataRetentionBotRegistered: bot.registered,
        isDataRetentionServiceEnabled: bot.retentionEnabled,
        isPubkeyMsgAcked: bot.pubkeyAcked,
      },
    };
  }

  private createBot(networkId: string): Answer {
    if (this.bots.has(networkId)) return fail(400, `Network ${networkId} already has a data retention bot`);
    const botName = this.options.botName?.(networkId) ?? `compliance_${networkId}_bot`;
    this.bots.set(networkId, { botName, registered: false, active: false, pubkeyAcked: false, retentionEnabled: false });
    return { status: 200, body: { message: `Data retention bot ${botName} provisioned` } };
  }

  private createChallenge(networkId: string): Answer {
    const bot = this.bots.get(networkId);
    if (!bot) return fail(404, `Network ${networkId} has no data retention bot`);
    bot.challenge = randomPassword();
    return { status: 200, body: { challenge: bot.challenge } };
  }

  private updateRetention(networkId: string, body: Buffer): Answer {
    const input = parseJsonObject(body);
    if (!input) return fail(400, 'The request body is not a JSON object');
    const actionType = input.actionType;
    if (actionType !== 'ENABLE' && actionType !== 'DISABLE' && actionType !== 'PUBKEY_MSG_ACK') {
      return invalid('actionType', 'must be ENABLE, DISABLE or PUBKEY_MSG_ACK');
    }
    const bot = this.bots.get(networkId);
    if (!bot) return fail(404, `Network ${networkId} has no data retention bot`);
    if (actionType === 'PUBKEY_MSG_ACK') bot.pubkeyAcked = true;
    else if (actionType === 'DISABLE') bot.retentionEnabled = false;
    else if (this.options.requirePubkeyAckBeforeEnable && !bot.pubkeyAcked) {
      return fail(400, 'The public key message has not been acknowledged (PUBKEY_MSG_ACK)');
    } else bot.retentionEnabled = true;
    return { status: 200, body: { message: `Data retention ${actionType} done` } };
  }

  private botLogsIn(networkId: string, password: string): boolean {
    const bot = this.bots.get(networkId);
    if (!bot?.challenge || !sameText(bot.challenge, password)) return false;
    bot.challenge = undefined;
    bot.registered = true;
    bot.active = true;
    return true;
  }

  /** The 401 or 403 for a request whose signature this fake does not accept, or undefined. */
  private async refusal(req: http.IncomingMessage, path: string, query: Record<string, string>, body: Buffer): Promise<Answer | undefined> {
    const authorization = req.headers.authorization;
    if (!authorization) return fail(401, 'The request is not signed: no Authorization header');
    const parsed = parseAuthorization(authorization);
    if (!parsed) return fail(403, 'The Authorization header is not an AWS4-HMAC-SHA256 signature');
    if (parsed.accessKeyId !== this.credentials.accessKeyId) return fail(401, 'The access key id is not known');
    if (parsed.service !== 'wickr') return fail(403, `Credential should be scoped to the correct service: 'wickr', not '${parsed.service}'`);
    if (parsed.region !== this.region) return fail(403, `Credential should be scoped to a valid region: '${this.region}', not '${parsed.region}'`);
    const amzDate = header(req, 'x-amz-date');
    const signingDate = amzDate ? dateOfAmzDate(amzDate) : undefined;
    if (!signingDate || amzDate!.slice(0, 8) !== parsed.date) return fail(403, 'x-amz-date is missing, malformed or not the date of the credential scope');
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) return fail(403, 'Signature expired: x-amz-date is more than 15 minutes from now');
    const missing = parsed.signedHeaders.filter(name => header(req, name) === undefined);
    if (missing.length || !parsed.signedHeaders.includes('host')) return fail(403, `Signed headers are missing: ${missing.join(', ') || 'host'}`);
    const contentHash = header(req, 'x-amz-content-sha256');
    if (contentHash !== undefined && contentHash !== crypto.createHash('sha256').update(body).digest('hex')) {
      return fail(403, 'The body does not match x-amz-content-sha256');
    }
    const expected = await this.signature(req, parsed.signedHeaders, { path, query, body, signingDate });
    if (!expected || !sameText(expected, parsed.signature)) {
      return fail(403, 'The request signature we calculated does not match the signature you provided');
    }
    return undefined;
  }

  private async signature(
    req: http.IncomingMessage,
    signedHeaders: string[],
    request: { path: string; query: Record<string, string>; body: Buffer; signingDate: Date },
  ): Promise<string | undefined> {
    const headers = Object.fromEntries(signedHeaders.map(name => [name, header(req, name)!]));
    const signer = new SignatureV4({
      service: 'wickr',
      region: this.region,
      credentials: this.credentials,
      sha256: NodeSha256,
      applyChecksum: signedHeaders.includes('x-amz-content-sha256'),
    });
    const signed = await signer.sign(
      {
        method: req.method ?? 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: request.path,
        query: request.query,
        headers,
        body: request.body.length ? request.body : undefined,
      },
      { signingDate: request.signingDate, signableHeaders: new Set(signedHeaders) },
    );
    return parseAuthorization(signed.headers.authorization ?? '')?.signature;
  }
}

function faultAnswer(fault: FakeWickrFault): Answer {
  if (fault.resetConnection) return { status: 0, reset: true };
  const type = fault.type ?? (fault.body === undefined ? ERROR_TYPES[fault.status] ?? (fault.status >= 500 ? 'InternalServerError' : undefined) : undefined);
  const headers = fault.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(fault.retryAfterSeconds) };
  if (fault.body !== undefined) return { status: fault.status, type, headers, raw: fault.body };
  return { status: fault.status, type, headers, body: { message: `Injected fault: ${type ?? fault.status}` } };
}

function send(res: http.ServerResponse, answer: Answer): void {
  if (answer.reset) {
    res.socket?.destroy();
    return;
  }
  const text = answer.raw ?? JSON.stringify(answer.body ?? {});
  const html = answer.raw !== undefined && answer.raw.trimStart().startsWith('<');
  res.writeHead(answer.status, {
    'content-type': html ? 'text/html; charset=utf-8' : 'application/json',
    'x-amzn-requestid': crypto.randomUUID(),
    ...(answer.type && { 'x-amzn-errortype': answer.type }),
    ...answer.headers,
  });
  res.end(text);
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = AUTHORIZATION.exec(value);
  if (!m) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function credentialScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const parsed = authorization ? parseAuthorization(authorization) : undefined;
  return parsed && { region: parsed.region, service: parsed.service };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** 20240131T235959Z */
function dateOfAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function tokenOfOffset(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function offsetOfToken(token: string): number | undefined {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 24 letters and digits, as the Wickr IO client generates its passwords. */
function randomPassword(): string {
  return Array.from({ length: 24 }, () => PASSWORD_ALPHABET[crypto.randomInt(PASSWORD_ALPHABET.length)]).join('');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeWickrAdmin(options: FakeWickrAdminOptions = {}): Promise<FakeWickrAdmin> {
  const fake = new FakeWickrServer(options);
  const port = await freeLoopbackPort();
  await new Promise<void>((resolve, reject) => {
    fake.server.once('error', reject);
    fake.server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: fake.region,
    state: fake.state,
    requests: fake.requests,
    failNext: (operation, fault) => fake.failNext(operation, fault),
    stop: () => fake.stop(),
  };
}
