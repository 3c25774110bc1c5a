// Test utilities of the Wickr data-retention packages that talk to moto_server. Not for production code.
export * from './seedMotoDeployment';
export * from './faultAwsClients';
