import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parse, stringify } from 'yaml';
import { MotoServer, motoClientConfig, MOTO_ACCOUNT_ID } from '@internal/plugin-wickr-dr-common/testUtils';
import { parseCloudFormationTemplate } from '@internal/plugin-wickr-dr-common';
import { repoRoot } from './portal';

const TEMPLATE_DIR = path.join(repoRoot, 'templates/wickr-dr-fargate');

/**
 * The product template cut down to what moto can create: the same Parameters (the
 * render step checks them against the portal's rules), a few real resources, and
 * every Output the portal reads. moto cannot create the product template itself
 * (no Fn::Cidr; KMS key tags crash it) nor an AWS::SecretsManager::Secret, so the bot
 * secret is made directly and named in BotSecretArn.
 */
function motoCloudFormation(): string {
  const product = parseCloudFormationTemplate(
    fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'),
  );
  return JSON.stringify({
    Description: product.Description,
    Parameters: product.Parameters,
    Resources: {
      AlertTopic: { Type: 'AWS::SNS::Topic' },
      RetentionBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdr' } } },
      LoggingBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdrlogging' } } },
      BotLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/wickr-dr/${DeployName}/bot' } } },
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: { 'Fn::Sub': 'wickr-dr-${DeployName}' } } },
    },
    Outputs: {
      DeployName: { Value: { Ref: 'DeployName' } },
      RetentionBucketName: { Value: { Ref: 'RetentionBucket' } },
      RetentionPrefix: { Value: { Ref: 'RetentionPrefix' } },
      AccessLogBucketName: { Value: { Ref: 'LoggingBucket' } },
      BotLogGroupName: { Value: { Ref: 'BotLogGroup' } },
      ClusterName: { Value: { Ref: 'Cluster' } },
      ServiceName: { Value: 'bot' },
      BotSecretArn: { Value: { 'Fn::Sub': '${DeployName}-bot-secret' } },
      AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
    },
  });
}

/** A copy of the Wickr template that deploys the moto-sized CloudFormation template. */
export function motoTemplateLocation(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-moto-template-'));
  const template = parse(fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'));
  template.metadata.name = 'wickr-dr-fargate-moto';
  template.metadata.title = `${template.metadata.title} (moto)`;
  fs.writeFileSync(path.join(dir, 'template.yaml'), stringify(template));
  fs.mkdirSync(path.join(dir, 'cloudformation'));
  fs.writeFileSync(path.join(dir, 'cloudformation/wickr-dr-bot.yaml'), motoCloudFormation());
  return path.join(dir, 'template.yaml');
}

/**
 * What the deployment needs in moto before the template runs: the bot's empty secret,
 * and the stack itself, made with CreateStack because moto reads a stack made by a
 * change set back with no Outputs. The template then deploys an update to it.
 */
export async function seedDeployment(moto: MotoServer, deployName: string, stackName: string) {
  const config = motoClientConfig(moto, 'us-east-1');
  await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: `${deployName}-bot-secret` }));
  await new CloudFormationClient(config).send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: motoCloudFormation(),
      Parameters: [
        { ParameterKey: 'DeployName', ParameterValue: deployName },
        { ParameterKey: 'BotName', ParameterValue: 'compliance_e2e_bot' },
      ],
      Tags: [
        { Key: 'wickr-dr:deployment', Value: deployName },
        { Key: 'wickr-dr:owner', Value: 'group:default/platform-team' },
      ],
    }),
  );
}

/** Portal configuration that sends every AWS call of the plugins to moto. */
export function motoPortalConfig(moto: MotoServer, templateLocation: string) {
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    aws: { mainAccount: credentials, accounts: [{ accountId: MOTO_ACCOUNT_ID, ...credentials }] },
    wickrDr: { endpoint: moto.endpoint, deploy: { terminationProtection: false, timeoutMinutes: 5 } },
    catalog: {
      locations: [
        { type: 'file', target: path.join(repoRoot, 'catalog-info.yaml') },
        { type: 'file', target: templateLocation, rules: [{ allow: ['Template'] }] },
      ],
      providers: {
        // The first scheduled discovery waits 30 minutes: the deployment must appear
        // through the template's register step.
        wickrDr: {
          regions: ['us-east-1'],
          schedule: { frequency: { minutes: 30 }, timeout: { minutes: 2 }, initialDelay: { minutes: 30 } },
        },
      },
    },
  };
}
