import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { deploymentReadPermission, isDeploymentEntity } from '@internal/plugin-wickr-dr-common';
import { DeploymentStateService } from './DeploymentStateService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  states: DeploymentStateService;
}

/** REST API v1: the live state of a deployment, for Backstage users and services with permission. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, states } = options;
  const router = Router();
  router.use(express.json());

  router.get('/v1/deployments/:namespace/:name/state', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission: deploymentReadPermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to read Wickr data-retention deployments (${deploymentReadPermission.name})`);
    }
    const { namespace, name } = req.params;
    const entity = await catalog.getEntityByRef({ kind: 'resource', namespace, name }, { credentials });
    if (!entity) throw new NotFoundError(`no entity resource:${namespace}/${name} in the catalog`);
    if (!isDeploymentEntity(entity)) {
      throw new InputError(`resource:${namespace}/${name} is not a Wickr data-retention deployment`);
    }
    res.json(await states.getState(entity));
  });

  return router;
}
