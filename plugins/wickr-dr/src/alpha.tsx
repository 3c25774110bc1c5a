import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDeploymentEntity } from '@internal/plugin-wickr-dr-common';
import { WickrDrClient, wickrDrApiRef } from './api';

/** The client of the wickr-dr backend plugin. */
export const wickrDrApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: wickrDrApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new WickrDrClient(deps),
    }),
});

/** `entity-card:wickr-dr/deployment`: the live state, on deployment entities only. */
export const wickrDrDeploymentCard = EntityCardBlueprint.make({
  name: 'deployment',
  params: {
    filter: isDeploymentEntity,
    loader: () =>
      import('./components/DeploymentCard').then(m => <m.DeploymentCard />),
  },
});

/** The Wickr data-retention plugin for apps on the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'wickr-dr',
  title: 'Wickr data retention',
  extensions: [wickrDrApi, wickrDrDeploymentCard],
});
