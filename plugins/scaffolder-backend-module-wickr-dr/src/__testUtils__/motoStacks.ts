import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MotoServer, motoClientConfig } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

/**
 * A small stand-in for the product stack with the outputs the bot secret needs.
 * moto cannot create the product template (no Fn::Cidr, KMS key tags crash it), does not
 * create AWS::SecretsManager::Secret from a template, and reads a stack made by a change
 * set back with no Outputs: so the secret is made directly and the stack with CreateStack.
 */
export const SMALL_BOT_TEMPLATE = JSON.stringify({
  Parameters: {
    DeployName: { Type: 'String' },
    BotSecretArn: { Type: 'String' },
    BotRunning: { Type: 'String', Default: 'false', AllowedValues: ['true', 'false'] },
  },
  Resources: {
    AlertTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${DeployName}-alerts' } } },
    RetentionBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdr' } } },
  },
  Outputs: {
    BotSecretArn: { Value: { Ref: 'BotSecretArn' } },
    RetentionBucketName: { Value: { Ref: 'RetentionBucket' } },
    RetentionPrefix: { Value: 'data-retention' },
    AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
    BotRunning: { Value: { Ref: 'BotRunning' } },
  },
});

/**
 * Creates an empty bot secret and a stack whose outputs point at it, as the product stack
 * leaves them: the secret carries the stack-id tag CloudFormation puts on what it creates.
 */
export async function seedBotStack(moto: MotoServer, stackName: string, deployName: string, region = 'us-east-1') {
  const secretsManager = new SecretsManagerClient(motoClientConfig(moto, region));
  const cloudformation = new CloudFormationClient(motoClientConfig(moto, region));
  const { ARN } = await secretsManager.send(new CreateSecretCommand({ Name: `${deployName}-bot-secret` }));
  await cloudformation.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: SMALL_BOT_TEMPLATE,
      Parameters: [
        { ParameterKey: 'DeployName', ParameterValue: deployName },
        { ParameterKey: 'BotSecretArn', ParameterValue: ARN },
      ],
      Tags: [{ Key: 'wickr-dr:deployment', Value: deployName }],
    }),
  );
  const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
  await secretsManager.send(
    new TagResourceCommand({ SecretId: ARN, Tags: [{ Key: 'aws:cloudformation:stack-id', Value: Stacks![0].StackId! }] }),
  );
  const entity = deploymentEntity(
    { stackArn: Stacks![0].StackId!, stackName, tags: { 'wickr-dr:deployment': deployName }, outputs: {} },
    { location: discoveryLocation({ accountId: '123456789012', region }), defaultOwner: 'group:default/ops' },
  );
  return { secretArn: ARN!, stack: Stacks![0], secretsManager, cloudformation, entity };
}
