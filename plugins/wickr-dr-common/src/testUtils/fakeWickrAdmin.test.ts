import crypto from 'node:crypto';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { FakeWickrAdmin, FakeWickrAdminOptions, FakeWickrNetwork, startFakeWickrAdmin } from './fakeWickrAdmin';
import { motoCredentials } from './moto';

// The fake itself, over real HTTP on 127.0.0.1, with requests signed by the SDK's SigV4 signer.

type Source = string | ArrayBuffer | ArrayBufferView;
function bytes(data: Source): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

class TestSha256 {
  private readonly hash: crypto.Hash | crypto.Hmac;
  constructor(secret?: Source) {
    this.hash = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', bytes(secret));
  }
  update(data: Source) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

interface Call {
  method?: string;
  path: string;
  query?: Record<string, string>;
  body?: object;
  /** Signing: omitted with `unsigned`. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  service?: string;
  region?: string;
  signingDate?: Date;
  unsigned?: boolean;
  /** Headers signed but then not sent, or a body sent instead of the signed one. */
  dropHeader?: string;
  sendBody?: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

function exchange(fake: FakeWickrAdmin, path: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${fake.endpoint}${path}`, { method, headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function call(fake: FakeWickrAdmin, c: Call): Promise<Answer> {
  const method = c.method ?? 'GET';
  const url = new URL(fake.endpoint);
  const body = c.body === undefined ? undefined : JSON.stringify(c.body);
  const headers: Record<string, string> = {
    host: url.host,
    ...(body !== undefined && { 'content-type': 'application/json' }),
    ...(c.dropHeader && { [c.dropHeader]: 'x' }),
  };
  const query = c.query ?? {};
  let sent = headers;
  if (!c.unsigned) {
    const signer = new SignatureV4({
      service: c.service ?? 'wickr',
      region: c.region ?? fake.region,
      credentials: c.credentials ?? motoCredentials,
      sha256: TestSha256,
    });
    const request = { method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: c.path, query, headers, body };
    sent = (await signer.sign(request, { signingDate: c.signingDate })).headers as Record<string, string>;
  }
  if (c.dropHeader) delete sent[c.dropHeader];
  const queryString = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return exchange(fake, `${c.path}${queryString ? `?${queryString}` : ''}`, method, sent, c.sendBody ?? body);
}

const network = (i: number, extra: Partial<FakeWickrNetwork> = {}): FakeWickrNetwork => ({
  networkId: String(10000000 + i),
  networkName: `network-${String(i).padStart(3, '0')}`,
  accessLevel: 'PREMIUM',
  awsAccountId: '123456789012',
  ...extra,
});

describe('the fake Wickr admin API', () => {
  let fake: FakeWickrAdmin;
  const start = async (options: FakeWickrAdminOptions = {}) => {
    fake = await startFakeWickrAdmin({ networks: [network(1)], ...options });
    return fake;
  };
  afterEach(() => fake?.stop());

  describe('the signature check', () => {
    beforeEach(() => start());

    it('answers a request signed for wickr and its region with the moto keys, and records the scope', async () => {
      const answer = await call(fake, { path: '/networks/10000001' });
      expect(answer.status).toBe(200);
      expect(answer.json.networkId).toBe('10000001');
      expect(fake.requests).toEqual([
        expect.objectContaining({ operation: 'GetNetwork', method: 'GET', status: 200, signedRegion: 'us-east-1', signedService: 'wickr' }),
      ]);
    });

    it('refuses an unsigned request or unknown keys with a 401 UnauthorizedError', async () => {
      for (const c of [{ unsigned: true }, { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'testing' } }]) {
        const answer = await call(fake, { path: '/networks/10000001', ...c });
        expect(answer.status).toBe(401);
        expect(answer.headers['x-amzn-errortype']).toBe('UnauthorizedError');
        expect(answer.json.message).toEqual(expect.any(String));
      }
    });

    it.each([
      ['the wrong secret', { credentials: { accessKeyId: 'testing', secretAccessKey: 'wrong' } }, /signature we calculated does not match/],
      ['another service', { service: 'execute-api' }, /scoped to the correct service: 'wickr', not 'execute-api'/],
      ['another region', { region: 'eu-west-1' }, /scoped to a valid region: 'us-east-1', not 'eu-west-1'/],
      ['a date 20 minutes old', { signingDate: new Date(Date.now() - 20 * 60_000) }, /Signature expired/],
      ['a signed header not sent', { dropHeader: 'x-wickr-test' }, /Signed headers are missing: x-wickr-test/],
    ])('refuses a request signed with %s with a 403 ForbiddenError', async (_what, c, message) => {
      const answer = await call(fake, { path: '/networks/10000001', ...c });
      expect(answer.status).toBe(403);
      expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenError');
      expect(answer.json.message).toMatch(message);
    });

    it('refuses a body other than the one signed', async () => {
      await call(fake, { method: 'POST', path: '/networks/10000001/data-retention-bots' });
      const path = '/networks/10000001/data-retention-bots';
      const answer = await call(fake, { method: 'PATCH', path, body: { actionType: 'DISABLE' }, sendBody: '{"actionType":"ENABLE"}' });
      expect(answer.status).toBe(403);
      expect(fake.state.bot('10000001')?.retentionEnabled).toBe(false);
    });

    it('takes other keys when configured, and then refuses the moto ones', async () => {
      await fake.stop();
      const keys = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };
      await start({ credentials: keys, region: 'eu-west-2' });
      expect((await call(fake, { path: '/networks/10000001', credentials: keys })).status).toBe(200);
      expect((await call(fake, { path: '/networks/10000001' })).status).toBe(401);
    });
  });

  describe('the routes', () => {
    beforeEach(() => start({ networks: [network(1, { standing: 1, migrationState: 0 })] }));

    it('reads a network with its members, a default ARN included', async () => {
      const answer = await call(fake, { path: '/networks/10000001' });
      expect(answer.json).toEqual({
        networkId: '10000001',
        networkName: 'network-001',
        accessLevel: 'PREMIUM',
        awsAccountId: '123456789012',
        networkArn: 'arn:aws:wickr:us-east-1:123456789012:network/10000001',
        standing: 1,
        migrationState: 0,
      });
    });

    it('answers a malformed networkId with a 422 naming it, and an unknown network with a 404', async () => {
      const invalid = await call(fake, { path: '/networks/1234/data-retention-bots' });
      expect(invalid.status).toBe(422);
      expect(invalid.headers['x-amzn-errortype']).toBe('ValidationError');
      expect(invalid.json).toEqual({ message: expect.any(String), reasons: [{ field: 'networkId', reason: 'must be exactly 8 digits' }] });
      const unknown = await call(fake, { path: '/networks/99999999' });
      expect(unknown.status).toBe(404);
      expect(unknown.headers['x-amzn-errortype']).toBe('ResourceNotFoundError');
      expect((await call(fake, { method: 'PUT', path: '/networks/10000001' })).status).toBe(404);
      expect(fake.requests.map(r => r.operation)).toEqual(['GetDataRetentionBot', 'GetNetwork', 'Unknown']);
    });
  });

  describe('ListNetworks', () => {
    beforeEach(() => start({ networks: Array.from({ length: 25 }, (_, i) => network(i, { networkName: `n-${String(24 - i).padStart(2, '0')}` })) }));

    const ids = (answer: Answer) => answer.json.networks.map((n: FakeWickrNetwork) => n.networkId);

    it('pages 10 at a time by default, networkId descending, until nextToken is absent', async () => {
      const pages: string[][] = [];
      let nextToken: string | undefined;
      do {
        const answer = await call(fake, { path: '/networks', query: nextToken ? { nextToken } : {} });
        expect(answer.status).toBe(200);
        pages.push(ids(answer));
        nextToken = answer.json.nextToken;
      } while (nextToken);
      expect(pages.map(p => p.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => String(10000024 - i)));
    });

    it('takes maxResults, sortFields and sortDirection', async () => {
      const answer = await call(fake, { path: '/networks', query: { maxResults: '100', sortFields: 'networkName', sortDirection: 'ASC' } });
      expect(answer.json.nextToken).toBeUndefined();
      expect(answer.json.networks.map((n: FakeWickrNetwork) => n.networkName).slice(0, 3)).toEqual(['n-00', 'n-01', 'n-02']);
      expect(ids(await call(fake, { path: '/networks', query: { maxResults: '2', sortDirection: 'ASC' } }))).toEqual(['10000000', '10000001']);
    });

    it.each([
      [{ maxResults: '0' }, 'maxResults'],
      [{ maxResults: '101' }, 'maxResults'],
      [{ maxResults: 'ten' }, 'maxResults'],
      [{ sortFields: 'awsAccountId' }, 'sortFields'],
      [{ sortDirection: 'UP' }, 'sortDirection'],
      [{ nextToken: 'not-a-token' }, 'nextToken'],
    ])('refuses %j with a 422 naming %s', async (query, field) => {
      const answer = await call(fake, { path: '/networks', query });
      expect(answer.status).toBe(422);
      expect(answer.json.reasons).toEqual([{ field, reason: expect.any(String) }]);
    });
  });

  describe("the bot's state", () => {
    const bots = '/networks/10000001/data-retention-bots';
    const update = (actionType: unknown) => call(fake, { method: 'PATCH', path: bots, body: { actionType } });

    it('goes from none to created, challenged, registered, acknowledged, enabled, disabled and deleted', async () => {
      await start();
      expect((await call(fake, { path: bots })).json).toEqual({ botExists: false });
      expect(fake.state.bot('10000001')).toBeUndefined();

      expect((await call(fake, { method: 'POST', path: bots })).status).toBe(200);
      expect((await call(fake, { method: 'POST', path: bots })).status).toBe(400);
      expect((await call(fake, { path: bots })).json).toEqual({
        botName: 'compliance_10000001_bot',
        botExists: true,
        isBotActive: false,
        isDataRetentionBotRegistered: false,
        isDataRetentionServiceEnabled: false,
        isPubkeyMsgAcked: false,
      });

      const first = (await call(fake, { method: 'POST', path: `${bots}/challenge` })).json.challenge;
      const second = (await call(fake, { method: 'POST', path: `${bots}/challenge` })).json.challenge;
      expect(second).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(second).not.toBe(first);
      expect(fake.state.bot('10000001')).toMatchObject({ hasChallenge: true, registered: false });
      expect(fake.state.botLogsIn('10000001', first)).toBe(false);
      expect(fake.state.botLogsIn('10000001', second)).toBe(true);
      expect(fake.state.botLogsIn('10000001', second)).toBe(false); // spent
      expect(fake.state.bot('10000001')).toMatchObject({ hasChallenge: false, registered: true, active: true });

      expect((await update('PUBKEY_MSG_ACK')).status).toBe(200);
      expect((await update('ENABLE')).status).toBe(200);
      expect((await call(fake, { path: bots })).json).toMatchObject({ isPubkeyMsgAcked: true, isDataRetentionServiceEnabled: true, isDataRetentionBotRegistered: true });
      await update('DISABLE');
      expect(fake.state.bot('10000001')?.retentionEnabled).toBe(false);

      expect((await call(fake, { method: 'DELETE', path: bots })).status).toBe(200);
      expect(fake.state.bot('10000001')).toBeUndefined();
      expect((await call(fake, { method: 'DELETE', path: bots })).status).toBe(200); // idempotent
      expect(JSON.stringify(fake.requests)).not.toContain(second);
    });

    it('refuses a challenge or an update without a bot, a bad actionType and a body that is not JSON', async () => {
      await start();
      expect((await call(fake, { method: 'POST', path: `${bots}/challenge` })).status).toBe(404);
      expect((await update('ENABLE')).status).toBe(404);
      expect(fake.state.botLogsIn('10000001', 'anything')).toBe(false);
      await call(fake, { method: 'POST', path: bots });
      const bad = await update('TURN_ON');
      expect(bad.status).toBe(422);
      expect(bad.json.reasons).toEqual([{ field: 'actionType', reason: expect.any(String) }]);
      expect((await call(fake, { method: 'PATCH', path: bots, body: ['ENABLE'] })).status).toBe(400);
    });

    it('names bots as configured, and can require PUBKEY_MSG_ACK before ENABLE', async () => {
      await start({ botName: id => `dr_${id}`, requirePubkeyAckBeforeEnable: true });
      await call(fake, { method: 'POST', path: bots });
      expect((await call(fake, { path: bots })).json.botName).toBe('dr_10000001');
      expect((await update('ENABLE')).status).toBe(400);
      await update('PUBKEY_MSG_ACK');
      expect((await update('ENABLE')).status).toBe(200);
    });
  });

  describe('injected faults', () => {
    beforeEach(() => start());

    it('answers the next requests of an operation with the fault, then normally again', async () => {
      fake.failNext('GetNetwork', { status: 429, retryAfterSeconds: 1, times: 2 });
      const throttled = await call(fake, { path: '/networks/10000001' });
      expect(throttled.status).toBe(429);
      expect(throttled.headers['x-amzn-errortype']).toBe('RateLimitError');
      expect(throttled.headers['retry-after']).toBe('1');
      expect((await call(fake, { path: '/networks/10000001' })).status).toBe(429);
      expect((await call(fake, { path: '/networks' })).status).toBe(200);
      expect((await call(fake, { path: '/networks/10000001' })).status).toBe(200);
    });

    it('sends a body as given: an HTML page without an error type', async () => {
      fake.failNext('ListNetworks', { status: 502, body: '<html><title>Bad Gateway</title></html>' });
      const answer = await call(fake, { path: '/networks' });
      expect(answer.status).toBe(502);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(answer.headers['x-amzn-errortype']).toBeUndefined();
      expect(answer.text).toBe('<html><title>Bad Gateway</title></html>');
    });

    it('can close the connection without an answer', async () => {
      fake.failNext('ListNetworks', { status: 500, resetConnection: true });
      await expect(call(fake, { path: '/networks' })).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(fake.requests.map(r => r.status)).toEqual([0]);
    });
  });
});
