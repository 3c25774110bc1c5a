// The deploy action on a simulated CloudFormation (aws-sdk-client-mock routes the SDK to
// __testUtils__/simulatedCloudFormation.ts), and for the bot's restart a simulated ECS
// (__testUtils__/simulatedEcs.ts); the engine's behaviours are tested in deploy/.
import fs from 'node:fs';
import path from 'node:path';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_ALLOWED_IMAGES, deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AccessOptions, testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { installSimulation } from '../__testUtils__/installSimulation';
import { SimulatedCloudFormation } from '../__testUtils__/simulatedCloudFormation';
import { runningTask, simulateEcs } from '../__testUtils__/simulatedEcs';
import { stackSteps } from '../__testUtils__/deployHarness';
import { workspaceWithTemplate } from '../__testUtils__/workspace';
import { createRenderDeploymentAction } from './renderDeployment';
import { createDeployStackAction } from './deployStack';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };

const secrets = { botPassword: 'Initial-Password-From-Console-7731' };

async function renderedWorkspace() {
  const workspacePath = workspaceWithTemplate();
  await createRenderDeploymentAction({ accounts: { configured: ['123456789012'] }, allowedImages: DEFAULT_ALLOWED_IMAGES }).handler(
    createMockActionContext({
      input: { ...target, deployName: 'prod', botName: 'compliance_1_bot', owner: 'group:default/ops' },
      workspacePath,
    }) as any,
  );
  return workspacePath;
}

/** The catalog entity discovery makes of a stack of the simulation. */
const discovered = (stackId: string, owner = 'group:default/ops') =>
  deploymentEntity(
    { stackArn: stackId, stackName: 'wickr-dr-prod', tags: { 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': owner }, outputs: {} },
    { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: owner },
  );

describe('wickr-dr:stack:deploy', () => {
  let simulation: SimulatedCloudFormation;
  let mock: ReturnType<typeof installSimulation>;
  beforeEach(() => {
    simulation = new SimulatedCloudFormation();
    mock = installSimulation(simulation);
  });
  afterEach(() => mock.restore());

  const action = (access: AccessOptions = {}) =>
    createDeployStackAction({
      awsClients: testAwsClients(),
      access: testAccess(access).access,
      allowedImages: DEFAULT_ALLOWED_IMAGES,
      locks: new InMemoryStackLocks(),
      defaults: { timeoutMinutes: 60, terminationProtection: true },
      clock: { sleep: simulation.sleep, now: () => simulation.now },
    });

  it('deploys the rendered stack and outputs its id, status, outputs and console links', async () => {
    simulation.nextOperation = { steps: stackSteps(2, 0, 0) };
    simulation.outputs = { BotLogGroupName: '/wickr-dr/prod/bot', RetentionBucketName: '123456789012-prod-wickrdr', RetentionPrefix: 'data-retention' };
    const ctx = createMockActionContext({ input: target, secrets, workspacePath: await renderedWorkspace() });
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
    [{ accountId: '999999999999' }, 'accountId: 999999999999 is not an account this portal may deploy to'],
  ])('refuses %j before any AWS call', async (bad, message) => {
    const ctx = createMockActionContext({ input: { ...target, ...bad }, workspacePath: await renderedWorkspace() });
    const error = await action().handler(ctx as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(message);
    expect(simulation.calls).toEqual([]);
  });

  it('refuses a workspace whose rendered stack was rewritten with an image from anywhere, before any AWS call', async () => {
    const workspacePath = await renderedWorkspace();
    const file = path.join(workspacePath, 'stack/parameters.json');
    const parameters = JSON.parse(fs.readFileSync(file, 'utf8'));
    parameters.find((p: any) => p.ParameterKey === 'BotImage').ParameterValue = 'docker.io/attacker/bot:latest';
    fs.writeFileSync(file, JSON.stringify(parameters));
    const error = await action().handler(createMockActionContext({ input: target, secrets, workspacePath }) as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('botImage: docker.io/attacker/bot:latest is not allowed; it must be an image from public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud');
    expect(simulation.calls).toEqual([]);
  });

  it('refuses a first deployment without the initial password before it writes anything', async () => {
    const ctx = createMockActionContext({ input: target, workspacePath: await renderedWorkspace() });
    const error = await action().handler(ctx as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^botPassword: a first deployment needs the bot's initial password/);
    expect(simulation.calls.map(c => c.operation)).toEqual(['DescribeStacks']);
  });

  it('updates an existing deployment only for a user the policy allows on its discovered entity', async () => {
    const stack = simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
    simulation.nextOperation = { steps: stackSteps(1, 0, 0) };
    const denied = action({ entities: [discovered(stack.id)], decide: () => AuthorizeResult.DENY });
    const error = await denied.handler(createMockActionContext({ input: target, workspacePath: await renderedWorkspace() }) as any).catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe('not allowed to update resource:default/prod-123456789012-use1 (wickr-dr.deployment.update)');
    expect(simulation.callsTo('CreateChangeSet')).toHaveLength(0);

    const allowed = testAccess({ entities: [discovered(stack.id)] });
    await createDeployStackAction({
      awsClients: testAwsClients(),
      access: allowed.access,
      allowedImages: DEFAULT_ALLOWED_IMAGES,
      locks: new InMemoryStackLocks(),
      defaults: { timeoutMinutes: 60, terminationProtection: true },
      clock: { sleep: simulation.sleep, now: () => simulation.now },
    }).handler(createMockActionContext({ input: target, workspacePath: await renderedWorkspace() }) as any);
    expect(allowed.requests).toEqual([{ permission: 'wickr-dr.deployment.update', resourceRef: 'resource:default/prod-123456789012-use1' }]);
    expect(simulation.callsTo('ExecuteChangeSet')).toHaveLength(1);
  });

  it('refuses an existing stack whose entity is not the discovered one of that stack', async () => {
    const stack = simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
    const byHand = discovered(stack.id, 'group:default/attacker');
    byHand.metadata.annotations!['backstage.io/managed-by-origin-location'] = 'url:https://example.com/catalog-info.yaml';
    const error = await action({ entities: [byHand] })
      .handler(createMockActionContext({ input: target, workspacePath: await renderedWorkspace() }) as any)
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain('resource:default/prod-123456789012-use1 is not a deployment the portal may act on: it was not discovered by the portal');
    const none = await action({ entities: [] })
      .handler(createMockActionContext({ input: target, workspacePath: await renderedWorkspace() }) as any)
      .catch(e => e);
    expect(none.message).toMatch(/^stack 'wickr-dr-prod' is a deployment the catalog does not know \(no resource:default\/prod-123456789012-use1\)/);
    expect(simulation.callsTo('CreateChangeSet')).toHaveLength(0);
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
    const ctx = createMockActionContext({ input: target, secrets, workspacePath: await renderedWorkspace() });
    const logged: string[] = [];
    ctx.logger.error = ((m: string) => logged.push(m)) as any;
    await expect(action().handler(ctx as any)).rejects.toThrow('RetentionBucket (AWS::S3::Bucket) CREATE_FAILED: Bucket name already taken');
    expect(logged).toEqual([expect.stringMatching(/^stack 'wickr-dr-prod' failed \(ROLLBACK_COMPLETE/)]);
  });

  describe('after put-secret wrote a new initial password (restartBotIfUnchanged), on a simulated ECS', () => {
    const HOUR = 3_600_000;
    const OLD_BOT = { primaryCreatedAt: -24 * HOUR, taskStartedAt: -HOUR };
    let ecs: ReturnType<typeof simulateEcs>;
    let began: number;
    afterEach(() => ecs.restore());

    /** The bot's ECS service as it is at the end of the step, its times from the step's start. */
    function botService({ primaryCreatedAt, taskStartedAt }: { primaryCreatedAt: number; taskStartedAt: number }) {
      simulation.outputs = { ClusterName: 'wickr-dr-prod', ServiceName: 'bot', BotLogGroupName: '/wickr-dr/prod/bot' };
      began = simulation.now;
      ecs = simulateEcs({ RUNNING: [runningTask(began + taskStartedAt)] }, { primaryCreatedAt: began + primaryCreatedAt });
    }

    /** The start step, on the deployment's existing stack or a new one; its info lines. */
    async function start(input: object, stack: 'existing' | 'new' = 'existing') {
      const entities = stack === 'existing' ? [discovered(simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE').id)] : [];
      const workspacePath = await renderedWorkspace();
      const ctx = createMockActionContext({ input: { ...target, botRunning: 'true', ...input }, secrets, workspacePath });
      const lines: string[] = [];
      ctx.logger.info = ((m: string) => lines.push(m)) as any;
      await action({ entities }).handler(ctx as any);
      return lines;
    }
    const restarts = () => ecs.commandCalls(UpdateServiceCommand).map(c => c.args[0].input);

    it('restarts a running bot the unchanged stack left as it was, so that it reads the password, saying why', async () => {
      simulation.emptyChangeSets = true;
      botService(OLD_BOT);
      const lines = await start({ restartBotIfUnchanged: true });
      expect(restarts()).toEqual([{ cluster: 'wickr-dr-prod', service: 'bot', forceNewDeployment: true }]);
      expect(lines.filter(line => /^Restarting/.test(line))).toEqual([
        `Restarting the bot (a new deployment of ECS service bot): its secret holds a new initial password that its task, running since ${new Date(began - HOUR).toISOString()} and not replaced by this step, never read`,
      ]);
    });

    const NEW_TASK = { primaryCreatedAt: 60_000, taskStartedAt: 90_000 };
    it.each([
      ['a first deployment, its service created by this step', 'new', NEW_TASK],
      ['an update that replaced the task (a new image: a new PRIMARY deployment)', 'existing', NEW_TASK],
      ['an update that started the stopped bot (BotRunning false to true scales the service up)', 'existing', { ...OLD_BOT, taskStartedAt: 90_000 }],
    ] as const)('leaves the bot alone after %s', async (_, stack, bot) => {
      simulation.nextOperation = { steps: stackSteps(2) };
      botService(bot);
      const lines = await start({ restartBotIfUnchanged: true }, stack);
      expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
      expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([]);
      expect(lines.filter(line => /^Restarting/.test(line))).toEqual([]);
    });

    it.each([
      ['restartBotIfUnchanged false', { restartBotIfUnchanged: false }],
      ['restartBotIfUnchanged not given', {}],
    ])('asks ECS nothing with %s', async (_, input) => {
      simulation.emptyChangeSets = true;
      botService(OLD_BOT);
      await start(input);
      expect(ecs.calls()).toHaveLength(0);
    });

    it('asks ECS nothing in a dry run', async () => {
      simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
      botService(OLD_BOT);
      const input = { ...target, botRunning: 'true', restartBotIfUnchanged: true };
      const ctx = { ...createMockActionContext({ input, workspacePath: await renderedWorkspace() }), isDryRun: true };
      await action().handler(ctx as any);
      expect(ecs.calls()).toHaveLength(0);
    });

    it('fails in one line when ECS refuses the restart', async () => {
      simulation.emptyChangeSets = true;
      botService(OLD_BOT);
      const denied = Object.assign(new Error('not authorized to perform: ecs:UpdateService'), { name: 'AccessDeniedException' });
      ecs.on(UpdateServiceCommand).rejects(denied);
      await expect(start({ restartBotIfUnchanged: true })).rejects.toThrow(
        /^the stack is deployed, but the bot could not be restarted to read its new initial password: .*not authorized to perform: ecs:UpdateService.*; retry the task$/,
      );
    });
  });
});
