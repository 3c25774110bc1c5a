import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { WickrDrClient, wickrDrApiRef } from './api';
import { WickrDrAccountPicker } from './components/AccountPicker/AccountPicker';
import {
  ACCOUNT_PICKER_FIELD_NAME,
  validateAccountId,
} from './components/AccountPicker/validation';
import { WickrDrNetworkPicker } from './components/NetworkPicker/NetworkPicker';
import {
  NETWORK_PICKER_FIELD_NAME,
  validateNetworkId,
} from './components/NetworkPicker/validation';

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

/**
 * The day-two launches of a deployment (Preview an update, Stop or start the bot, Tear
 * down) as a menu button, for the entity page; each only for users allowed its
 * permission on the entity. The card shows the same launches as buttons.
 */
export const EntityWickrDrOperationsMenu = wickrDrPlugin.provide(
  createComponentExtension({
    name: 'EntityWickrDrOperationsMenu',
    component: {
      lazy: () =>
        import('./components/Operations').then(m => m.WickrDrOperationsMenu),
    },
  }),
);

/**
 * The template field `ui:field: WickrDrAccountPicker`: the AWS account to deploy to,
 * among the main account and those configured under `aws.accounts`. Put it in the app's
 * `<ScaffolderFieldExtensions>`.
 */
export const WickrDrAccountPickerFieldExtension = wickrDrPlugin.provide(
  createScaffolderFieldExtension({
    name: ACCOUNT_PICKER_FIELD_NAME,
    component: WickrDrAccountPicker,
    validation: validateAccountId,
  }),
);

/**
 * The template field `ui:field: WickrDrNetworkPicker`: the bot's AWS Wickr network, among
 * the networks of the account and region chosen earlier in the form (its `accountId` and
 * `region`). Put it in the app's `<ScaffolderFieldExtensions>`.
 */
export const WickrDrNetworkPickerFieldExtension = wickrDrPlugin.provide(
  createScaffolderFieldExtension({
    name: NETWORK_PICKER_FIELD_NAME,
    component: WickrDrNetworkPicker,
    validation: validateNetworkId,
  }),
);
