export { WickrDrClient, wickrDrApiRef } from './WickrDrClient';
export type { WickrDrApi, WickrDrClientOptions } from './WickrDrClient';
