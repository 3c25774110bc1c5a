// Integration: the deploy action with the real SDK and wire protocol against moto_server on
// loopback. Small test templates stand in for the product template, which moto cannot create
// (no Fn::Cidr; KMS key tags crash it). moto has no per-resource events, rollbacks or
// termination protection; the simulated CloudFormation tests cover those.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { MotoServer, motoClientConfig, startMoto } from '@internal/plugin-wickr-dr-common/testUtils';
import { StackLocks } from '../deploy/stackLocks';
import { testAwsClients } from '../__testUtils__/awsClients';
import { seedBotStack, SMALL_BOT_TEMPLATE } from '../__testUtils__/motoStacks';
import { createDeployStackAction } from './deployStack';
import { createPutBotSecretAction } from './putBotSecret';

const TOPIC_TEMPLATE = JSON.stringify({
  Parameters: {
    DeployName: { Type: 'String' },
    FileRotateMins: { Type: 'Number', Default: 10 },
    BotRunning: { Type: 'String', Default: 'false' },
  },
  Resources: {
    AlertTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${DeployName}-alerts' } } },
    RetentionBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdr' } } },
  },
});

/** A workspace as wickr-dr:deployment:render leaves it. */
function renderedWorkspace(templateBody: string, parameters: object[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-moto-'));
  fs.mkdirSync(path.join(dir, 'stack'));
  fs.writeFileSync(path.join(dir, 'stack/template.json'), templateBody);
  fs.writeFileSync(path.join(dir, 'stack/parameters.json'), JSON.stringify(parameters));
  fs.writeFileSync(path.join(dir, 'stack/tags.json'), JSON.stringify([{ Key: 'wickr-dr:deployment', Value: 'prod' }]));
  return dir;
}

describe('wickr-dr:stack:deploy against moto_server', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;
  beforeAll(async () => {
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    cloudformation?.destroy();
    await moto?.stop();
  });
  beforeEach(() => moto.reset());

  const deployAction = () =>
    createDeployStackAction({
      awsClients: testAwsClients(moto),
      locks: new StackLocks(),
      // moto does not implement termination protection.
      defaults: { timeoutMinutes: 5, terminationProtection: false },
    });

  async function deploy(input: object, workspacePath: string) {
    const ctx = createMockActionContext({ input: { stackName: 'wickr-dr-prod', region: 'us-east-1', ...input }, workspacePath });
    await deployAction().handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }
  const describe1 = async () =>
    (await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }))).Stacks![0];
  const parameter = (stack: any, key: string) => stack.Parameters.find((p: any) => p.ParameterKey === key)?.ParameterValue;

  it('creates a stack through a change set, with its tags and the bot stopped', async () => {
    const out = await deploy({}, renderedWorkspace(TOPIC_TEMPLATE, [{ ParameterKey: 'DeployName', ParameterValue: 'prod' }]));
    expect(out.status).toBe('CREATE_COMPLETE');
    const stack = await describe1();
    expect(stack.StackId).toBe(out.stackId);
    expect(stack.Tags).toEqual([{ Key: 'wickr-dr:deployment', Value: 'prod' }]);
    expect(parameter(stack, 'BotRunning')).toBe('false');
    const { StackResourceSummaries } = await cloudformation.send(new ListStackResourcesCommand({ StackName: 'wickr-dr-prod' }));
    expect(StackResourceSummaries!.map(r => r.LogicalResourceId).sort()).toEqual(['AlertTopic', 'RetentionBucket']);
  });

  it('updates it', async () => {
    const first = [{ ParameterKey: 'DeployName', ParameterValue: 'prod' }, { ParameterKey: 'FileRotateMins', ParameterValue: '10' }];
    await deploy({}, renderedWorkspace(TOPIC_TEMPLATE, first));

    const second = [{ ParameterKey: 'DeployName', ParameterValue: 'prod' }, { ParameterKey: 'FileRotateMins', ParameterValue: '30' }];
    const updated = await deploy({ botRunning: 'true' }, renderedWorkspace(TOPIC_TEMPLATE, second));
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(updated.noChanges).toBe(false);
    expect(parameter(await describe1(), 'FileRotateMins')).toBe('30');
    expect(parameter(await describe1(), 'BotRunning')).toBe('true');
  });

  // moto answers a change set that changes nothing with "No updates are to be performed"
  // only for a stack whose last operation was its creation; after an update it completes
  // an empty change set instead, so this no-op follows the creation.
  it('treats a deployment that changes nothing as success, with no update', async () => {
    const parameters = [{ ParameterKey: 'DeployName', ParameterValue: 'prod' }];
    await deploy({}, renderedWorkspace(TOPIC_TEMPLATE, parameters));
    const again = await deploy({ botRunning: 'false' }, renderedWorkspace(TOPIC_TEMPLATE, parameters));
    expect(again.noChanges).toBe(true);
    expect(again.status).toBe('CREATE_COMPLETE');
  });

  it('reads the outputs back, puts the secret in place, and starts the bot', async () => {
    const { secretArn } = await seedBotStack(moto, 'wickr-dr-prod', 'prod');
    const workspacePath = renderedWorkspace(SMALL_BOT_TEMPLATE, [
      { ParameterKey: 'DeployName', ParameterValue: 'prod' },
      { ParameterKey: 'BotSecretArn', ParameterValue: secretArn },
    ]);
    const ctx = createMockActionContext({
      input: { stackName: 'wickr-dr-prod', region: 'us-east-1' },
      secrets: { botPassword: 'Initial-Moto-Password-4410' },
    });
    await createPutBotSecretAction({ awsClients: testAwsClients(moto) }).handler(ctx as any);
    const started = await deploy({ botRunning: 'true' }, workspacePath);

    expect(started.outputs).toMatchObject({
      BotSecretArn: secretArn,
      RetentionBucketName: '123456789012-prod-wickrdr',
      AlertTopicArn: 'arn:aws:sns:us-east-1:123456789012:prod-alerts',
    });
    expect(parameter(await describe1(), 'BotRunning')).toBe('true');
    const { SecretsManagerClient } = jest.requireActual('@aws-sdk/client-secrets-manager');
    const secrets = new SecretsManagerClient(motoClientConfig(moto));
    const value = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString);
    expect(value.password).toBe('Initial-Moto-Password-4410');
  });
});
