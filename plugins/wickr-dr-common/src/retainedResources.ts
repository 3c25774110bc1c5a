import { parse as parseArn, validate as validateArn } from '@aws-sdk/util-arn-parser';
import type { CloudFormationTemplate } from './cloudformationYaml';
import { bucketConsoleUrl, fileSystemConsoleUrl, keyConsoleUrl, logGroupConsoleUrl, secretConsoleUrl } from './consoleLinks';
import type { StackOutputName } from './stackOutputs';

/**
 * What CloudFormation keeps when a deployment's stack is deleted (DeletionPolicy Retain),
 * by logical id, with the output that names each. retained.test.ts checks it against the
 * template both ways, so a resource that starts or stops being retained fails a test.
 */
export const RETAINED_RESOURCES = {
  RetentionBucket: { output: 'RetentionBucketName', kind: 'bucket' },
  LoggingBucket: { output: 'AccessLogBucketName', kind: 'bucket' },
  BotLogGroup: { output: 'BotLogGroupName', kind: 'log group' },
  FlowLogGroup: { output: 'FlowLogGroupName', kind: 'log group' },
  FileSystem: { output: 'FileSystemId', kind: 'file system' },
  BotSecret: { output: 'BotSecretArn', kind: 'secret' },
  StorageKey: { output: 'StorageKeyArn', kind: 'KMS key' },
  SecretKey: { output: 'SecretKeyArn', kind: 'KMS key' },
  LogsKey: { output: 'LogsKeyArn', kind: 'KMS key' },
} as const satisfies Record<string, { output: StackOutputName; kind: string }>;

/**
 * The log group ECS makes for Container Insights on the first metrics of the cluster:
 * no stack resource, so the stack's deletion leaves it.
 */
export function containerInsightsLogGroup(cluster: string): string {
  return `/aws/ecs/containerinsights/${cluster}/performance`;
}

/** What a deployment leaves behind when its stack goes, read from the stack before. */
export interface RetainedResources {
  retentionBucket?: string;
  accessLogBucket?: string;
  logGroups: string[];
  fileSystemId?: string;
  secretArn?: string;
  keys: string[];
}

/** A cluster's name from its physical id, which is its name or, from some emulators, its ARN. */
function clusterName(physicalId: string): string {
  return validateArn(physicalId) ? parseArn(physicalId).resource.replace(/^cluster\//, '') : physicalId;
}

/**
 * What the stack retains, from the physical ids of the resources it made (ListStackResources):
 * a stack output could name anything, a stack's own resource list only what it made. The
 * secret alone may come from the BotSecretArn output, for a secret made beside the stack;
 * it is deleted only when it carries the stack's own aws:cloudformation:stack-id tag.
 */
export function retainedResources(resources: Record<string, string>, outputs: Partial<Record<StackOutputName, string>>): RetainedResources {
  const present = (...values: Array<string | undefined>) => values.filter((v): v is string => Boolean(v));
  return {
    retentionBucket: resources.RetentionBucket,
    accessLogBucket: resources.LoggingBucket,
    logGroups: present(resources.BotLogGroup, resources.FlowLogGroup, resources.Cluster && containerInsightsLogGroup(clusterName(resources.Cluster))),
    fileSystemId: resources.FileSystem,
    secretArn: resources.BotSecret ?? outputs.BotSecretArn,
    keys: present(resources.StorageKey, resources.SecretKey, resources.LogsKey),
  };
}

/** Each retained resource in one line with its console page. */
export function retainedResourceLines(retained: RetainedResources, region: string): string[] {
  const buckets = [retained.retentionBucket, retained.accessLogBucket].filter((b): b is string => Boolean(b));
  return [
    ...buckets.map(bucket => `bucket ${bucket}: ${bucketConsoleUrl(region, bucket)}`),
    ...retained.logGroups.map(group => `log group ${group}: ${logGroupConsoleUrl(region, group)}`),
    ...(retained.fileSystemId ? [`file system ${retained.fileSystemId}: ${fileSystemConsoleUrl(region, retained.fileSystemId)}`] : []),
    ...(retained.secretArn ? [`secret ${retained.secretArn}: ${secretConsoleUrl(region, retained.secretArn)}`] : []),
    ...retained.keys.map(key => `KMS key ${key}: ${keyConsoleUrl(region, key)}`),
  ];
}

/** Whether an output's value names the resource: `!Ref Id` or `!GetAtt Id.Attr`. */
function namesResource(value: unknown, logicalId: string): boolean {
  if (!value || typeof value !== 'object') return false;
  const { Ref, 'Fn::GetAtt': getAtt } = value as Record<string, unknown>;
  if (Ref === logicalId) return true;
  if (Array.isArray(getAtt)) return getAtt[0] === logicalId;
  return typeof getAtt === 'string' && getAtt.split('.')[0] === logicalId;
}

/** Where the template and RETAINED_RESOURCES disagree, one sentence each. */
export function retainedResourceDifferences(template: CloudFormationTemplate): string[] {
  const known = RETAINED_RESOURCES as Record<string, { output: StackOutputName; kind: string }>;
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.DeletionPolicy === 'Retain' && !known[id]) problems.push(`${id}: retained by the template but not in RETAINED_RESOURCES`);
  }
  for (const [id, { output }] of Object.entries(known)) {
    const resource = template.Resources[id];
    if (resource?.DeletionPolicy !== 'Retain') problems.push(`${id}: in RETAINED_RESOURCES but the template does not retain it`);
    if (!namesResource(template.Outputs?.[output]?.Value, id)) problems.push(`${id}: output ${output} does not name it`);
  }
  return problems;
}
