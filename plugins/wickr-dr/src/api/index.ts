export { WickrDrClient, wickrDrApiRef } from './WickrDrClient';
export type {
  WickrDrApi,
  WickrDrClientOptions,
  WickrNetworkSummary,
} from './WickrDrClient';
