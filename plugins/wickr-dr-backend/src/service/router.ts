import express from 'express';
import Router from 'express-promise-router';
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  deploymentReadPermission,
  DriftReport,
  driftCheckPermission,
  isDeploymentEntity,
} from '@internal/plugin-wickr-dr-common';
import { DriftChecker } from '../drift/DriftChecker';
import { DriftStore } from '../drift/DriftStore';
import { DeploymentStateService } from './DeploymentStateService';

export interface RouterOptions {
  /** The AWS accounts a deployment may go to, as configured under aws.accounts. */
  accounts: Array<{ accountId: string }>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  states: DeploymentStateService;
  drift: { store: DriftStore; checker: DriftChecker };
}

/** REST API v1: live state and drift of deployments, for Backstage users and services with permission. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { accounts, httpAuth, permissions, catalog, states, drift } = options;
  const router = Router();
  router.use(express.json());

  async function authorize(credentials: BackstageCredentials, permission: BasicPermission, what: string) {
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to ${what} (${permission.name})`);
    }
  }

  /** The deployment the request names, read with the caller's own credentials. */
  async function deployment(req: express.Request, permission: BasicPermission, what: string) {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    await authorize(credentials, permission, what);
    const { namespace, name } = req.params;
    const entity: Entity | undefined = await catalog.getEntityByRef({ kind: 'resource', namespace, name }, { credentials });
    if (!entity) throw new NotFoundError(`no entity resource:${namespace}/${name} in the catalog`);
    if (!isDeploymentEntity(entity)) {
      throw new InputError(`resource:${namespace}/${name} is not a Wickr data-retention deployment`);
    }
    return entity;
  }

  const READ = 'read Wickr data-retention deployments';

  // For the template's account picker: ids only, never credentials or role names.
  router.get('/v1/accounts', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ accounts });
  });

  router.get('/v1/deployments/:namespace/:name/state', async (req, res) => {
    const entity = await deployment(req, deploymentReadPermission, READ);
    const state = await states.getState(entity);
    const latest = await drift.store.history(state.entityRef, 1);
    res.json({ ...state, drift: latest[0] ?? null });
  });

  router.get('/v1/deployments/:namespace/:name/drift', async (req, res) => {
    const entity = await deployment(req, deploymentReadPermission, READ);
    const ref = `resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
    const report: DriftReport = {
      latest: (await drift.store.latest(ref)) ?? null,
      history: await drift.store.history(ref),
    };
    res.json(report);
  });

  router.post('/v1/deployments/:namespace/:name/drift/check', async (req, res) => {
    const entity = await deployment(req, driftCheckPermission, 'check Wickr data-retention deployments for drift');
    res.json(await drift.checker.checkOne(entity));
  });

  return router;
}
