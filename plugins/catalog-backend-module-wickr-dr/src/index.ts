/**
 * Discovers Wickr data-retention stacks and keeps them in the catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleWickrDr as default } from './module';
export { WickrDrEntityProvider } from './WickrDrEntityProvider';
export type { DiscoveryTarget, RefreshResult, WickrDrEntityProviderOptions } from './WickrDrEntityProvider';
export { discoverStacks } from './stackDiscovery';
