import { ResponseError } from '@backstage/errors';
import {
  driftedResult,
  healthyState,
  reportOf,
} from '../__testUtils__/fixtures';
import { WickrDrClient } from './WickrDrClient';

const BASE_URL = 'http://localhost:7007/api/wickr-dr';
const ACME = { kind: 'Resource', namespace: 'default', name: 'acme-eu-west-1' };

const jsonResponse = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { 'Content-Type': 'application/json' },
  });

function clientAnswering(response: Response) {
  const fetch = jest.fn(
    async (_url: RequestInfo | URL, _init?: RequestInit) => response,
  );
  const discoveryApi = { getBaseUrl: jest.fn(async () => BASE_URL) };
  const client = new WickrDrClient({ discoveryApi, fetchApi: { fetch } });
  return { client, fetch, discoveryApi };
}

describe('WickrDrClient', () => {
  it('reads the state from the wickr-dr backend', async () => {
    const state = healthyState();
    const { client, fetch, discoveryApi } = clientAnswering(
      jsonResponse(state),
    );

    await expect(client.getDeploymentState(ACME)).resolves.toEqual(state);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('wickr-dr');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/default/acme-eu-west-1/state`,
    );
  });

  it('reads the drift report from the wickr-dr backend', async () => {
    const report = reportOf(driftedResult());
    const { client, fetch, discoveryApi } = clientAnswering(
      jsonResponse(report),
    );

    await expect(client.getDriftReport(ACME)).resolves.toEqual(report);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('wickr-dr');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/default/acme-eu-west-1/drift`,
    );
  });

  it('runs a drift check with a POST and answers its result', async () => {
    const result = driftedResult();
    const { client, fetch } = clientAnswering(jsonResponse(result));

    await expect(client.checkDriftNow(ACME)).resolves.toEqual(result);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/default/acme-eu-west-1/drift/check`,
      { method: 'POST' },
    );
  });

  it('captures the generated password with a POST and answers the registration', async () => {
    const registration = { status: 'registered' as const };
    const { client, fetch } = clientAnswering(jsonResponse(registration));

    await expect(client.captureRegistrationNow(ACME)).resolves.toEqual(
      registration,
    );
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/default/acme-eu-west-1/registration/capture`,
      { method: 'POST' },
    );
  });

  it('lists the configured AWS account ids', async () => {
    const { client, fetch, discoveryApi } = clientAnswering(
      jsonResponse({
        accounts: [
          { accountId: '111111111111' },
          { accountId: '222222222222' },
        ],
      }),
    );

    await expect(client.listAccounts()).resolves.toEqual([
      '111111111111',
      '222222222222',
    ]);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('wickr-dr');
    expect(fetch).toHaveBeenCalledWith(`${BASE_URL}/v1/accounts`);
  });

  it('lists no account when none is configured', async () => {
    const { client } = clientAnswering(jsonResponse({ accounts: [] }));

    await expect(client.listAccounts()).resolves.toEqual([]);
  });

  it('lists the Wickr networks of an account and region', async () => {
    const networks = [
      { networkId: '12345678', networkName: 'Acme', accessLevel: 'PREMIUM' },
    ];
    const { client, fetch } = clientAnswering(jsonResponse({ networks }));

    await expect(
      client.listNetworks('111111111111', 'eu-west-2'),
    ).resolves.toEqual(networks);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/networks?accountId=111111111111&region=eu-west-2`,
    );
  });

  it('lists the networks of the main account without an account id', async () => {
    const { client, fetch } = clientAnswering(jsonResponse({ networks: [] }));

    await expect(client.listNetworks(undefined, 'us-east-1')).resolves.toEqual(
      [],
    );
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/networks?region=us-east-1`,
    );
  });

  it('escapes what it puts in the query', async () => {
    const { client, fetch } = clientAnswering(jsonResponse({ networks: [] }));

    await client.listNetworks('1&region=x', 'us-east-1#');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/networks?accountId=1%26region%3Dx&region=us-east-1%23`,
    );
  });

  it.each([true, false])(
    'sets data retention to %s with a POST of a JSON body and answers the bot',
    async enabled => {
      const bot = { networkId: '12345678', retentionEnabled: enabled };
      const { client, fetch } = clientAnswering(jsonResponse(bot));

      await expect(client.setRetention(ACME, enabled)).resolves.toEqual(bot);
      expect(fetch).toHaveBeenCalledWith(
        `${BASE_URL}/v1/deployments/default/acme-eu-west-1/retention`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ enabled }),
        },
      );
    },
  );

  it('lists the latest operation records, with the limit asked for', async () => {
    const operations = [
      {
        entityRef: 'resource:default/acme-eu-west-1',
        operation: 'stop',
        by: 'user:default/alice',
        at: '2026-12-01T10:00:00.000Z',
        outcome: 'succeeded',
      },
    ];
    const { client, fetch } = clientAnswering(jsonResponse({ operations }));

    await expect(client.listOperations(ACME, 5)).resolves.toEqual(operations);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/default/acme-eu-west-1/operations?limit=5`,
    );
  });

  it("lists the backend's default number of records without a limit", async () => {
    const { client, fetch } = clientAnswering(jsonResponse({ operations: [] }));

    await expect(client.listOperations(ACME)).resolves.toEqual([]);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/default/acme-eu-west-1/operations`,
    );
  });

  it('setRetention throws a ResponseError with the 409 the backend answers', async () => {
    const { client } = clientAnswering(
      jsonResponse(
        {
          error: { name: 'ConflictError', message: 'still reports it off' },
          response: { statusCode: 409 },
        },
        { status: 409, statusText: 'Conflict' },
      ),
    );

    const error = await client.setRetention(ACME, true).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe('still reports it off');
  });

  it('escapes the namespace and the name in the path', async () => {
    const { client, fetch } = clientAnswering(
      jsonResponse(reportOf(driftedResult())),
    );

    await client.getDriftReport({
      kind: 'Resource',
      namespace: 'team a',
      name: 'acme/eu',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/v1/deployments/team%20a/acme%2Feu/drift`,
    );
  });

  it('throws a ResponseError that keeps the status and the server message', async () => {
    const { client } = clientAnswering(
      jsonResponse(
        {
          error: { name: 'NotAllowedError', message: 'not allowed' },
          response: { statusCode: 403 },
        },
        { status: 403, statusText: 'Forbidden' },
      ),
    );

    const error = await client.getDeploymentState(ACME).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause).toMatchObject({
      name: 'NotAllowedError',
      message: 'not allowed',
    });
  });

  it.each([
    ['getDriftReport', (client: WickrDrClient) => client.getDriftReport(ACME)],
    ['checkDriftNow', (client: WickrDrClient) => client.checkDriftNow(ACME)],
  ])('%s throws a ResponseError when the backend refuses', async (_, call) => {
    const { client } = clientAnswering(
      jsonResponse(
        {
          error: {
            name: 'NotAllowedError',
            message:
              'not allowed to check Wickr data-retention deployments for drift (wickr-dr.drift.check)',
          },
          response: { statusCode: 403 },
        },
        { status: 403, statusText: 'Forbidden' },
      ),
    );

    const error = await call(client).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toContain('wickr-dr.drift.check');
  });

  it('listAccounts throws a ResponseError without credentials', async () => {
    const { client } = clientAnswering(
      jsonResponse(
        {
          error: {
            name: 'AuthenticationError',
            message: 'Missing credentials',
          },
          response: { statusCode: 401 },
        },
        { status: 401, statusText: 'Unauthorized' },
      ),
    );

    const error = await client.listAccounts().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(401);
    expect(error.cause).toMatchObject({
      name: 'AuthenticationError',
      message: 'Missing credentials',
    });
  });
});
