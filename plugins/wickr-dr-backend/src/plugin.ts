import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { wickrDrPermissions } from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import { DeploymentStateService } from './service/DeploymentStateService';
import { createRouter } from './service/router';

/** Live state of Wickr data-retention deployments, at /api/wickr-dr. */
export const wickrDrPlugin = createBackendPlugin({
  pluginId: 'wickr-dr',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({ config, httpRouter, httpAuth, permissions, permissionsRegistry, catalog }) {
        permissionsRegistry.addPermissions(wickrDrPermissions);
        const states = new DeploymentStateService(AwsClients.fromConfig(config));
        httpRouter.use(await createRouter({ httpAuth, permissions, catalog, states }));
      },
    });
  },
});
