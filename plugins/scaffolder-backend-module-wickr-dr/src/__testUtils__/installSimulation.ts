import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { SimulatedCloudFormation } from './simulatedCloudFormation';

const COMMANDS = {
  CancelUpdateStack: CancelUpdateStackCommand,
  CreateChangeSet: CreateChangeSetCommand,
  DeleteChangeSet: DeleteChangeSetCommand,
  DeleteStack: DeleteStackCommand,
  DescribeChangeSet: DescribeChangeSetCommand,
  DescribeStackEvents: DescribeStackEventsCommand,
  DescribeStacks: DescribeStacksCommand,
  ExecuteChangeSet: ExecuteChangeSetCommand,
  GetTemplate: GetTemplateCommand,
  ListChangeSets: ListChangeSetsCommand,
  UpdateTerminationProtection: UpdateTerminationProtectionCommand,
};

/**
 * Routes every CloudFormationClient in the process to the simulation through
 * aws-sdk-client-mock. Call `restore()` on the returned mock when done.
 */
export function installSimulation(simulation: SimulatedCloudFormation) {
  const mock = mockClient(CloudFormationClient);
  for (const [operation, Command] of Object.entries(COMMANDS)) {
    mock.on(Command as any).callsFake((input: any) => simulation.send(operation, input));
  }
  return mock;
}
