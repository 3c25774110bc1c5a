import type { CloudFormationTemplate } from './cloudformationYaml';

/**
 * The stack outputs the portal reads, by name: the contract between the CloudFormation
 * template and the actions, the entity and the backend. outputs.test.ts checks it
 * against the template, so a renamed or dropped output fails a test, not a deployment.
 */
export const STACK_OUTPUTS = {
  DeployName: 'the deployment name',
  RetentionBucketName: 'the bucket the bot writes retained messages and files into',
  RetentionPrefix: 'the folder of the retained data in the retention bucket',
  AccessLogBucketName: "the bucket of the retention bucket's server access logs",
  BotLogGroupName: "the bot container's log group",
  FlowLogGroupName: 'the VPC flow log group',
  ClusterName: 'the ECS cluster',
  ServiceName: "the bot's ECS service",
  BotSecretArn: "the bot's Secrets Manager secret",
  AlertTopicArn: 'the SNS topic of alarms and bot events',
  FileSystemId: "the EFS file system holding the bot's client state",
  StorageKeyArn: 'the KMS key of the retention bucket and the file system',
  SecretKeyArn: 'the KMS key of the secret',
  LogsKeyArn: 'the KMS key of the log groups',
  AlertsKeyArn: 'the KMS key of the alert topic',
} as const;

export type StackOutputName = keyof typeof STACK_OUTPUTS;

/**
 * A stack's outputs as the portal reads them: only the contract's names, each of which
 * may be missing, so that reading an output the template does not have fails to compile.
 */
export type StackOutputs = Partial<Record<StackOutputName, string>>;

/** Outputs the contract names but the template does not declare, one sentence each. */
export function stackOutputDifferences(template: CloudFormationTemplate): string[] {
  const declared = template.Outputs ?? {};
  return (Object.keys(STACK_OUTPUTS) as StackOutputName[])
    .filter(name => !declared[name])
    .map(name => `${name} (${STACK_OUTPUTS[name]}): read by the portal but not an output of the template`);
}

/** The outputs a step needs, or the names of those the stack does not have. */
export function requireOutputs<K extends StackOutputName>(
  outputs: Record<string, string | undefined>,
  names: readonly K[],
): { values: Record<K, string>; missing: K[] } {
  const missing = names.filter(name => !outputs[name]);
  const values = Object.fromEntries(names.map(name => [name, outputs[name] ?? ''])) as Record<K, string>;
  return { values, missing };
}
