/**
 * Live state (and drift checks) of Wickr data-retention deployments.
 *
 * @packageDocumentation
 */
export { wickrDrPlugin as default } from './plugin';
export { DeploymentStateService } from './service/DeploymentStateService';
