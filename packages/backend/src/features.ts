import type { BackendFeature } from '@backstage/backend-plugin-api';
import appBackend from '@backstage/plugin-app-backend';
import authBackend from '@backstage/plugin-auth-backend';
import githubAuthProvider from '@backstage/plugin-auth-backend-module-github-provider';
import guestAuthProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogLogs from '@backstage/plugin-catalog-backend-module-logs';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import signalsBackend from '@backstage/plugin-signals-backend';
import scaffolderModuleWickrDr from '@wickr-dr/backstage-plugin-scaffolder-backend-module-wickr-dr';
import catalogModuleWickrDr from '@wickr-dr/backstage-plugin-catalog-backend-module-wickr-dr';
import wickrDrBackend from '@wickr-dr/backstage-plugin-wickr-dr-backend';
import { portalPermissionPolicyModule } from './permissionPolicyModule';

/** Serves the built frontend (packages/app/dist); needs `npm run build:app` first. */
export const appFeature: BackendFeature = appBackend;

/**
 * The permission framework with the policy that portal.permissionPolicy picks: owners
 * (the default) or allow-all. See the README, "Replacing the permission policy".
 */
export const permissionFeatures: BackendFeature[] = [
  permissionBackend,
  portalPermissionPolicyModule,
];

/**
 * The portal's backend features, apart from the app and our own plugins, so that the
 * start-up benchmark can run the same backend with and without the Wickr data-retention plugins.
 * Sign-in: guest for local use, GitHub where auth.providers.github is configured.
 */
export const portalFeatures: BackendFeature[] = [
  authBackend,
  guestAuthProvider,
  githubAuthProvider,
  catalogBackend,
  catalogScaffolderEntityModel,
  catalogLogs,
  scaffolderBackend,
  ...permissionFeatures,
  notificationsBackend,
  signalsBackend,
];

/** Our plugins. */
export const wickrDrFeatures: BackendFeature[] = [
  scaffolderModuleWickrDr,
  catalogModuleWickrDr,
  wickrDrBackend,
];
