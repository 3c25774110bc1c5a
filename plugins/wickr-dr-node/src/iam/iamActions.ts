import { AwsCall, WICKR_PACKAGE } from './awsCalls';

/**
 * The IAM service prefix of each SDK v3 client package the plugins may use. A call
 * through a package missing here is reported, never guessed.
 */
export const SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-cloudformation': 'cloudformation',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-efs': 'elasticfilesystem',
  // No SDK client: our own client of the admin API (SigV4 signing name `wickr`).
  [WICKR_PACKAGE]: 'wickr',
};

/**
 * Operations whose IAM actions are not `<prefix>:<Operation>` (from the service
 * authorization reference). Mostly S3, whose permissions are named after buckets
 * and objects rather than after its API.
 */
export const ACTION_NAME_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  // Listing a bucket's keys or versions is a permission on the bucket.
  's3:ListObjects': ['s3:ListBucket'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  's3:HeadBucket': ['s3:ListBucket'],
  's3:ListMultipartUploads': ['s3:ListBucketMultipartUploads'],
  's3:ListParts': ['s3:ListMultipartUploadParts'],
  // Reading an object's metadata is reading the object.
  's3:HeadObject': ['s3:GetObject'],
  // DeleteObjects has no permission of its own: each key is a DeleteObject, each
  // version (or delete marker) given with a VersionId a DeleteObjectVersion.
  's3:DeleteObjects': ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  // Bucket configuration permissions drop "Bucket" from the name.
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3:PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  // Object Lock's bucket configuration is a bucket permission (the teardown reads it).
  's3:GetObjectLockConfiguration': ['s3:GetBucketObjectLockConfiguration'],
  's3:PutPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
};

/** An IAM action the policy needs because of an operation the code calls, and why. */
export interface DependentGrant {
  actions: readonly string[];
  why: string;
}

/**
 * Actions AWS checks besides the operation's own, granted whenever the operation is
 * called (from the service authorization reference's dependent actions, and for KMS
 * from our template: the bot secret is encrypted with the stack's own key).
 */
export const DEPENDENT_ACTIONS: Readonly<Record<string, DependentGrant>> = {
  'cloudformation:DescribeStacks': {
    actions: ['cloudformation:ListStacks'],
    why: 'DescribeStacks without a stack name (discovery) lists every stack of the region, which needs ListStacks too',
  },
  'cloudformation:DetectStackDrift': {
    actions: ['cloudformation:DetectStackResourceDrift'],
    why: 'a stack drift detection checks each resource with DetectStackResourceDrift',
  },
  'cloudformation:CreateChangeSet': {
    actions: ['cloudformation:TagResource', 'cloudformation:UntagResource'],
    why: 'a change set sets the stack tags (owner and system may change or go)',
  },
  'cloudformation:ExecuteChangeSet': {
    actions: ['cloudformation:TagResource', 'cloudformation:UntagResource'],
    why: 'executing a change set applies its stack tags',
  },
  'secretsmanager:GetSecretValue': {
    actions: ['kms:Decrypt'],
    why: "the bot secret is encrypted with the stack's own KMS key, which Secrets Manager uses with the caller's rights",
  },
  'secretsmanager:PutSecretValue': {
    actions: ['kms:GenerateDataKey'],
    why: "a new secret version is encrypted with a data key of the stack's own KMS key",
  },
};

/**
 * Actions the policy may grant although the code does not always need them: each is
 * allowed only while the code calls the operation that needs it (or, with no
 * trigger, always), and only for the reason given.
 */
export interface OptionalGrant {
  action: string;
  whenCalled?: string;
  why: string;
}

export const OPTIONAL_GRANTS: readonly OptionalGrant[] = [
  {
    action: 'iam:PassRole',
    whenCalled: 'cloudformation:CreateChangeSet',
    why: 'with wickrDr.deploy.roleArn the change set passes the CloudFormation service role',
  },
  {
    action: 'sts:AssumeRole',
    why: "@backstage/integration-aws-node assumes the role named by aws.accountDefaults.roleName or aws.accounts[].roleName in each account with the main account's credentials",
  },
];

/** The IAM actions one call needs, or why they cannot be told. */
export function actionsOfCall(call: AwsCall): { actions: string[] } | { problem: string } {
  const prefix = SERVICE_PREFIXES[call.sdkPackage];
  if (!prefix) {
    return { problem: `no IAM service prefix is known for ${call.sdkPackage} (${call.via} in ${call.file}); add it to SERVICE_PREFIXES` };
  }
  const action = `${prefix}:${call.operation}`;
  return { actions: [...(ACTION_NAME_EXCEPTIONS[action] ?? [action])] };
}

/** An action the policy must grant, with the calls in the code that need it. */
export interface RequiredAction {
  action: string;
  neededBy: string[];
}

/** Every action the calls need, their dependent actions included, each with what needs it. */
export function requiredActions(calls: AwsCall[]): { required: RequiredAction[]; problems: string[] } {
  const neededBy = new Map<string, Set<string>>();
  const problems: string[] = [];
  const need = (action: string, by: string) => neededBy.set(action, (neededBy.get(action) ?? new Set()).add(by));
  for (const call of calls) {
    const result = actionsOfCall(call);
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    for (const action of result.actions) {
      const by = `${call.via} in ${call.file}`;
      need(action, by);
      for (const dependent of DEPENDENT_ACTIONS[action]?.actions ?? []) need(dependent, `${action} (${by})`);
    }
  }
  const required = [...neededBy.entries()]
    .map(([action, by]) => ({ action, neededBy: [...by].sort() }))
    .sort((a, b) => a.action.localeCompare(b.action));
  return { required, problems };
}

/** The optional grants the code's calls allow now. */
export function allowedOptionalGrants(required: RequiredAction[]): OptionalGrant[] {
  const called = new Set(required.map(r => r.action.toLowerCase()));
  return OPTIONAL_GRANTS.filter(g => !g.whenCalled || called.has(g.whenCalled.toLowerCase()));
}
