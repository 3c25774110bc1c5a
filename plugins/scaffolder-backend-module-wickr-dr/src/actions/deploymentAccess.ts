import type { Stack } from '@aws-sdk/client-cloudformation';
import { parse as parseArn } from '@aws-sdk/util-arn-parser';
import type { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';
import { type Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  AllowedAccounts,
  DEPLOYMENT_TAG,
  DeploymentTarget,
  deploymentCreatePermission,
  deploymentEntityName,
  deploymentTarget,
  UntrustedDeploymentError,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { stackTags } from '@wickr-dr/backstage-plugin-wickr-dr-node';

export interface DeploymentAccessOptions {
  permissions: PermissionsService;
  catalog: CatalogService;
  accounts: AllowedAccounts;
}

/**
 * Who may deploy: a new deployment needs wickr-dr.deployment.create; a change to an
 * existing stack needs the operation's permission on the deployment's catalog entity,
 * which must be the one the portal discovered for exactly that stack (so an entity
 * registered by hand, or one of another stack, can never grant it).
 */
export class DeploymentAccess {
  constructor(private readonly options: DeploymentAccessOptions) {}

  async authorizeCreate(credentials: BackstageCredentials): Promise<void> {
    await this.decide(credentials, deploymentCreatePermission, undefined, 'create Wickr data-retention deployments');
  }

  /** The entity ref of the stack's deployment, once the caller may act on it with the permission. */
  async authorizeExisting(
    credentials: BackstageCredentials,
    stack: Stack,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<string> {
    const { accountId, region } = parseArn(stack.StackId!);
    const ref = `resource:default/${deploymentEntityName(stackTags(stack)[DEPLOYMENT_TAG], accountId, region)}`;
    const entity = await this.options.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotAllowedError(
        `stack '${stack.StackName}' is a deployment the catalog does not know (no ${ref}); the portal changes only deployments its discovery found: check that catalog.providers.wickrDr looks at ${accountId}/${region}, wait for it, then try again`,
      );
    }
    try {
      const target = deploymentTarget(entity, this.options.accounts);
      if (target.stackArn !== stack.StackId) {
        throw new UntrustedDeploymentError(ref, `it is the entity of stack ${target.stackArn}, not of ${stack.StackId}`);
      }
    } catch (error) {
      if (error instanceof UntrustedDeploymentError) throw new NotAllowedError(error.message);
      throw error;
    }
    await this.decide(credentials, permission, ref, `${permission.attributes.action ?? 'change'} ${ref}`);
    return ref;
  }

  /**
   * The deployment a day-two form names (an entity ref from its EntityPicker), once the
   * caller may act on it with the permission: a discovered entity in a configured account.
   */
  async resolve(
    credentials: BackstageCredentials,
    deployment: string,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<{ entity: Entity; entityRef: string; target: DeploymentTarget }> {
    let ref;
    try {
      ref = parseEntityRef(deployment, { defaultKind: 'resource', defaultNamespace: 'default' });
    } catch {
      throw new InputError(`deployment: must be the entity ref of a Wickr data-retention deployment; got ${JSON.stringify(deployment)}`);
    }
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.options.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new InputError(`deployment: no entity ${entityRef} in the catalog (or you may not see it)`);
    let target: DeploymentTarget;
    try {
      target = deploymentTarget(entity, this.options.accounts);
    } catch (error) {
      if (error instanceof UntrustedDeploymentError) throw new NotAllowedError(error.message);
      throw error;
    }
    await this.decide(credentials, permission, entityRef, `${permission.attributes.action ?? 'change'} ${entityRef}`);
    return { entity, entityRef, target };
  }

  private async decide(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef: string | undefined,
    what: string,
  ) {
    const [decision] = await this.options.permissions.authorize(
      [resourceRef ? { permission: permission as ResourcePermission, resourceRef } : { permission: permission as BasicPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to ${what} (${permission.name})`);
    }
  }
}
