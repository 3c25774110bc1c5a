/**
 * The entity card that shows a Wickr data-retention deployment live: the legacy
 * frontend system's plugin and card. The new frontend system's plugin is in `./alpha`.
 *
 * @packageDocumentation
 */
export { wickrDrPlugin, EntityWickrDrDeploymentCard } from './plugin';
export { WickrDrClient, wickrDrApiRef } from './api';
export type { WickrDrApi, WickrDrClientOptions } from './api';
export { isDeploymentEntity } from '@internal/plugin-wickr-dr-common';
