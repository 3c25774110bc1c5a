/**
 * The portal's backend features, in two groups so that the start-up benchmark
 * can measure the same backend with and without the Wickr data-retention plugins.
 */
export const portalFeatures = [
  import('@backstage/plugin-app-backend'),
  import('@backstage/plugin-auth-backend'),
  import('@backstage/plugin-auth-backend-module-guest-provider'),
  import('@backstage/plugin-catalog-backend'),
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  import('@backstage/plugin-catalog-backend-module-logs'),
  import('@backstage/plugin-scaffolder-backend'),
  import('@backstage/plugin-permission-backend'),
  // Allows every request: fine on a laptop, not in production. See the README,
  // "Replacing the permission policy", to install your own policy module instead.
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
  import('@backstage/plugin-notifications-backend'),
  import('@backstage/plugin-signals-backend'),
];

export const wickrDrFeatures: Array<Promise<{ default: unknown }>> = [];
