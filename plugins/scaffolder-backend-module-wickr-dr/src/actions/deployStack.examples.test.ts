// On a simulated CloudFormation (aws-sdk-client-mock).
import { parse } from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { renderOptions, testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { stackSteps } from '../__testUtils__/deployHarness';
import { installSimulation } from '../__testUtils__/installSimulation';
import { SimulatedCloudFormation } from '../__testUtils__/simulatedCloudFormation';
import { workspaceWithTemplate } from '../__testUtils__/workspace';
import { createDeployStackAction } from './deployStack';
import { examples } from './deployStack.examples';
import { createRenderDeploymentAction } from './renderDeployment';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

describe('wickr-dr:stack:deploy examples', () => {
  it.each(examples.map(e => [e.description, e] as const))('%s', async (_, example) => {
    const input = parse(example.example).steps[0].input;
    const simulation = new SimulatedCloudFormation();
    const mock = installSimulation(simulation);
    try {
      simulation.nextOperation = { steps: stackSteps(2) };
      const workspacePath = workspaceWithTemplate();
      await createRenderDeploymentAction(renderOptions).handler(
        createMockActionContext({
          input: { stackName: input.stackName, region: input.region, deployName: 'prod', botName: 'compliance_1_bot' },
          workspacePath,
        }) as any,
      );
      const action = createDeployStackAction({
        awsClients: testAwsClients(),
        access: testAccess().access,
        allowedImages: renderOptions.allowedImages,
        locks: new InMemoryStackLocks(),
        defaults: { timeoutMinutes: 60, terminationProtection: true },
        clock: { sleep: simulation.sleep, now: () => simulation.now },
      });
      const ctx = createMockActionContext({ input, workspacePath, secrets: { botPassword: 'An-Initial-Password-123' } });
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('status', 'CREATE_COMPLETE');
      const running = simulation.callsTo('CreateChangeSet')[0].input.Parameters.find((p: any) => p.ParameterKey === 'BotRunning');
      expect(running.ParameterValue).toBe(input.botRunning === 'true' ? 'true' : 'false');
    } finally {
      mock.restore();
    }
  });
});
