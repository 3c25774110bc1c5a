import { ResponseError } from '@backstage/errors';
import { healthyState } from '../__testUtils__/fixtures';
import { WickrDrClient } from './WickrDrClient';

const BASE_URL = 'http://localhost:7007/api/wickr-dr';
const ACME = { kind: 'Resource', namespace: 'default', name: 'acme-eu-west-1' };

const jsonResponse = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { 'Content-Type': 'application/json' },
  });

function clientAnswering(response: Response) {
  const fetch = jest.fn(async (_url: RequestInfo | URL) => response);
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
});
