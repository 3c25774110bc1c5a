import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { isDeploymentEntity } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { WickrDrClient, wickrDrApiRef } from './api';
import {
  botRunningMenuItem,
  previewUpdateMenuItem,
  teardownMenuItem,
} from './dayTwo/contextMenuItems';

export {
  botRunningMenuItem,
  previewUpdateMenuItem,
  teardownMenuItem,
} from './dayTwo/contextMenuItems';

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

/**
 * `scaffolder-form-field:wickr-dr/account-picker`: the template field
 * `ui:field: WickrDrAccountPicker`, which offers the main account and those configured
 * under `aws.accounts`.
 */
export const wickrDrAccountPickerFormField = FormFieldBlueprint.make({
  name: 'account-picker',
  params: {
    field: () =>
      import('./components/AccountPicker').then(m => m.accountPickerFormField),
  },
});

/**
 * `scaffolder-form-field:wickr-dr/network-picker`: the template field
 * `ui:field: WickrDrNetworkPicker`, which offers the Wickr networks of the account and
 * region chosen earlier in the form.
 */
export const wickrDrNetworkPickerFormField = FormFieldBlueprint.make({
  name: 'network-picker',
  params: {
    field: () =>
      import('./components/NetworkPicker').then(m => m.networkPickerFormField),
  },
});

/** The Wickr data-retention plugin for apps on the new frontend system. */
export default createFrontendPlugin({
  pluginId: 'wickr-dr',
  title: 'Wickr data retention',
  extensions: [
    wickrDrApi,
    wickrDrDeploymentCard,
    wickrDrAccountPickerFormField,
    wickrDrNetworkPickerFormField,
    previewUpdateMenuItem,
    botRunningMenuItem,
    teardownMenuItem,
  ],
});
