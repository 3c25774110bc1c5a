// The deploy action on a simulated CloudFormation (aws-sdk-client-mock routes the SDK to
// testing/simulatedCloudFormation.ts); the engine's behaviours are tested in deploy/.
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { InputError } from '@backstage/errors';
import { StackLocks } from '../deploy/stackLocks';
import { testAwsClients } from '../__testUtils__/awsClients';
import { installSimulation } from '../__testUtils__/installSimulation';
import { SimulatedCloudFormation } from '../__testUtils__/simulatedCloudFormation';
import { stackSteps } from '../__testUtils__/deployHarness';
import { workspaceWithTemplate } from '../__testUtils__/workspace';
import { createRenderDeploymentAction } from './renderDeployment';
import { createDeployStackAction } from './deployStack';

const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };

async function renderedWorkspace() {
  const workspacePath = workspaceWithTemplate();
  await createRenderDeploymentAction().handler(
    createMockActionContext({
      input: { ...target, deployName: 'prod', botName: 'compliance_1_bot' },
      workspacePath,
    }) as any,
  );
  return workspacePath;
}

describe('wickr-dr:stack:deploy', () => {
  let simulation: SimulatedCloudFormation;
  let mock: ReturnType<typeof installSimulation>;
  beforeEach(() => {
    simulation = new SimulatedCloudFormation();
    mock = installSimulation(simulation);
  });
  afterEach(() => mock.restore());

  const action = () =>
    createDeployStackAction({
      awsClients: testAwsClients(),
      locks: new StackLocks(),
      defaults: { timeoutMinutes: 60, terminationProtection: true },
      clock: { sleep: simulation.sleep, now: () => simulation.now },
    });

  it('deploys the rendered stack and outputs its id, status, outputs and console links', async () => {
    simulation.nextOperation = { steps: stackSteps(2, 0, 0) };
    simulation.outputs = { BotLogGroupName: '/wickr-dr/prod/bot', RetentionBucketName: '123456789012-prod-wickrdr', RetentionPrefix: 'data-retention' };
    const ctx = createMockActionContext({ input: target, workspacePath: await renderedWorkspace() });
    await action().handler(ctx as any);

    expect(ctx.output).toHaveBeenCalledWith('status', 'CREATE_COMPLETE');
    expect(ctx.output).toHaveBeenCalledWith('stackId', expect.stringMatching(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/wickr-dr-prod\//));
    expect(ctx.output).toHaveBeenCalledWith('outputs', expect.objectContaining({ RetentionBucketName: '123456789012-prod-wickrdr' }));
    expect(ctx.output).toHaveBeenCalledWith('links', {
      stack: expect.stringContaining('https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId='),
      logGroup: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fwickr-dr$252Fprod$252Fbot',
      retentionBucket: 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-prod-wickrdr?region=us-east-1&prefix=data-retention%2F',
    });
    const request = simulation.callsTo('CreateChangeSet')[0].input;
    expect(request.Parameters).toContainEqual({ ParameterKey: 'DeployName', ParameterValue: 'prod' });
    expect(request.Tags).toContainEqual({ Key: 'wickr-dr:deployment', Value: 'prod' });
  });

  it.each([
    [{ region: 'eu-central-1' }, 'region: must be one of the AWS Wickr Regions'],
    [{ stackName: '9lives' }, 'stackName: must be a CloudFormation stack name'],
    [{ accountId: 'main' }, 'accountId: must be a 12-digit AWS account id'],
  ])('refuses %j before any AWS call', async (bad, message) => {
    const ctx = createMockActionContext({ input: { ...target, ...bad }, workspacePath: await renderedWorkspace() });
    const error = await action().handler(ctx as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(message);
    expect(simulation.calls).toEqual([]);
  });

  it('in a dry run lists what it would create and changes nothing', async () => {
    const ctx = { ...createMockActionContext({ input: target, workspacePath: await renderedWorkspace() }), isDryRun: true };
    await action().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('status', 'NOT_CREATED');
    expect(ctx.output).toHaveBeenCalledWith('plannedChanges', expect.arrayContaining(['Add AWS::ECS::Service BotService', 'Add AWS::S3::Bucket RetentionBucket']));
    expect(simulation.calls.map(c => c.operation)).toEqual(['DescribeStacks']);
  });

  it('logs the one-line failure and fails the step', async () => {
    simulation.nextOperation = { steps: [{ logicalId: 'RetentionBucket', type: 'AWS::S3::Bucket', startMs: 0, endMs: 0, failWith: 'Bucket name already taken' }] };
    const ctx = createMockActionContext({ input: target, workspacePath: await renderedWorkspace() });
    const logged: string[] = [];
    ctx.logger.error = ((m: string) => logged.push(m)) as any;
    await expect(action().handler(ctx as any)).rejects.toThrow('RetentionBucket (AWS::S3::Bucket) CREATE_FAILED: Bucket name already taken');
    expect(logged).toEqual([expect.stringMatching(/^stack 'wickr-dr-prod' failed \(ROLLBACK_COMPLETE/)]);
  });
});
