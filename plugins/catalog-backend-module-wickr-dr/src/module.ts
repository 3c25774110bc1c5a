import { coreServices, createBackendModule, LoggerService } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { type EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { DEPLOYED_TOPIC } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { readDeployedEvent } from './deployedEvent';
import { CONFIG_KEY, discoveryTargets, readDiscoveryConfig } from './discoveryConfig';
import { providersFor, WickrDrEntityProvider } from './WickrDrEntityProvider';

/** A deployment from the portal appears at once, without waiting for the schedule. */
async function refreshOnDeployed(
  events: EventsService,
  providers: WickrDrEntityProvider[],
  regions: string[],
  logger: LoggerService,
) {
  await events.subscribe({
    id: 'catalog-wickr-dr-provider',
    topics: [DEPLOYED_TOPIC],
    onEvent: async ({ eventPayload }) => {
      const read = readDeployedEvent(eventPayload, regions);
      if ('problem' in read) {
        logger.warn(read.problem);
        return;
      }
      const { accountId, region } = read.event;
      const candidates = providersFor(providers, read.event);
      if (candidates.length === 0) {
        logger.warn(`A stack was deployed in ${accountId ?? 'the main account'}/${region}, where ${CONFIG_KEY} does not look`);
        return;
      }
      await Promise.all(candidates.map(p => p.refreshOrKeep()));
    },
  });
}

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
        const discovery = readDiscoveryConfig(config);
        if (!discovery) {
          logger.info(`No ${CONFIG_KEY} configuration: Wickr data-retention stacks are not discovered`);
          return;
        }
        const awsClients = AwsClients.fromConfig(config);
        const targets = discoveryTargets(discovery, awsClients.accounts, problem => logger.error(problem));
        const providers = targets.map(
          target =>
            new WickrDrEntityProvider({
              target,
              awsClients,
              logger,
              defaultOwner: discovery.defaultOwner,
              taskRunner: scheduler.createScheduledTaskRunner(discovery.schedule),
            }),
        );
        catalog.addEntityProvider(providers);
        await refreshOnDeployed(events, providers, discovery.regions, logger);
      },
    });
  },
});
