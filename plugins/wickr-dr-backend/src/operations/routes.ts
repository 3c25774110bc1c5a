import express from 'express';
import Router from 'express-promise-router';
import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { deploymentReadPermission, isDeploymentEntity } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { queryValue } from '../service/query';
import { operationInput } from './operationInput';
import type { OperationStore } from './OperationStore';

/** The one caller that may record operations: the scaffolder backend plugin, as a service. */
export const RECORDING_SUBJECT = 'plugin:scaffolder';
export const DEFAULT_OPERATIONS_LIMIT = 10;
export const MAX_OPERATIONS_LIMIT = 50;
const DAY = 86_400_000;

export interface OperationRoutesOptions {
  httpAuth: HttpAuthService;
  /** The plugin's own credentials, to tell an entity that is gone from one the caller may not see. */
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: OperationStore;
  /** Records older than this are deleted on each write and never answered. */
  historyDays: number;
  now?: () => number;
}

/** `limit`: 1 to 50, 10 when absent. */
function recordLimit(req: express.Request): number {
  const value = queryValue(req, 'limit');
  if (value === undefined) return DEFAULT_OPERATIONS_LIMIT;
  const limit = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_OPERATIONS_LIMIT)) {
    throw new InputError(`limit: must be a whole number from 1 to ${MAX_OPERATIONS_LIMIT}`);
  }
  return limit;
}

const notADeployment = (entityRef: string) =>
  new InputError(`${entityRef} is not a Wickr data-retention deployment`);

/**
 * POST and GET /v1/deployments/:namespace/:name/operations: who did what to a
 * deployment and when, recorded by the scaffolder's day-two actions. A record is taken
 * for a deployment in the catalog, or for one whose entity is gone but that has records
 * (so that a teardown's last record lands after discovery removed the entity).
 */
export function operationRoutes(options: OperationRoutesOptions): express.Router {
  const { httpAuth, auth, permissions, catalog, store, historyDays } = options;
  const now = options.now ?? Date.now;
  const router = Router();

  const cutOff = () => new Date(now() - historyDays * DAY).toISOString();
  const entityRefOf = (req: express.Request) =>
    stringifyEntityRef({ kind: 'resource', namespace: req.params.namespace, name: req.params.name });
  const asPlugin = async (entityRef: string) =>
    catalog.getEntityByRef(entityRef, { credentials: await auth.getOwnServiceCredentials() });

  async function scaffolderOnly(req: express.Request): Promise<void> {
    const { principal } = await httpAuth.credentials(req, { allow: ['service'] });
    if (principal.subject !== RECORDING_SUBJECT) {
      throw new NotAllowedError(
        `only the scaffolder backend plugin (${RECORDING_SUBJECT}) may record operations, not ${principal.subject}`,
      );
    }
  }

  async function mayRead(entity: Entity, credentials: BackstageCredentials): Promise<void> {
    const entityRef = stringifyEntityRef(entity);
    if (!isDeploymentEntity(entity)) throw notADeployment(entityRef);
    const [decision] = await permissions.authorize(
      [{ permission: deploymentReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to read the operations of ${entityRef} (${deploymentReadPermission.name})`);
    }
  }

  /**
   * With no entity to decide on, only a caller the policy allows the read permission
   * outright (not on a condition such as ownership) may read a gone deployment's records.
   */
  async function mayReadGone(entityRef: string, credentials: BackstageCredentials, since: string): Promise<void> {
    // An entity the caller may not see is answered as if it did not exist.
    if ((await asPlugin(entityRef)) || !(await store.hasRecords(entityRef, since))) {
      throw new NotFoundError(`no entity ${entityRef} in the catalog, and no operation records of a deployment by that name`);
    }
    const [decision] = await permissions.authorizeConditional([{ permission: deploymentReadPermission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to read the operations of ${entityRef}: its entity is gone, so ${deploymentReadPermission.name} must be allowed to you outright, not on a condition of the entity`,
      );
    }
  }

  router.post('/v1/deployments/:namespace/:name/operations', async (req, res) => {
    await scaffolderOnly(req);
    const input = operationInput(req.body);
    const entityRef = entityRefOf(req);
    const since = cutOff();
    const entity = await asPlugin(entityRef);
    if (entity && !isDeploymentEntity(entity)) throw notADeployment(entityRef);
    if (!entity && !(await store.hasRecords(entityRef, since))) {
      throw new NotFoundError(
        `no deployment ${entityRef} in the catalog, and no operation records of it; records are taken for a deployment in the catalog, or for one whose entity is gone that has records`,
      );
    }
    await store.prune(since);
    const record = await store.add({ entityRef: entity ? stringifyEntityRef(entity) : entityRef, at: new Date(now()).toISOString(), ...input });
    res.status(201).json(record);
  });

  router.get('/v1/deployments/:namespace/:name/operations', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const limit = recordLimit(req);
    const entityRef = entityRefOf(req);
    const since = cutOff();
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (entity) await mayRead(entity, credentials);
    else await mayReadGone(entityRef, credentials, since);
    res.json({ operations: await store.latest(entityRef, { limit, since }) });
  });

  return router;
}
