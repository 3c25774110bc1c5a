/**
 * @jest-environment node
 */
import {
  CloudFormationClient,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { startFakeWickrAdmin, FakeWickrAdmin } from './fakeWickrAdmin';
import { FaultProxy, signedServiceOf, startFaultProxy } from './faultProxy';
import { MotoServer, motoClientConfig, startMoto } from './moto';

// The proxy itself, with moto_server and the fake Wickr admin API behind it on 127.0.0.1:
// the real CloudFormation client for the query protocol, signed-looking raw requests for the others.

const scope = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

describe('startFaultProxy (moto and the fake Wickr admin API behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => proxy.reset());

  const cloudFormation = (maxAttempts = 1) =>
    new CloudFormationClient({
      ...motoClientConfig(moto),
      endpoint: proxy.endpoint,
      maxAttempts,
      retryMode: 'standard',
    });

  it('forwards and names a query-protocol call by its Action and the signature scope', async () => {
    await cloudFormation().send(new ListStacksCommand({}));
    expect(proxy.calls()).toEqual([
      expect.objectContaining({
        service: 'cloudformation',
        operation: 'ListStacks',
        method: 'POST',
        status: 200,
      }),
    ]);
    expect(proxy.calls()[0].faulted).toBeUndefined();
  });

  it('throttles as CloudFormation does, count times, then passes through (the SDK retries)', async () => {
    proxy.inject({
      service: 'cloudformation',
      operation: 'ListStacks',
      fault: 'throttle',
      count: 2,
    });
    await cloudFormation(3).send(new ListStacksCommand({}));
    expect(proxy.calls().map(c => [c.operation, c.status, c.faulted])).toEqual([
      ['ListStacks', 400, 'throttle'],
      ['ListStacks', 400, 'throttle'],
      ['ListStacks', 200, undefined],
    ]);
  });

  it('gives throttle, server-error, reset and html errors the SDK reads as AWS would', async () => {
    proxy.inject({ operation: 'ListStacks', fault: 'throttle' });
    await expect(
      cloudFormation().send(new ListStacksCommand({})),
    ).rejects.toMatchObject({
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    proxy.inject({ operation: 'ListStacks', fault: 'server-error' });
    await expect(
      cloudFormation().send(new ListStacksCommand({})),
    ).rejects.toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    proxy.inject({ operation: 'ListStacks', fault: 'reset' });
    await expect(
      cloudFormation().send(new ListStacksCommand({})),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    proxy.inject({ operation: 'ListStacks', fault: 'html' });
    await expect(
      cloudFormation().send(new ListStacksCommand({})),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
    expect(proxy.calls().map(c => [c.status, c.faulted])).toEqual([
      [400, 'throttle'],
      [500, 'server-error'],
      [0, 'reset'],
      [500, 'html'],
    ]);
  });

  it('lets the first matching calls pass when told to skip them', async () => {
    proxy.inject({ operation: 'ListStacks', fault: 'server-error', skip: 1 });
    await cloudFormation().send(new ListStacksCommand({}));
    await expect(cloudFormation().send(new ListStacksCommand({}))).rejects.toMatchObject({ name: 'InternalFailure' });
    await cloudFormation().send(new ListStacksCommand({}));
    expect(proxy.calls().map(c => c.faulted)).toEqual([undefined, 'server-error', undefined]);
  });

  it('slows a call and then forwards it', async () => {
    proxy.inject({ operation: 'ListStacks', fault: 'slow', delayMs: 50 });
    await cloudFormation().send(new ListStacksCommand({}));
    expect(proxy.calls()).toEqual([
      expect.objectContaining({ status: 200, faulted: 'slow' }),
    ]);
  });

  it('names JSON calls by X-Amz-Target and throttles them with __type ThrottlingException', async () => {
    const send = () =>
      fetch(proxy.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.ListSecrets',
          authorization: scope('secretsmanager'),
        },
        body: JSON.stringify({ ClientRequestToken: 'token-1' }),
      });
    proxy.inject({
      service: 'secretsmanager',
      operation: 'ListSecrets',
      fault: 'throttle',
    });
    const throttled = await send();
    expect(throttled.status).toBe(400);
    expect(await throttled.json()).toMatchObject({
      __type: 'ThrottlingException',
    });
    proxy.inject({
      service: 'secretsmanager',
      operation: 'ListSecrets',
      fault: 'server-error',
    });
    expect(await (await send()).json()).toMatchObject({
      __type: 'InternalFailure',
    });
    expect((await send()).status).toBe(200);
    // The idempotency token is seen (an SDK retry carries the same one), no other part of the body.
    expect(proxy.calls().map(c => [c.service, c.operation, c.status, c.token])).toEqual([
      ['secretsmanager', 'ListSecrets', 400, 'token-1'],
      ['secretsmanager', 'ListSecrets', 500, 'token-1'],
      ['secretsmanager', 'ListSecrets', 200, 'token-1'],
    ]);
  });

  it('names S3 calls by method and path, answers SlowDown 503, and can reset after the target acted', async () => {
    const s3 = (method: string, path: string) =>
      fetch(`${proxy.endpoint}${path}`, {
        method,
        headers: { authorization: scope('s3') },
      });
    proxy.inject({
      service: 's3',
      operation: 'CreateBucket',
      fault: 'throttle',
    });
    const throttled = await s3('PUT', '/fault-proxy-bucket');
    expect(throttled.status).toBe(503);
    expect(await throttled.text()).toContain('<Code>SlowDown</Code>');
    proxy.inject({
      service: 's3',
      operation: 'CreateBucket',
      fault: 'reset',
      afterForward: true,
    });
    await expect(s3('PUT', '/fault-proxy-bucket')).rejects.toThrow();
    // The bucket was made although its answer was lost.
    expect(await (await s3('GET', '/')).text()).toContain(
      '<Name>fault-proxy-bucket</Name>',
    );
    expect((await s3('GET', '/fault-proxy-bucket?versions')).status).toBe(200);
    expect(proxy.calls().map(c => [c.operation, c.status])).toEqual([
      ['CreateBucket', 503],
      ['CreateBucket', 0],
      ['ListBuckets', 200],
      ['ListObjectVersions', 200],
    ]);
  });

  it('holds one call until released, before or after the target acted', async () => {
    const held = proxy.hold({ operation: 'ListStacks', skip: 1 });
    await cloudFormation().send(new ListStacksCommand({}));
    let done = false;
    const pending = cloudFormation()
      .send(new ListStacksCommand({}))
      .then(() => {
        done = true;
      });
    await held.arrived;
    expect(done).toBe(false);
    expect(proxy.calls()[1].status).toBeUndefined();
    held.release();
    await pending;
    expect(proxy.calls().map(c => c.status)).toEqual([200, 200]);

    const answer = proxy.hold({
      service: 's3',
      operation: 'CreateBucket',
      phase: 'response',
    });
    const creating = fetch(`${proxy.endpoint}/held-bucket`, {
      method: 'PUT',
      headers: { authorization: scope('s3') },
    });
    await answer.arrived;
    const buckets = await (
      await fetch(`${moto.endpoint}/`, {
        headers: { authorization: scope('s3') },
      })
    ).text();
    expect(buckets).toContain('<Name>held-bucket</Name>');
    answer.release();
    expect((await creating).status).toBe(200);
  });

  it('names the Wickr admin API calls by route and throttles them with 429 RateLimitError', async () => {
    let wickr: FakeWickrAdmin | undefined;
    let wickrProxy: FaultProxy | undefined;
    try {
      wickr = await startFakeWickrAdmin();
      wickrProxy = await startFaultProxy({ target: wickr.endpoint });
      wickrProxy.inject({
        service: 'wickr',
        operation: 'UpdateDataRetention',
        fault: 'throttle',
      });
      const throttled = await fetch(
        `${wickrProxy.endpoint}/networks/12345678/data-retention-bots`,
        {
          method: 'PATCH',
          headers: { authorization: scope('wickr') },
          body: '{}',
        },
      );
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('x-amzn-errortype')).toBe('RateLimitError');
      // Forwarded: the fake refuses the made-up signature itself.
      const refused = await fetch(`${wickrProxy.endpoint}/networks`, {
        headers: { authorization: scope('wickr') },
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(wickr.requests.map(r => r.operation)).toEqual(['ListNetworks']);
      expect(
        wickrProxy.calls().map(c => [c.service, c.operation, c.faulted]),
      ).toEqual([
        ['wickr', 'UpdateDataRetention', 'throttle'],
        ['wickr', 'ListNetworks', undefined],
      ]);
    } finally {
      await wickrProxy?.stop();
      await wickr?.stop();
    }
  });

  it('reads the service from a SigV4 credential scope', () => {
    expect(signedServiceOf(scope('logs'))).toBe('logs');
    expect(signedServiceOf(undefined)).toBeUndefined();
  });
});
