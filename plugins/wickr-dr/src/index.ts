/**
 * The entity card that shows a Wickr data-retention deployment live, the menu of its
 * day-two operations, and the template fields that pick its AWS account and its Wickr
 * network: the legacy frontend system's plugin, card, menu and field extensions. The
 * new frontend system's plugin is in `./alpha`.
 *
 * @packageDocumentation
 */
export {
  wickrDrPlugin,
  EntityWickrDrDeploymentCard,
  EntityWickrDrOperationsMenu,
  WickrDrAccountPickerFieldExtension,
  WickrDrNetworkPickerFieldExtension,
} from './plugin';
export { WickrDrClient, wickrDrApiRef } from './api';
export type {
  WickrDrApi,
  WickrDrClientOptions,
  WickrNetworkSummary,
} from './api';
export { isDeploymentEntity } from '@wickr-dr/backstage-plugin-wickr-dr-common';
