import {
  applySuppressions,
  DEFAULT_SUPPRESSIONS,
  driftFingerprint,
  isDrifted,
  ResourceDrift,
  stackDriftStatus,
} from './drift';

const service = (differences: ResourceDrift['differences']): ResourceDrift => ({
  logicalId: 'BotService',
  type: 'AWS::ECS::Service',
  status: 'MODIFIED',
  differences,
});

describe('suppressions', () => {
  it('marks a known false positive as suppressed and keeps it visible', () => {
    const resource = applySuppressions(
      service([{ path: '/DeploymentController/Type', expected: undefined, actual: 'ECS', kind: 'ADD' }]),
      DEFAULT_SUPPRESSIONS,
    );
    expect(resource.differences).toEqual([
      { path: '/DeploymentController/Type', actual: 'ECS', expected: undefined, kind: 'ADD', suppressedBy: 'ECS reads back the default deployment controller it adds' },
    ]);
    expect(isDrifted(resource)).toBe(false);
  });

  it('never hides another difference on the same resource', () => {
    const resource = applySuppressions(
      service([
        { path: '/DeploymentController/Type', actual: 'ECS', kind: 'ADD' },
        { path: '/NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp', expected: 'DISABLED', actual: 'ENABLED', kind: 'NOT_EQUAL' },
      ]),
      DEFAULT_SUPPRESSIONS,
    );
    expect(resource.differences.map(d => Boolean(d.suppressedBy))).toEqual([true, false]);
    expect(isDrifted(resource)).toBe(true);
  });

  it('suppresses a KMS key written as an id and read as an ARN, but not a different key', () => {
    const key = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const bucket = (actual: string): ResourceDrift => ({
      logicalId: 'RetentionBucket', type: 'AWS::S3::Bucket', status: 'MODIFIED',
      differences: [{ path: '/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID', expected: key, actual, kind: 'NOT_EQUAL' }],
    });
    expect(isDrifted(applySuppressions(bucket(`arn:aws:kms:us-east-1:123456789012:key/${key}`), DEFAULT_SUPPRESSIONS))).toBe(false);
    expect(isDrifted(applySuppressions(bucket('arn:aws:kms:us-east-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab'), DEFAULT_SUPPRESSIONS))).toBe(true);
  });

  it('suppresses bucket encryption read back as null only when it is null', () => {
    const bucket = (actual?: string): ResourceDrift => ({
      logicalId: 'LoggingBucket', type: 'AWS::S3::Bucket', status: 'MODIFIED',
      differences: [{ path: '/BucketEncryption/ServerSideEncryptionConfiguration', expected: '[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]', actual, kind: 'REMOVE' }],
    });
    expect(isDrifted(applySuppressions(bucket(undefined), DEFAULT_SUPPRESSIONS))).toBe(false);
    expect(isDrifted(applySuppressions(bucket('[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]'), DEFAULT_SUPPRESSIONS))).toBe(true);
  });

  it('takes extra rules from configuration', () => {
    const rule = { resourceType: 'AWS::EC2::SecurityGroup', path: '/Tags/*', reason: 'tags are managed by the landing zone' };
    const sg: ResourceDrift = { logicalId: 'BotSecurityGroup', type: 'AWS::EC2::SecurityGroup', status: 'MODIFIED', differences: [{ path: '/Tags/2', actual: '{"Key":"cost-centre"}', kind: 'ADD' }] };
    expect(isDrifted(applySuppressions(sg, DEFAULT_SUPPRESSIONS))).toBe(true);
    expect(isDrifted(applySuppressions(sg, [...DEFAULT_SUPPRESSIONS, rule]))).toBe(false);
  });
});

describe('stackDriftStatus', () => {
  const inSync: ResourceDrift = { logicalId: 'Vpc', type: 'AWS::EC2::VPC', status: 'IN_SYNC', differences: [] };
  const deleted: ResourceDrift = { logicalId: 'AlertTopic', type: 'AWS::SNS::Topic', status: 'DELETED', differences: [] };
  const notChecked: ResourceDrift = { logicalId: 'AccessPoint', type: 'AWS::EFS::AccessPoint', status: 'NOT_CHECKED', differences: [] };

  it.each([
    [[inSync, notChecked], 'complete', 'IN_SYNC', 0],
    [[inSync, deleted], 'complete', 'DRIFTED', 1],
    [[inSync], 'unknown', 'UNKNOWN', 0],
    [[inSync], 'failed', 'CHECK_FAILED', 0],
    [[inSync, deleted], 'failed', 'CHECK_FAILED', 1],
  ] as const)('%j with a %s detection is %s', (resources, detection, status, drifted) => {
    expect(stackDriftStatus([...resources], detection)).toEqual({ status, driftedResources: drifted });
  });
});

describe('driftFingerprint', () => {
  it('is the same for the same drift and changes when the drift changes', () => {
    const sg = (actual: string): ResourceDrift => ({
      logicalId: 'BotSecurityGroup', type: 'AWS::EC2::SecurityGroup', status: 'MODIFIED',
      differences: [{ path: '/SecurityGroupIngress/0/CidrIp', actual, kind: 'ADD' }],
    });
    expect(driftFingerprint([sg('0.0.0.0/0')])).toBe(driftFingerprint([sg('0.0.0.0/0')]));
    expect(driftFingerprint([sg('0.0.0.0/0')])).not.toBe(driftFingerprint([sg('10.0.0.0/8')]));
    expect(driftFingerprint([])).toBe('');
  });
});
