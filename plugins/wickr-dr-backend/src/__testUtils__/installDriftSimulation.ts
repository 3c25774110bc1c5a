import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { SimulatedDriftCloudFormation } from './simulatedDrift';

/** Routes every CloudFormationClient to the drift simulation through aws-sdk-client-mock. */
export function installDriftSimulation(simulation: SimulatedDriftCloudFormation) {
  const mock = mockClient(CloudFormationClient);
  const commands = {
    DescribeStacks: DescribeStacksCommand,
    DetectStackDrift: DetectStackDriftCommand,
    DescribeStackDriftDetectionStatus: DescribeStackDriftDetectionStatusCommand,
    DescribeStackResourceDrifts: DescribeStackResourceDriftsCommand,
  };
  for (const [operation, Command] of Object.entries(commands)) {
    mock.on(Command as any).callsFake((input: any) => simulation.send(operation, input));
  }
  return mock;
}
