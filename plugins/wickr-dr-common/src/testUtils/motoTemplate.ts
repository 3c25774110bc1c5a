import type { CloudFormationTemplate } from '../cloudformationYaml';

/**
 * The product template cut down to what moto can create: the same Parameters (the
 * render step checks them against the portal's rules), a few real resources, and the
 * outputs the portal reads. moto cannot create the product template itself (no
 * Fn::Cidr; KMS key tags crash it) nor an AWS::SecretsManager::Secret, so BotSecretArn
 * names a secret made beside the stack (see seedMotoDeployment in wickr-dr-node).
 */
export function motoSizedTemplate(product: CloudFormationTemplate): CloudFormationTemplate {
  // Each resource kept as the product deletes or retains it (moto honours DeletionPolicy).
  const asProduct = (id: string, resource: CloudFormationTemplate['Resources'][string]) => {
    const policy = product.Resources[id]?.DeletionPolicy;
    return policy ? { ...resource, DeletionPolicy: policy } : resource;
  };
  return {
    Description: product.Description,
    Parameters: product.Parameters,
    Resources: Object.fromEntries(
      Object.entries({
        AlertTopic: { Type: 'AWS::SNS::Topic' },
        RetentionBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdr' } } },
        LoggingBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdrlogging' } } },
        BotLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/wickr-dr/${DeployName}/bot' } } },
        FlowLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/wickr-dr/${DeployName}/vpc-flow-logs' } } },
        Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: { 'Fn::Sub': 'wickr-dr-${DeployName}' } } },
      }).map(([id, resource]) => [id, asProduct(id, resource)]),
    ),
    Outputs: {
      DeployName: { Value: { Ref: 'DeployName' } },
      RetentionBucketName: { Value: { Ref: 'RetentionBucket' } },
      RetentionPrefix: { Value: { Ref: 'RetentionPrefix' } },
      AccessLogBucketName: { Value: { Ref: 'LoggingBucket' } },
      BotLogGroupName: { Value: { Ref: 'BotLogGroup' } },
      FlowLogGroupName: { Value: { Ref: 'FlowLogGroup' } },
      ClusterName: { Value: { Ref: 'Cluster' } },
      ServiceName: { Value: 'bot' },
      BotSecretArn: { Value: { 'Fn::Sub': '${DeployName}-bot-secret' } },
      AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
      BotRunning: { Value: { Ref: 'BotRunning' } },
    },
  };
}
