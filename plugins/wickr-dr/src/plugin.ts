import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { WickrDrClient, wickrDrApiRef } from './api';

/** The Wickr data-retention plugin for apps on the legacy frontend system. */
export const wickrDrPlugin = createPlugin({
  id: 'wickr-dr',
  apis: [
    createApiFactory({
      api: wickrDrApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new WickrDrClient(deps),
    }),
  ],
});

/**
 * The live state of a Wickr data-retention deployment, for the entity page; show it
 * only for deployments, with `<EntitySwitch.Case if={isDeploymentEntity}>`.
 */
export const EntityWickrDrDeploymentCard = wickrDrPlugin.provide(
  createComponentExtension({
    name: 'EntityWickrDrDeploymentCard',
    component: {
      lazy: () =>
        import('./components/DeploymentCard').then(m => m.DeploymentCard),
    },
  }),
);
