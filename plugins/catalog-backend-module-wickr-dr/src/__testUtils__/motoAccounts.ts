import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { ConfigReader } from '@backstage/config';
import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { MOTO_ACCOUNT_ID, MotoServer, motoCredentials } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

export { MOTO_ACCOUNT_ID };

type ConfigData = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

/** A second account: moto keeps its resources apart from the main one's when a role in it is assumed. */
export const SECOND_ACCOUNT_ID = '111111111111';

/**
 * The portal's AWS settings for moto: the main account with fixed fake keys, and the
 * second account reached the usual way, by assuming a role (through moto's STS).
 */
export function awsConfigData(moto: MotoServer): ConfigData {
  return {
    aws: {
      mainAccount: { ...motoCredentials },
      accounts: [{ accountId: SECOND_ACCOUNT_ID, roleName: 'wickr-dr-discovery' }],
    },
    wickrDr: { endpoint: moto.endpoint },
  };
}

/**
 * Sends @backstage/integration-aws-node's AssumeRole calls to moto (the SDK reads
 * AWS_ENDPOINT_URL_STS); returns the undo.
 */
export function stsToMoto(moto: MotoServer): () => void {
  const before = process.env.AWS_ENDPOINT_URL_STS;
  process.env.AWS_ENDPOINT_URL_STS = moto.endpoint;
  return () => {
    if (before === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = before;
  };
}

export function motoAwsClients(moto: MotoServer): AwsClients {
  return AwsClients.fromConfig(new ConfigReader(awsConfigData(moto)));
}

/** A stack with the product's outputs, but only one cheap resource moto can create. */
const TEMPLATE = JSON.stringify({
  Parameters: { DeployName: { Type: 'String' } },
  Resources: { AlertTopic: { Type: 'AWS::SNS::Topic' } },
  Outputs: {
    BotLogGroupName: { Value: { 'Fn::Sub': '/wickr-dr/${DeployName}/bot' } },
    ClusterName: { Value: { 'Fn::Sub': 'wickr-dr-${DeployName}' } },
    ServiceName: { Value: 'bot-service' },
    RetentionBucketName: { Value: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdr' } },
    RetentionPrefix: { Value: 'data-retention' },
    AccessLogBucketName: { Value: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdrlogging' } },
    BotSecretArn: { Value: { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:bot-abc' } },
    AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
  },
});

/** Creates a stack with these tags in the account (the main one if unset) and region. */
export async function createStack(
  awsClients: AwsClients,
  where: { accountId?: string; region: string },
  name: string,
  tags: Record<string, string>,
): Promise<void> {
  const cloudformation = await awsClients.get(CloudFormationClient, where);
  await cloudformation.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: TEMPLATE,
      Parameters: [{ ParameterKey: 'DeployName', ParameterValue: name }],
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}
