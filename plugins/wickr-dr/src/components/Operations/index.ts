export { LaunchButtons } from './LaunchButtons';
export { RecentOperations, RECENT_OPERATIONS } from './RecentOperations';
export { WickrDrOperationsMenu } from './OperationsMenu';
