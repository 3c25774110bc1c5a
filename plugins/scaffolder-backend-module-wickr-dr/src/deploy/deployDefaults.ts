import type { Config } from '@backstage/config';
import type { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';

/**
 * Whether a new stack gets termination protection: `wickrDr.deploy.terminationProtection`,
 * else on, except when CloudFormation calls go to an emulator (`wickrDr.endpoint` or
 * `wickrDr.endpoints.cloudformation`): moto does not implement UpdateTerminationProtection,
 * so a stack it created would fail its deployment at the last step.
 */
export function terminationProtectionDefault(config: Config, awsClients: Pick<AwsClients, 'endpointFor'>): boolean {
  return config.getOptionalBoolean('wickrDr.deploy.terminationProtection') ?? !awsClients.endpointFor('cloudformation');
}
