import express from 'express';
import Router from 'express-promise-router';
import type { AuthService, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, ResourcePermission } from '@backstage/plugin-permission-common';
import {
  AllowedAccounts,
  botOperatePermission,
  deploymentReadPermission,
  DeploymentTarget,
  deploymentFieldRules,
  deploymentTarget,
  DriftReport,
  driftCheckPermission,
  isDeploymentEntity,
  UntrustedDeploymentError,
  WICKR_REGIONS,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients, AwsTarget, awsErrorLine } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { DriftChecker } from '../drift/DriftChecker';
import { DriftStore } from '../drift/DriftStore';
import { keptDeployment, NothingToKeepError, PasswordKeeper } from '../keeper/PasswordKeeper';
import type { OperationStore } from '../operations/OperationStore';
import { operationRoutes } from '../operations/routes';
import { DeploymentStateService } from './DeploymentStateService';
import { queryValue } from './query';
import { changeRetention, WickrClients, wickrRouteError } from './wickr';

export interface RouterOptions {
  /** The accounts the portal may act in. */
  awsClients: Pick<AwsClients, 'accounts' | 'assertAccountAllowed'>;
  /** The Wickr admin API's clients. */
  wickr: Pick<WickrClients, 'get'>;
  httpAuth: HttpAuthService;
  /** The plugin's own credentials, for catalog reads that are not the caller's. */
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  permissions: PermissionsService;
  catalog: CatalogService;
  states: DeploymentStateService;
  drift: { store: DriftStore; checker: DriftChecker };
  keeper: Pick<PasswordKeeper, 'keepOne'>;
  /** Operation records, and how many days they are kept. */
  operations: { store: OperationStore; historyDays: number };
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

/**
 * Where GET /v1/networks lists: `accountId` (optional, the main account when absent or
 * empty) must be configured and `region` one of the Wickr Regions; checked before any call.
 */
function networksTarget(req: express.Request, awsClients: Pick<AwsClients, 'assertAccountAllowed'>): AwsTarget {
  const accountId = queryValue(req, 'accountId') || undefined;
  const region = queryValue(req, 'region');
  const { accountId: accountRule, region: regionRule } = deploymentFieldRules;
  if (accountId !== undefined && !new RegExp(accountRule.pattern).test(accountId)) {
    throw new InputError(`accountId: must be ${accountRule.rule}, or absent for the main account`);
  }
  if (!(WICKR_REGIONS as readonly string[]).includes(region ?? '')) {
    throw new InputError(`region: must be ${regionRule.rule}`);
  }
  awsClients.assertAccountAllowed(accountId);
  return { accountId, region: region! };
}

/** The body of POST .../retention: `{ "enabled": true | false }`. */
function retentionWanted(body: unknown): boolean {
  const enabled = (body as { enabled?: unknown } | undefined)?.enabled;
  if (typeof enabled !== 'boolean') throw new InputError('enabled: must be a boolean (true or false) in a JSON body');
  return enabled;
}

/** REST API v1: live state, drift, password capture, data retention and operation records of deployments, for Backstage users and services with permission. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { awsClients, wickr, httpAuth, permissions, catalog, states, drift, keeper } = options;
  const router = Router();
  router.use(express.json());
  router.use(operationRoutes({ httpAuth, auth: options.auth, permissions, catalog, ...options.operations }));

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
  const RETENTION = (entityRef: string) => `turn the data retention of ${entityRef}'s bot on or off`;

  // For the template's account picker: ids only, never credentials or role names.
  router.get('/v1/accounts', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ accounts: awsClients.accounts.configured.map(accountId => ({ accountId })) });
  });

  // For the template's network picker: ids, names and access levels only.
  router.get('/v1/networks', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const target = networksTarget(req, awsClients);
    const where = `${target.accountId ? `account ${target.accountId}` : 'the main account'} in ${target.region}`;
    let networks;
    try {
      networks = await (await wickr.get(target)).listNetworks();
    } catch (error) {
      throw wickrRouteError(error, `list the Wickr networks of ${where}`);
    }
    res.json({
      networks: networks.map(({ networkId, networkName, accessLevel }) => ({ networkId, networkName, accessLevel })),
    });
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

  // UpdateDataRetention in the deployment's network; answers the bot as the API then reports it.
  router.post('/v1/deployments/:namespace/:name/retention', async (req, res) => {
    const { entityRef, target } = await deployment(req, botOperatePermission, RETENTION);
    const enabled = retentionWanted(req.body);
    const { networkId } = target;
    if (!networkId) {
      throw new ConflictError(
        `${entityRef} has no Wickr network: its stack has no wickr-dr:network tag naming one (8 digits), so there is no data retention to turn ${enabled ? 'on' : 'off'}`,
      );
    }
    try {
      res.json(await changeRetention(await wickr.get(target), networkId, enabled));
    } catch (error) {
      throw wickrRouteError(error, `turn data retention ${enabled ? 'on' : 'off'} in network ${networkId} of ${entityRef}`);
    }
  });

  return router;
}
