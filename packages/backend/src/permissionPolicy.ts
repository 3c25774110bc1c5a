import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  deploymentCreatePermission,
  deploymentReadPermission,
  ownerOnlyPermissions,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

const signedInPermissions = [deploymentReadPermission, deploymentCreatePermission];

function isOneOf(permission: Permission, list: Permission[]): boolean {
  return list.some(p => isPermission(permission, p));
}

/**
 * "Owners deploy and operate, everyone reads": the owner-only Wickr permissions are allowed on
 * a deployment entity only to its owners (the catalog checks the entity's owner against the
 * user's ownership refs); reading deployments and deploying new ones is open to every signed-in
 * user; everything else is allowed, as in Backstage's example policy.
 */
export class OwnersOperatePolicy implements PermissionPolicy {
  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (isOneOf(permission, ownerOnlyPermissions)) {
      // Without a user there are no ownership claims; a basic permission has no entity to own.
      if (!user || !isResourcePermission(permission, 'catalog-entity')) return DENY;
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: user.info.ownershipEntityRefs }),
      );
    }
    if (isOneOf(permission, signedInPermissions)) {
      return user ? ALLOW : DENY;
    }
    return ALLOW;
  }
}

/** Allows every request: for local development only (see permissionPolicyModule). */
export class AllowAllPolicy implements PermissionPolicy {
  async handle(_request: PolicyQuery, _user?: PolicyQueryUser): Promise<PolicyDecision> {
    return ALLOW;
  }
}

/** Denies every request: installed while a backend with a refused configuration stops. */
export class DenyAllPolicy implements PermissionPolicy {
  async handle(_request: PolicyQuery, _user?: PolicyQueryUser): Promise<PolicyDecision> {
    return DENY;
  }
}
