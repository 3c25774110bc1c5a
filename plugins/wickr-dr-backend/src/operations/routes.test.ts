// Operation records on the real backend (startTestBackend), its database SQLite from
// TestDatabases, so that a test can put aged records in directly. The catalog is a
// stand-in whose entities a test removes (as discovery does after a teardown) and which
// hides one entity from one user; the permission policy is a mock that answers per user.
// No AWS call is made: every AWS endpoint is a closed loopback port.
import type { BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { CompoundEntityRef, Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import { deploymentEntity, deploymentEntityName, discoveryLocation, OperationRecord } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { freeLoopbackPort } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { wickrDrPlugin } from '../plugin';
import { OperationStore } from './OperationStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

const ACCOUNT = '123456789012';
const REGION = 'eu-west-2';
const HISTORY_DAYS = 30;
const DAY = 86_400_000;
const TASK = '5f0e2c1a-9b7d-4e3f-8a6b-1c2d3e4f5a6b';

function deployment(name: string): Entity {
  return deploymentEntity(
    {
      stackArn: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/wickr-dr-${name}/0f3e1c20-5a4b-11ef-9d2a-0a1b2c3d4e5f`,
      stackName: `wickr-dr-${name}`,
      tags: { 'wickr-dr:deployment': name },
      outputs: {},
    },
    { location: discoveryLocation({ accountId: ACCOUNT, region: REGION }), defaultOwner: 'group:default/platform-team' },
  );
}

const acme = deployment('acme');
const hidden = deployment('hidden');
const bucket: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'retention-bucket' },
  spec: { type: 's3-bucket', owner: 'group:default/platform-team' },
};
const ACME = stringifyEntityRef(acme);
const ACME_NAME = deploymentEntityName('acme', ACCOUNT, REGION);
const url = (name: string, query = '') => `/api/wickr-dr/v1/deployments/default/${name}/operations${query}`;

const SCAFFOLDER = {
  Authorization: mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('plugin:scaffolder'),
    targetPluginId: 'wickr-dr',
  }),
};
const as = (user: string) => ({ Authorization: mockCredentials.user.header(user) });
const ALICE = as('user:default/alice');

/**
 * The policy: alice may read outright; carol only on a condition (ownership, say),
 * which the catalog decides on the entity; bob may not read.
 */
const READ_OUTRIGHT: Record<string, AuthorizeResult> = {
  'user:default/alice': AuthorizeResult.ALLOW,
  'user:default/carol': AuthorizeResult.CONDITIONAL,
};
const userOf = (credentials: BackstageCredentials) => (credentials.principal as BackstageUserPrincipal).userEntityRef;
function policy() {
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      (requests as AuthorizePermissionRequest[]).map(() => ({
        result: userOf(options!.credentials) === 'user:default/bob' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      })),
    authorizeConditional: async (requests: QueryPermissionRequest[], options) =>
      requests.map(({ permission }) => {
        const result = READ_OUTRIGHT[userOf(options.credentials)] ?? AuthorizeResult.DENY;
        return result === AuthorizeResult.CONDITIONAL
          ? {
              result,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: [] } },
            }
          : { result: result as AuthorizeResult.ALLOW | AuthorizeResult.DENY, permission };
      }),
  });
}

describe('operation records: POST and GET /v1/deployments/:namespace/:name/operations', () => {
  jest.setTimeout(60_000);
  let closedPort: number;
  beforeAll(async () => {
    closedPort = await freeLoopbackPort();
  });

  /** The catalog's entities; a test removes one as discovery does once its stack is gone. */
  let entities: Entity[];
  let knex: Knex;
  let permissions: ReturnType<typeof policy>;
  let server: any;
  let stop: () => Promise<void>;

  const catalog = () =>
    catalogServiceMock.mock({
      getEntityByRef: async (ref: string | CompoundEntityRef, options: { credentials: BackstageCredentials }) => {
        const wanted = (typeof ref === 'string' ? ref : stringifyEntityRef(ref)).toLocaleLowerCase('en-US');
        const entity = entities.find(e => stringifyEntityRef(e).toLocaleLowerCase('en-US') === wanted);
        const principal = options.credentials.principal as { type: string; userEntityRef?: string };
        const hiddenFromCaller = entity === hidden && principal.userEntityRef === 'user:default/dave';
        return hiddenFromCaller ? undefined : entity;
      },
    });

  async function start(...extra: any[]) {
    knex = await databases.init('SQLITE_3');
    permissions = policy();
    const backend = await startTestBackend({
      features: [
        wickrDrPlugin,
        catalog().factory,
        permissions.factory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            aws: { mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
            wickrDr: {
              endpoint: `http://127.0.0.1:${closedPort}`,
              drift: { enabled: false },
              passwordKeeper: false,
              operations: { historyDays: HISTORY_DAYS },
            },
          },
        }),
        ...extra,
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  }

  beforeEach(async () => {
    entities = [acme, hidden, bucket];
    await start();
  });
  afterEach(async () => {
    await stop();
  });

  const post = (name: string, body: object, headers: Record<string, string> = SCAFFOLDER) =>
    request(server).post(url(name)).set(headers).send(body);
  const list = async (name = ACME_NAME, headers = ALICE) => {
    const res = await request(server).get(url(name)).set(headers);
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    return res.body.operations as OperationRecord[];
  };
  const started = { operation: 'preview', by: 'user:default/alice', outcome: 'started', taskId: TASK };

  /** Records put straight into the plugin's database, `daysAgo` old. */
  async function recordedAgo(daysAgo: number, record: Partial<OperationRecord> = {}) {
    const store = await OperationStore.create(knex, { skipMigrations: true });
    await store.add({
      entityRef: ACME,
      operation: 'deploy',
      by: 'user:default/alice',
      outcome: 'succeeded',
      at: new Date(Date.now() - daysAgo * DAY).toISOString(),
      ...record,
    });
  }

  describe('POST: the scaffolder records an operation', () => {
    it('records what the scaffolder sends, at the time it arrives, and lists it newest first', async () => {
      const before = new Date().toISOString();
      const first = await post(ACME_NAME, started);
      const second = await post(ACME_NAME, { ...started, outcome: 'succeeded', detail: '2 resources to change, none replaced' });
      const after = new Date().toISOString();

      expect([first.status, first.body.error?.message]).toEqual([201, undefined]);
      expect(first.body).toEqual({ entityRef: ACME, ...started, at: expect.any(String) });
      expect(first.body.at >= before && first.body.at <= after).toBe(true);
      expect(second.status).toBe(201);
      expect(await list()).toEqual([second.body, first.body]);
    });

    it.each([
      ['a user', ALICE, "This endpoint does not allow 'user' credentials"],
      [
        'the scaffolder on behalf of a user',
        {
          Authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.user('user:default/alice'),
            targetPluginId: 'wickr-dr',
          }),
        },
        "This endpoint does not allow 'user' credentials",
      ],
      [
        'another backend plugin',
        {
          Authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('plugin:catalog'),
            targetPluginId: 'wickr-dr',
          }),
        },
        'only the scaffolder backend plugin (plugin:scaffolder) may record operations, not plugin:catalog',
      ],
      [
        'an external service',
        { Authorization: mockCredentials.service.header() },
        'only the scaffolder backend plugin (plugin:scaffolder) may record operations, not external:test-service',
      ],
    ])('refuses %s with 403 and records nothing', async (_, headers, message) => {
      const res = await post(ACME_NAME, started, headers);

      expect([res.status, res.body.error?.message]).toEqual([403, message]);
      expect(await list()).toEqual([]);
    });

    it.each([
      ['operation', { ...started, operation: 'reboot' }, 'operation: must be one of deploy, preview, apply, stop, start, teardown, retention'],
      ['by', { ...started, by: 'group:default/platform-team' }, 'by: must be the entity ref of a user, such as user:default/alice'],
      ['outcome', { ...started, outcome: 'ok' }, 'outcome: must be one of started, succeeded, failed'],
      ['detail (two lines)', { ...started, detail: 'two\nlines' }, 'detail: must be one line of at most 500 characters, without line breaks or other control characters'],
      ['detail (501 characters)', { ...started, detail: 'x'.repeat(501) }, 'detail: must be one line of at most 500 characters, without line breaks or other control characters'],
      ['taskId', { ...started, taskId: '<img src=x>' }, 'taskId: must be the id of a scaffolder task (a UUID)'],
      ['an unknown field', { ...started, at: '2000-01-01T00:00:00.000Z' }, '"at": is not a field of an operation record; its fields are operation, by, outcome, detail, taskId'],
    ])('answers 400 naming %s, and records nothing', async (_, body, message) => {
      const res = await post(ACME_NAME, body);

      expect([res.status, res.body.error?.name, res.body.error?.message]).toEqual([400, 'InputError', message]);
      expect(await list()).toEqual([]);
    });

    it('answers 404 for a deployment neither in the catalog nor with records', async () => {
      const res = await post('gone-123456789012-euw2', started);

      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        'no deployment resource:default/gone-123456789012-euw2 in the catalog, and no operation records of it; records are taken for a deployment in the catalog, or for one whose entity is gone that has records',
      );
    });

    it('answers 400 for an entity that is not a deployment', async () => {
      const res = await post('retention-bucket', started);

      expect([res.status, res.body.error?.message]).toEqual([
        400,
        'resource:default/retention-bucket is not a Wickr data-retention deployment',
      ]);
    });

    it("takes a teardown's last record after discovery removed the entity, and keeps the records", async () => {
      const teardown = { operation: 'teardown', by: 'user:default/alice', taskId: TASK };
      expect((await post(ACME_NAME, { ...teardown, outcome: 'started' })).status).toBe(201);
      entities = entities.filter(e => e !== acme);

      const last = await post(ACME_NAME, { ...teardown, outcome: 'succeeded', detail: 'stack wickr-dr-acme deleted' });

      expect([last.status, last.body.error?.message]).toEqual([201, undefined]);
      expect((await list()).map(r => [r.operation, r.outcome])).toEqual([
        ['teardown', 'succeeded'],
        ['teardown', 'started'],
      ]);
    });

    it(`deletes the records older than wickrDr.operations.historyDays (${HISTORY_DAYS}) when it writes`, async () => {
      await recordedAgo(HISTORY_DAYS + 1, { operation: 'deploy' });
      await recordedAgo(HISTORY_DAYS + 400, { entityRef: 'resource:default/other', operation: 'deploy' });
      await recordedAgo(HISTORY_DAYS - 1, { operation: 'stop' });

      expect((await post(ACME_NAME, started)).status).toBe(201);

      const left = await knex('operation_records').select('entity_ref', 'operation').orderBy('id');
      expect(left).toEqual([
        { entity_ref: ACME, operation: 'stop' },
        { entity_ref: ACME, operation: 'preview' },
      ]);
    });

    it('answers 401 without credentials', async () => {
      await stop();
      await start(mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }));

      expect((await request(server).post(url(ACME_NAME)).send(started)).status).toBe(401);
    });
  });

  describe('GET: the latest records', () => {
    it('needs wickr-dr.deployment.read on the entity', async () => {
      await post(ACME_NAME, started);

      const bob = await request(server).get(url(ACME_NAME)).set(as('user:default/bob'));

      expect([bob.status, bob.body.error?.message]).toEqual([
        403,
        `not allowed to read the operations of ${ACME} (wickr-dr.deployment.read)`,
      ]);
      const asked = permissions.authorize.mock.calls.flatMap(([requests]) => requests as AuthorizePermissionRequest[]);
      expect(asked).toEqual([expect.objectContaining({ resourceRef: ACME })]);
      expect(await list()).toHaveLength(1);
    });

    it('serves the records of a gone entity only to those allowed to read outright', async () => {
      await post(ACME_NAME, started);
      entities = entities.filter(e => e !== acme);

      const carol = await request(server).get(url(ACME_NAME)).set(as('user:default/carol'));
      const bob = await request(server).get(url(ACME_NAME)).set(as('user:default/bob'));

      const refusal = `not allowed to read the operations of ${ACME}: its entity is gone, so wickr-dr.deployment.read must be allowed to you outright, not on a condition of the entity`;
      expect([carol.status, carol.body.error?.message]).toEqual([403, refusal]);
      expect([bob.status, bob.body.error?.message]).toEqual([403, refusal]);
      expect(await list()).toEqual([expect.objectContaining({ operation: 'preview', outcome: 'started' })]);
    });

    it('answers 404, as for no entity, when the caller may not see the entity, even with records', async () => {
      const name = hidden.metadata.name;
      expect((await post(name, started)).status).toBe(201);

      const dave = await request(server).get(url(name)).set(as('user:default/dave'));

      expect([dave.status, dave.body.error?.message]).toEqual([
        404,
        `no entity resource:default/${name} in the catalog, and no operation records of a deployment by that name`,
      ]);
      expect(await list(name)).toHaveLength(1);
    });

    it('answers 404 for a name with neither an entity nor records', async () => {
      const res = await request(server).get(url('gone-123456789012-euw2')).set(ALICE);

      expect(res.status).toBe(404);
    });

    it(`answers 10 records by default and at most 50, and none older than ${HISTORY_DAYS} days`, async () => {
      await recordedAgo(HISTORY_DAYS + 1, { operation: 'deploy' });
      for (let i = 0; i < 55; i++) await recordedAgo(0, { operation: 'stop', detail: `record ${i}` });

      expect((await list()).map(r => r.detail)).toEqual(Array.from({ length: 10 }, (_, i) => `record ${54 - i}`));
      const all = await request(server).get(url(ACME_NAME, '?limit=50')).set(ALICE);
      expect(all.body.operations).toHaveLength(50);
      const three = await request(server).get(url(ACME_NAME, '?limit=3')).set(ALICE);
      expect(three.body.operations).toHaveLength(3);
      await knex('operation_records').where({ operation: 'stop' }).delete();
      expect(await list()).toEqual([]);
    });

    it.each(['0', '51', 'ten', '1.5', '-1', ''])('answers 400 for limit=%s', async limit => {
      const res = await request(server).get(url(ACME_NAME, `?limit=${limit}`)).set(ALICE);

      expect([res.status, res.body.error?.message]).toEqual([400, 'limit: must be a whole number from 1 to 50']);
    });

    it('answers 400 for a repeated limit', async () => {
      const res = await request(server).get(url(ACME_NAME, '?limit=1&limit=2')).set(ALICE);

      expect([res.status, res.body.error?.message]).toEqual([400, 'limit: must be given once, as a single value']);
    });

    it('answers 401 without credentials', async () => {
      await stop();
      await start(mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }));

      expect((await request(server).get(url(ACME_NAME))).status).toBe(401);
    });
  });
});
