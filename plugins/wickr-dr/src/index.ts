/**
 * The entity card that shows a Wickr data-retention deployment live and the template
 * field that picks its AWS account: the legacy frontend system's plugin, card and field
 * extension. The new frontend system's plugin is in `./alpha`.
 *
 * @packageDocumentation
 */
export {
  wickrDrPlugin,
  EntityWickrDrDeploymentCard,
  WickrDrAccountPickerFieldExtension,
} from './plugin';
export { WickrDrClient, wickrDrApiRef } from './api';
export type { WickrDrApi, WickrDrClientOptions } from './api';
export { isDeploymentEntity } from '@internal/plugin-wickr-dr-common';
