import express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, ResourcePermission } from '@backstage/plugin-permission-common';
import {
  AllowedAccounts,
  botOperatePermission,
  deploymentReadPermission,
  DeploymentTarget,
  deploymentTarget,
  DriftReport,
  driftCheckPermission,
  isDeploymentEntity,
  UntrustedDeploymentError,
} from '@internal/plugin-wickr-dr-common';
import { awsErrorLine } from '@internal/plugin-wickr-dr-node';
import { DriftChecker } from '../drift/DriftChecker';
import { DriftStore } from '../drift/DriftStore';
import { keptDeployment, NothingToKeepError, PasswordKeeper } from '../keeper/PasswordKeeper';
import { DeploymentStateService } from './DeploymentStateService';

export interface RouterOptions {
  /** The accounts the portal may act in (AwsClients.accounts). */
  awsClients: { accounts: AllowedAccounts };
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  states: DeploymentStateService;
  drift: { store: DriftStore; checker: DriftChecker };
  keeper: Pick<PasswordKeeper, 'keepOne'>;
}

/** A deployment a request may act on: its entity, its ref and where its stack is. */
interface AuthorizedDeployment {
  entity: Entity;
  entityRef: string;
  target: DeploymentTarget;
}

/** The target of an entity the portal may act on; a 403 for any other (hand-registered, unknown account, ...). */
function trustedTarget(entity: Entity, accounts: AllowedAccounts): DeploymentTarget {
  try {
    return deploymentTarget(entity, accounts);
  } catch (error) {
    if (error instanceof UntrustedDeploymentError) throw new NotAllowedError(error.message);
    throw error;
  }
}

/** REST API v1: live state, drift and password capture of deployments, for Backstage users and services with permission. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { awsClients, httpAuth, permissions, catalog, states, drift, keeper } = options;
  const router = Router();
  router.use(express.json());

  /**
   * The deployment the request names, in this order and before any AWS call: the
   * entity as the caller may see it (404 otherwise), the caller's permission on that
   * entity (the catalog applies conditions such as isEntityOwner), then whether the
   * portal may act on it at all.
   */
  async function deployment(
    req: express.Request,
    permission: ResourcePermission,
    what: (entityRef: string) => string,
  ): Promise<AuthorizedDeployment> {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { namespace, name } = req.params;
    const entity = await catalog.getEntityByRef({ kind: 'resource', namespace, name }, { credentials });
    if (!entity) throw new NotFoundError(`no entity resource:${namespace}/${name} in the catalog`);
    if (!isDeploymentEntity(entity)) {
      throw new InputError(`resource:${namespace}/${name} is not a Wickr data-retention deployment`);
    }
    const entityRef = stringifyEntityRef(entity);
    const [decision] = await permissions.authorize([{ permission, resourceRef: entityRef }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to ${what(entityRef)} (${permission.name})`);
    }
    return { entity, entityRef, target: trustedTarget(entity, awsClients.accounts) };
  }

  const READ = (entityRef: string) => `read the live state and drift of ${entityRef}`;
  const CHECK = (entityRef: string) => `check ${entityRef} for drift`;
  const CAPTURE = (entityRef: string) => `capture the generated password of ${entityRef}'s bot`;

  // For the template's account picker: ids only, never credentials or role names.
  router.get('/v1/accounts', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ accounts: awsClients.accounts.configured.map(accountId => ({ accountId })) });
  });

  router.get('/v1/deployments/:namespace/:name/state', async (req, res) => {
    const { entityRef, target } = await deployment(req, deploymentReadPermission, READ);
    const state = await states.getState(entityRef, target);
    const latest = await drift.store.history(entityRef, 1);
    res.json({ ...state, drift: latest[0] ?? null });
  });

  router.get('/v1/deployments/:namespace/:name/drift', async (req, res) => {
    const { entityRef } = await deployment(req, deploymentReadPermission, READ);
    const report: DriftReport = {
      latest: (await drift.store.latest(entityRef)) ?? null,
      history: await drift.store.history(entityRef),
    };
    res.json(report);
  });

  router.post('/v1/deployments/:namespace/:name/drift/check', async (req, res) => {
    const { entity, target } = await deployment(req, driftCheckPermission, CHECK);
    res.json(await drift.checker.checkOne(entity, target));
  });

  // The password keeper's look at one deployment, now; answers the registration it leaves.
  router.post('/v1/deployments/:namespace/:name/registration/capture', async (req, res) => {
    const { entityRef, target } = await deployment(req, botOperatePermission, CAPTURE);
    let kept;
    try {
      kept = keptDeployment(entityRef, target);
    } catch (error) {
      if (error instanceof NothingToKeepError) throw new InputError(error.message);
      throw error;
    }
    try {
      await keeper.keepOne(kept);
    } catch (error) {
      throw new ServiceUnavailableError(`could not capture the password of ${entityRef}: ${awsErrorLine(error)}`);
    }
    try {
      res.json(await states.registration(entityRef, target));
    } catch (error) {
      throw new ServiceUnavailableError(`could not read the registration of ${entityRef}: ${awsErrorLine(error)}`);
    }
  });

  return router;
}
