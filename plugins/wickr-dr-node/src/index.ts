/**
 * AWS access for the Wickr data-retention backend packages.
 *
 * @packageDocumentation
 */
export * from './awsClients';
