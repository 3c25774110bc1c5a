import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { wickrDrPermissions } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { DEPLOYMENT_FILTER, DriftChecker } from './drift/DriftChecker';
import { DriftStore } from './drift/DriftStore';
import { readDriftConfig } from './drift/settings';
import { PasswordKeeper } from './keeper/PasswordKeeper';
import { RegistrationStore } from './keeper/RegistrationStore';
import { DEFAULT_KEEPER_SETTINGS, readKeeperConfig } from './keeper/settings';
import { OperationStore } from './operations/OperationStore';
import { readOperationsConfig } from './operations/settings';
import { DeploymentStateService } from './service/DeploymentStateService';
import { createRouter } from './service/router';
import { WickrClients } from './service/wickr';

/** Live state, drift checks, the bots' passwords, data retention and operation records of Wickr data-retention deployments, at /api/wickr-dr. */
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
        const knex = await database.getClient();
        // DriftStore runs every migration of the plugin, the keeper's and the operations' tables included.
        const store = await DriftStore.create(knex, { skipMigrations: database.migrations?.skip });
        const registrations = await RegistrationStore.create(knex, { skipMigrations: true });
        const operations = { store: await OperationStore.create(knex, { skipMigrations: true }), ...readOperationsConfig(config) };
        const drift = readDriftConfig(config);
        const checker = new DriftChecker({ awsClients, store, notifications: deps.notifications, logger, settings: drift.settings });
        const keeperConfig = readKeeperConfig(config);
        const keeper = new PasswordKeeper({
          awsClients,
          store: registrations,
          logger,
          settings: keeperConfig.enabled ? keeperConfig.settings : DEFAULT_KEEPER_SETTINGS,
        });
        const deployments = async () => {
          const credentials = await auth.getOwnServiceCredentials();
          return (await catalog.getEntities({ filter: DEPLOYMENT_FILTER }, { credentials })).items;
        };

        if (drift.enabled) {
          await scheduler.scheduleTask({
            id: 'wickr-dr-drift-check',
            ...drift.schedule,
            // One runner across backend replicas.
            scope: 'global',
            fn: async () => {
              await checker.checkAll({ deployments });
            },
          });
        } else {
          logger.info('Scheduled drift checks are off (wickrDr.drift.enabled: false)');
        }

        if (keeperConfig.enabled) {
          await scheduler.scheduleTask({
            id: 'wickr-dr-password-keeper',
            ...keeperConfig.schedule,
            // One runner across backend replicas: two would store the same password twice.
            scope: 'global',
            fn: async () => {
              await keeper.keepAll({ deployments });
            },
          });
        } else {
          logger.info(
            "The password keeper is off (wickrDr.passwordKeeper: false): bots' generated passwords are stored only by the scaffolder step or Capture now",
          );
        }

        const wickr = new WickrClients(awsClients);
        deps.httpRouter.use(
          await createRouter({
            awsClients,
            wickr,
            httpAuth: deps.httpAuth,
            auth,
            permissions: deps.permissions,
            catalog,
            states: new DeploymentStateService(awsClients, { registrations, wickr }),
            drift: { store, checker },
            keeper,
            operations,
          }),
        );
      },
    });
  },
});
