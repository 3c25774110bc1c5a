import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  Parameter,
  Stack,
} from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { MotoServer, motoClientConfig } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

export interface MotoDeploymentOptions {
  stackName: string;
  deployName: string;
  /** A template moto can create whose BotSecretArn output is `<DeployName>-bot-secret` (motoSizedTemplate). */
  templateBody: string;
  /** The BotName parameter. Default: compliance_seeded_bot. */
  botName?: string;
  parameters?: Parameter[];
  /** Stack tags besides wickr-dr:deployment. */
  tags?: Record<string, string>;
  region?: string;
}

/**
 * A deployment as the product stack leaves it, made in moto: the bot's empty secret,
 * tagged with the stack's id and tags as CloudFormation tags what it creates, and the stack
 * itself, made with CreateStack because moto reads a stack made by a change set back
 * with no Outputs.
 */
export async function seedMotoDeployment(moto: MotoServer, options: MotoDeploymentOptions): Promise<{ stack: Stack; secretArn: string }> {
  const config = motoClientConfig(moto, options.region ?? 'us-east-1');
  const secrets = new SecretsManagerClient(config);
  const cloudformation = new CloudFormationClient(config);
  const { ARN } = await secrets.send(new CreateSecretCommand({ Name: `${options.deployName}-bot-secret` }));
  const tags = Object.entries({ 'wickr-dr:deployment': options.deployName, ...options.tags }).map(([Key, Value]) => ({ Key, Value }));
  const { StackId } = await cloudformation.send(
    new CreateStackCommand({
      StackName: options.stackName,
      TemplateBody: options.templateBody,
      Parameters: [
        { ParameterKey: 'DeployName', ParameterValue: options.deployName },
        { ParameterKey: 'BotName', ParameterValue: options.botName ?? 'compliance_seeded_bot' },
        ...(options.parameters ?? []),
      ],
      Tags: tags,
    }),
  );
  await secrets.send(new TagResourceCommand({ SecretId: ARN, Tags: [{ Key: 'aws:cloudformation:stack-id', Value: StackId! }, ...tags] }));
  const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: StackId }));
  cloudformation.destroy();
  secrets.destroy();
  return { stack: Stacks![0], secretArn: ARN! };
}
