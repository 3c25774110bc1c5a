import { parseCloudFormationTemplate } from '../cloudformationYaml';
import { RETAINED_RESOURCES, retainedResourceDifferences, retainedResourceLines, retainedResources } from '../retainedResources';
import { loadBotTemplate, readBotTemplateText } from '../__testUtils__/botTemplateFile';

// What a teardown keeps or deletes is what the template retains: checked both ways.
describe('the resources a deleted stack retains', () => {
  it('are exactly those the template retains, each named by its output', () => {
    expect(retainedResourceDifferences(loadBotTemplate())).toEqual([]);
  });

  it('catch a resource the template starts retaining, stops retaining, or an output that names another', () => {
    const template = loadBotTemplate();
    template.Resources.AlertsKey.DeletionPolicy = 'Retain';
    template.Resources.FlowLogGroup.DeletionPolicy = 'Delete';
    template.Outputs!.BotSecretArn.Value = { Ref: 'SecretKey' };
    expect(retainedResourceDifferences(template)).toEqual([
      'AlertsKey: retained by the template but not in RETAINED_RESOURCES',
      'FlowLogGroup: in RETAINED_RESOURCES but the template does not retain it',
      'BotSecret: output BotSecretArn does not name it',
    ]);
  });

  it('read a GetAtt output as naming its resource', () => {
    const text = readBotTemplateText();
    const template = parseCloudFormationTemplate(text);
    template.Outputs!.StorageKeyArn.Value = { 'Fn::GetAtt': ['StorageKey', 'Arn'] };
    template.Outputs!.SecretKeyArn.Value = { 'Fn::GetAtt': 'SecretKey.Arn' };
    expect(retainedResourceDifferences(template)).toEqual([]);
  });

  const resources = {
    RetentionBucket: '123456789012-prod-wickrdr',
    LoggingBucket: '123456789012-prod-wickrdrlogging',
    BotLogGroup: '/wickr-dr/prod/bot',
    FlowLogGroup: '/wickr-dr/prod/vpc-flow-logs',
    Cluster: 'wickr-dr-prod',
    FileSystem: 'fs-0123456789abcdef0',
    BotSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-bot-AbCdEf',
    StorageKey: '11111111-1111-1111-1111-111111111111',
    SecretKey: '22222222-2222-2222-2222-222222222222',
    LogsKey: '33333333-3333-3333-3333-333333333333',
    AlertsKey: '44444444-4444-4444-4444-444444444444',
    BotService: 'arn:aws:ecs:us-east-1:123456789012:service/wickr-dr-prod/bot',
  };

  it("are read from the stack's own resources, the key the stack deletes (AlertsKey) left out and Container Insights added", () => {
    const retained = retainedResources(resources, {});
    expect(retained).toEqual({
      retentionBucket: resources.RetentionBucket,
      accessLogBucket: resources.LoggingBucket,
      logGroups: ['/wickr-dr/prod/bot', '/wickr-dr/prod/vpc-flow-logs', '/aws/ecs/containerinsights/wickr-dr-prod/performance'],
      fileSystemId: resources.FileSystem,
      secretArn: resources.BotSecret,
      keys: [resources.StorageKey, resources.SecretKey, resources.LogsKey],
    });
    const lines = retainedResourceLines(retained, 'us-east-1');
    expect(lines).toHaveLength(2 + 3 + 1 + 1 + 3);
    expect(lines[0]).toBe('bucket 123456789012-prod-wickrdr: https://s3.console.aws.amazon.com/s3/buckets/123456789012-prod-wickrdr?region=us-east-1');
    expect(lines.at(-1)).toBe(
      'KMS key 33333333-3333-3333-3333-333333333333: https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/33333333-3333-3333-3333-333333333333',
    );
    expect(Object.keys(RETAINED_RESOURCES)).not.toContain('AlertsKey');
  });

  it('never take a bucket, log group, file system or key from an output, which could name anything', () => {
    const outputs = {
      RetentionBucketName: '123456789012-payments-wickrdr',
      BotLogGroupName: '/wickr-dr/payments/bot',
      FileSystemId: 'fs-0000000000000000a',
      StorageKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/9999',
      BotSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf',
    };
    expect(retainedResources({ ...resources, BotSecret: undefined as any }, outputs)).toMatchObject({
      retentionBucket: resources.RetentionBucket,
      logGroups: expect.not.arrayContaining(['/wickr-dr/payments/bot']),
      fileSystemId: resources.FileSystem,
      keys: expect.not.arrayContaining([outputs.StorageKeyArn]),
      // The secret made beside the stack: deleted only when it carries the stack's id tag.
      secretArn: outputs.BotSecretArn,
    });
    expect(retainedResources(resources, outputs).secretArn).toBe(resources.BotSecret);
  });

  it("take a cluster's name from an ARN physical id, as moto gives it", () => {
    expect(retainedResources({ Cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/wickr-dr-prod' }, {}).logGroups).toEqual([
      '/aws/ecs/containerinsights/wickr-dr-prod/performance',
    ]);
  });

  it('are nothing for a stack without resources', () => {
    expect(retainedResourceLines(retainedResources({}, {}), 'us-east-1')).toEqual([]);
  });
});
