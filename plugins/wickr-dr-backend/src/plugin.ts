import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { wickrDrPermissions } from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import { DEPLOYMENT_FILTER, DriftChecker } from './drift/DriftChecker';
import { DriftStore } from './drift/DriftStore';
import { readDriftConfig } from './drift/settings';
import { DeploymentStateService } from './service/DeploymentStateService';
import { createRouter } from './service/router';

/** Live state and drift checks of Wickr data-retention deployments, at /api/wickr-dr. */
export const wickrDrPlugin = createBackendPlugin({
  pluginId: 'wickr-dr',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, database, scheduler, auth, catalog } = deps;
        // Resource permissions on 'catalog-entity': the catalog owns the rules, so the
        // registry only lists them for policies and tooling.
        deps.permissionsRegistry.addPermissions(wickrDrPermissions);
        const awsClients = AwsClients.fromConfig(config);
        const store = await DriftStore.create(await database.getClient(), {
          skipMigrations: database.migrations?.skip,
        });
        const drift = readDriftConfig(config);
        const checker = new DriftChecker({ awsClients, store, notifications: deps.notifications, logger, settings: drift.settings });

        if (drift.enabled) {
          await scheduler.scheduleTask({
            id: 'wickr-dr-drift-check',
            ...drift.schedule,
            // One runner across backend replicas.
            scope: 'global',
            fn: async () => {
              const credentials = await auth.getOwnServiceCredentials();
              await checker.checkAll({
                deployments: async () => (await catalog.getEntities({ filter: DEPLOYMENT_FILTER }, { credentials })).items,
              });
            },
          });
        } else {
          logger.info('Scheduled drift checks are off (wickrDr.drift.enabled: false)');
        }

        deps.httpRouter.use(
          await createRouter({
            awsClients,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog,
            states: new DeploymentStateService(awsClients),
            drift: { store, checker },
          }),
        );
      },
    });
  },
});
