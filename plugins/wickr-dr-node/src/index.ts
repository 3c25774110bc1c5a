/**
 * AWS access for the Wickr data-retention backend packages: clients with credentials,
 * allowed accounts, endpoints and retries from app-config, each AWS call pattern once.
 *
 * @packageDocumentation
 */
export * from './awsClients';
export * from './awsErrors';
export * from './cloudformation';
export * from './secretsManager';
export * from './botPassword';
export * from './ecs';
export * from './metrics';
export * from './wickr';
export * from './teardown';
