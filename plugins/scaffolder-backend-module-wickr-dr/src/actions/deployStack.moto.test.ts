// Integration: render, deploy and put-secret with the real SDK and wire protocol against
// moto_server on loopback. A moto-sized copy of the product template (the same Parameters,
// a few resources, the outputs) stands in for the product template, which moto cannot create
// (no Fn::Cidr; KMS key tags crash it). moto has no per-resource events, rollbacks or
// termination protection; the simulated CloudFormation tests cover those.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MotoServer, motoClientConfig, motoSizedTemplate, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { renderOptions, testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createDeployStackAction } from './deployStack';
import { createPutBotSecretAction } from './putBotSecret';
import { createRenderDeploymentAction } from './renderDeployment';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const PRODUCT = parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'));
const TEMPLATE = JSON.stringify(motoSizedTemplate(PRODUCT));
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };
const deployment = { ...target, deployName: 'prod', botName: 'compliance_1_bot', owner: 'group:default/ops' };
const secrets = { botPassword: 'Initial-Moto-Password-4410' };

/** A workspace after fetch and render: the moto-sized template and what the render step makes of the form. */
async function renderedWorkspace(form: Record<string, unknown> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-moto-'));
  fs.mkdirSync(path.join(dir, 'cloudformation'));
  fs.writeFileSync(path.join(dir, 'cloudformation/wickr-dr-bot.yaml'), TEMPLATE);
  await createRenderDeploymentAction(renderOptions).handler(
    createMockActionContext({ input: { ...deployment, ...form }, workspacePath: dir }) as any,
  );
  return dir;
}

const discovered = (stack: Stack) =>
  deploymentEntity(
    { stackArn: stack.StackId!, stackName: stack.StackName!, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
    { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
  );

describe('wickr-dr:stack:deploy against moto_server', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;
  let task = 0;
  beforeAll(async () => {
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    cloudformation?.destroy();
    await moto?.stop();
  });
  beforeEach(() => moto.reset());

  const current = async () => (await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }))).Stacks![0];
  const parameter = (stack: Stack, key: string) => stack.Parameters!.find(p => p.ParameterKey === key)?.ParameterValue;

  /** Runs the deploy step as its own task; an existing stack's discovered entity is in the catalog. */
  async function deploy(input: object, workspacePath: string) {
    const existing = await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' })).catch(() => undefined);
    const action = createDeployStackAction({
      awsClients: testAwsClients(moto),
      access: testAccess({ entities: existing ? [discovered(existing.Stacks![0])] : [] }).access,
      allowedImages: renderOptions.allowedImages,
      locks: new InMemoryStackLocks(),
      // moto does not implement termination protection.
      defaults: { timeoutMinutes: 5, terminationProtection: false },
    });
    const ctx = createMockActionContext({ input: { ...target, ...input }, workspacePath, secrets, task: { id: `task-${++task}` } } as any);
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('creates a stack through a change set, with its tags and the bot stopped', async () => {
    const out = await deploy({}, await renderedWorkspace());
    expect(out.status).toBe('CREATE_COMPLETE');
    const stack = await current();
    expect(stack.StackId).toBe(out.stackId);
    expect(stack.Tags).toEqual([
      { Key: 'wickr-dr:deployment', Value: 'prod' },
      { Key: 'wickr-dr:owner', Value: 'group:default/ops' },
    ]);
    expect(parameter(stack, 'BotRunning')).toBe('false');
    const { StackResourceSummaries } = await cloudformation.send(new ListStackResourcesCommand({ StackName: 'wickr-dr-prod' }));
    expect(StackResourceSummaries!.map(r => r.LogicalResourceId).sort()).toEqual(['AlertTopic', 'BotLogGroup', 'Cluster', 'FlowLogGroup', 'LoggingBucket', 'RetentionBucket']);
  });

  it('updates it, as another task, once its entity is in the catalog', async () => {
    await deploy({}, await renderedWorkspace({ fileRotateMins: 10 }));
    const updated = await deploy({ botRunning: 'true' }, await renderedWorkspace({ fileRotateMins: 30 }));
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(updated.noChanges).toBe(false);
    expect(parameter(await current(), 'FileRotateMins')).toBe('30');
    expect(parameter(await current(), 'BotRunning')).toBe('true');
  });

  it('previews a change in a dry run from the stack template and parameters, leaving no change set', async () => {
    await deploy({}, await renderedWorkspace({ fileRotateMins: 10 }));
    const workspacePath = await renderedWorkspace({ fileRotateMins: 45 });
    const action = createDeployStackAction({
      awsClients: testAwsClients(moto),
      access: testAccess({ entities: [discovered(await current())] }).access,
      allowedImages: renderOptions.allowedImages,
      locks: new InMemoryStackLocks(),
      defaults: { timeoutMinutes: 5, terminationProtection: false },
    });
    const ctx = { ...createMockActionContext({ input: target, workspacePath, secrets }), isDryRun: true };
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('plannedChanges', ['Parameter FileRotateMins: "10" -> "45"']);
    const { Summaries = [] } = await cloudformation.send(new ListChangeSetsCommand({ StackName: 'wickr-dr-prod' }));
    expect(Summaries.filter(c => c.ExecutionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });

  it('reads the outputs back, puts the secret in place, and starts the bot', async () => {
    const { stack, secretArn } = await seedMotoDeployment(moto, { ...target, deployName: 'prod', templateBody: TEMPLATE });
    const put = createMockActionContext({ input: target, secrets, task: { id: 'task-put' } } as any);
    await createPutBotSecretAction({ locks: new InMemoryStackLocks(), awsClients: testAwsClients(moto), access: testAccess({ entities: [discovered(stack)] }).access }).handler(put as any);
    const started = await deploy({ botRunning: 'true' }, await renderedWorkspace());

    expect(started.outputs).toMatchObject({
      BotSecretArn: 'prod-bot-secret',
      RetentionBucketName: '123456789012-prod-wickrdr',
      AlertTopicArn: expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:/),
    });
    expect(parameter(await current(), 'BotRunning')).toBe('true');
    const value = JSON.parse((await new SecretsManagerClient(motoClientConfig(moto)).send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!);
    expect(value.password).toBe(secrets.botPassword);
  });

  it('refuses another team\'s stack and leaves it as it was', async () => {
    await seedMotoDeployment(moto, { ...target, deployName: 'prod', templateBody: TEMPLATE });
    const before = await current();
    const others = { ...target, stackName: 'team-web' };
    await cloudformation.send(
      new CreateStackCommand({ StackName: 'team-web', TemplateBody: TEMPLATE, Parameters: [{ ParameterKey: 'DeployName', ParameterValue: 'web' }, { ParameterKey: 'BotName', ParameterValue: 'web_bot' }], Tags: [{ Key: 'team', Value: 'web' }] }),
    );
    const error = await deploy(others, await renderedWorkspace({ stackName: 'team-web' })).catch(e => e);
    expect(error.message).toMatch(/^stack 'team-web' is not a Wickr data-retention deployment: it lacks the wickr-dr:deployment tag \(its tags: team=web;/);
    const web = (await cloudformation.send(new DescribeStacksCommand({ StackName: 'team-web' }))).Stacks![0];
    expect(parameter(web, 'DeployName')).toBe('web');
    expect(web.StackStatus).toBe('CREATE_COMPLETE');
    expect((await current()).LastUpdatedTime).toEqual(before.LastUpdatedTime);
  });
});
