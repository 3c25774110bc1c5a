import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of the deployment permissions: the deployment's catalog entity.
 * The catalog owns its rules (isEntityOwner, hasAnnotation, ...), so a policy can
 * answer "owners only" with `createCatalogConditionalDecision` and the catalog
 * applies the condition to the entity named in the request.
 */
export const DEPLOYMENT_RESOURCE_TYPE = 'catalog-entity';

/** Reading a deployment's live state and drift. */
export const deploymentReadPermission = createPermission({
  name: 'wickr-dr.deployment.read',
  attributes: { action: 'read' },
  resourceType: DEPLOYMENT_RESOURCE_TYPE,
});

/** Running a drift check now ("Check now" on the card). */
export const driftCheckPermission = createPermission({
  name: 'wickr-dr.drift.check',
  attributes: { action: 'update' },
  resourceType: DEPLOYMENT_RESOURCE_TYPE,
});

/** Deploying a new stack from the template (there is no entity yet, so a basic permission). */
export const deploymentCreatePermission = createPermission({
  name: 'wickr-dr.deployment.create',
  attributes: { action: 'create' },
});

/** Updating an existing deployment's stack: a redeploy, a preview and apply. */
export const deploymentUpdatePermission = createPermission({
  name: 'wickr-dr.deployment.update',
  attributes: { action: 'update' },
  resourceType: DEPLOYMENT_RESOURCE_TYPE,
});

/** Tearing a deployment down. */
export const deploymentDeletePermission = createPermission({
  name: 'wickr-dr.deployment.delete',
  attributes: { action: 'delete' },
  resourceType: DEPLOYMENT_RESOURCE_TYPE,
});

/** Operating the bot: stop, start, its password, the retention switch. */
export const botOperatePermission = createPermission({
  name: 'wickr-dr.bot.operate',
  attributes: { action: 'update' },
  resourceType: DEPLOYMENT_RESOURCE_TYPE,
});

export const wickrDrPermissions = [
  deploymentReadPermission,
  driftCheckPermission,
  deploymentCreatePermission,
  deploymentUpdatePermission,
  deploymentDeletePermission,
  botOperatePermission,
];

/** The permissions a deployment's owners hold under the portal's owner policy; everyone else only reads. */
export const ownerOnlyPermissions = wickrDrPermissions.filter(
  p => p !== deploymentReadPermission && p !== deploymentCreatePermission,
);
