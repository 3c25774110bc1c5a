import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { DEPLOYED_TOPIC, DeployedEvent } from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import { providersFor, WickrDrEntityProvider } from './WickrDrEntityProvider';

const DEFAULT_SCHEDULE = { frequency: { minutes: 10 }, timeout: { minutes: 5 } };

/** Discovers Wickr data-retention stacks in the configured accounts and regions. */
export const catalogModuleWickrDr = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'wickr-dr',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
      },
      async init({ catalog, config, logger, scheduler, events }) {
        const providerConfig = config.getOptionalConfig('catalog.providers.wickrDr');
        if (!providerConfig) {
          logger.info('No catalog.providers.wickrDr configuration: Wickr data-retention stacks are not discovered');
          return;
        }
        const awsClients = AwsClients.fromConfig(config);
        const schedule = providerConfig.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(providerConfig.getConfig('schedule'))
          : DEFAULT_SCHEDULE;
        const accounts = providerConfig.getOptionalStringArray('accounts') ?? [undefined];
        const providers = accounts.flatMap(accountId =>
          providerConfig.getStringArray('regions').map(
            region =>
              new WickrDrEntityProvider({
                target: { accountId, region },
                awsClients,
                logger,
                defaultOwner: providerConfig.getOptionalString('defaultOwner') ?? 'group:default/platform-team',
              }),
          ),
        );
        catalog.addEntityProvider(providers);

        for (const provider of providers) {
          await scheduler.scheduleTask({
            id: `${provider.getProviderName()}:refresh`,
            ...schedule,
            scope: 'global',
            fn: async () => {
              await provider.refresh().catch(error =>
                logger.error(`${provider.getProviderName()}: discovery failed, keeping the entities it had`, error),
              );
            },
          });
        }

        // A deployment from the portal appears at once, without waiting for the schedule.
        await events.subscribe({
          id: 'catalog-wickr-dr-provider',
          topics: [DEPLOYED_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const deployed = eventPayload as DeployedEvent;
            const candidates = providersFor(providers, deployed);
            if (candidates.length === 0) {
              logger.warn(`A stack was deployed in ${deployed.accountId ?? 'the main account'}/${deployed.region}, where catalog.providers.wickrDr does not look`);
              return;
            }
            await Promise.all(candidates.map(p => p.refresh()));
          },
        });
      },
    });
  },
});
