import { parse as parseArn, validate as validateArn } from '@aws-sdk/util-arn-parser';

/** The AWS console host of a partition. */
export function consoleHost(partition: string): string {
  switch (partition) {
    case 'aws-us-gov':
      return 'console.amazonaws-us-gov.com';
    case 'aws-cn':
      return 'console.amazonaws.cn';
    default:
      return 'console.aws.amazon.com';
  }
}

/** The partition of a region, as AWS names them. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** The console's base URL for a region (regional host in the commercial partition). */
export function consoleBase(region: string, partition = partitionOfRegion(region)) {
  const host = consoleHost(partition);
  return partition === 'aws' ? `https://${region}.${host}` : `https://${host}`;
}

/** The stack's page in the CloudFormation console, from its ARN. */
export function stackConsoleUrl(stackArn: string): string {
  const { partition, region } = parseArn(stackArn);
  return `${consoleBase(region, partition)}/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${encodeURIComponent(stackArn)}`;
}

/** The stack's events tab: where a failed deployment is explained. */
export function stackEventsConsoleUrl(stackArn: string): string {
  const { partition, region } = parseArn(stackArn);
  return `${consoleBase(region, partition)}/cloudformation/home?region=${region}#/stacks/events?stackId=${encodeURIComponent(stackArn)}`;
}

/** The CloudFormation console's stack list of a region, for a stack with no ARN yet. */
export function stacksConsoleUrl(region: string): string {
  return `${consoleBase(region)}/cloudformation/home?region=${region}#/stacks`;
}

/** A log group in CloudWatch Logs Insights' classic log view. */
export function logGroupConsoleUrl(region: string, logGroupName: string): string {
  const encoded = encodeURIComponent(logGroupName).replace(/%/g, '$25');
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encoded}`;
}

/** A bucket, optionally opened at a prefix, in the S3 console. */
export function bucketConsoleUrl(region: string, bucket: string, prefix?: string): string {
  const partition = partitionOfRegion(region);
  const host = partition === 'aws' ? `s3.${consoleHost(partition)}` : consoleHost(partition);
  const base = `https://${host}/s3/buckets/${bucket}?region=${region}`;
  return prefix ? `${base}&prefix=${encodeURIComponent(prefix.endsWith('/') ? prefix : `${prefix}/`)}` : base;
}

/** A secret in the Secrets Manager console. */
export function secretConsoleUrl(region: string, secretArn: string): string {
  return `${consoleBase(region)}/secretsmanager/secret?name=${encodeURIComponent(secretArn)}&region=${region}`;
}

/** An EFS file system in its console. */
export function fileSystemConsoleUrl(region: string, fileSystemId: string): string {
  return `${consoleBase(region)}/efs/home?region=${region}#/file-systems/${fileSystemId}`;
}

/** A customer managed KMS key in its console, from its ARN or id. */
export function keyConsoleUrl(region: string, key: string): string {
  const keyId = validateArn(key) ? parseArn(key).resource.replace(/^key\//, '') : key;
  return `${consoleBase(region)}/kms/home?region=${region}#/kms/keys/${keyId}`;
}
