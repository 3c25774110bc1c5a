import { FieldFormatEntityPolicy, resourceEntityV1alpha1Validator } from '@backstage/catalog-model';
import { ANNOTATIONS, deploymentEntity, isDeploymentEntity } from './entity';

const stack = (arn: string) => ({
  stackArn: arn,
  stackName: 'wickr-dr-prod',
  tags: { 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'group:default/platform-team', 'wickr-dr:system': 'wickr-data-retention' },
  outputs: {
    BotLogGroupName: '/wickr-dr/prod/bot',
    ClusterName: 'wickr-dr-prod',
    ServiceName: 'wickr-dr-prod-BotService-abc',
    RetentionBucketName: '123456789012-prod-wickrdr',
    RetentionPrefix: 'data-retention',
    AccessLogBucketName: '123456789012-prod-wickrdrlogging',
    BotSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:BotSecret-abc',
    AlertTopicArn: 'arn:aws:sns:us-east-1:123456789012:wickr-dr-prod-AlertTopic-abc',
  },
});
const commercial = stack('arn:aws:cloudformation:us-east-1:123456789012:stack/wickr-dr-prod/1a2b');
const options = { location: 'wickr-dr:123456789012/us-east-1', defaultOwner: 'group:default/unknown' };

describe('deploymentEntity', () => {
  const entity = deploymentEntity(commercial, options);

  it('is a valid Resource of type wickr-data-retention, owned and in its system from the stack tags', async () => {
    expect(await resourceEntityV1alpha1Validator.check(entity)).toBe(true);
    await expect(new FieldFormatEntityPolicy().enforce(entity)).resolves.toBe(entity);
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: { name: 'prod-us-east-1' },
      spec: { type: 'wickr-data-retention', owner: 'group:default/platform-team', system: 'wickr-data-retention' },
    });
    expect(isDeploymentEntity(entity)).toBe(true);
  });

  it('identifies the stack by ARN, account, region and deployment name', () => {
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': 'wickr-dr:123456789012/us-east-1',
      'backstage.io/managed-by-origin-location': 'wickr-dr:123456789012/us-east-1',
      [ANNOTATIONS.arn]: commercial.stackArn,
      [ANNOTATIONS.accountId]: '123456789012',
      [ANNOTATIONS.region]: 'us-east-1',
      [ANNOTATIONS.stackName]: 'wickr-dr-prod',
      [ANNOTATIONS.deploymentName]: 'prod',
    });
  });

  it('links every console page an incident needs, in the right region', () => {
    const byType = Object.fromEntries(entity.metadata.links!.map(l => [l.type, l.url]));
    expect(byType).toEqual({
      stack: 'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack%2Fwickr-dr-prod%2F1a2b',
      logs: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fwickr-dr$252Fprod$252Fbot',
      'container-insights': "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#container-insights:performance/ECS:Cluster?~(query~(controls~(CW*3a*3aECS.cluster~(~'wickr-dr-prod))))",
      metrics: "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#metricsV2?graph=~()&namespace=~'WickrIO",
      'retention-bucket': 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-prod-wickrdr?region=us-east-1&prefix=data-retention%2F',
      'access-log-bucket': 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-prod-wickrdrlogging?region=us-east-1',
      service: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/wickr-dr-prod/services/wickr-dr-prod-BotService-abc/health?region=us-east-1',
      secret: 'https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=arn%3Aaws%3Asecretsmanager%3Aus-east-1%3A123456789012%3Asecret%3ABotSecret-abc&region=us-east-1',
      alerts: 'https://us-east-1.console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn:aws:sns:us-east-1:123456789012:wickr-dr-prod-AlertTopic-abc',
    });
  });

  it('uses the GovCloud console for a GovCloud stack', () => {
    const gov = deploymentEntity(stack('arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/wickr-dr-prod/1a2b'), options);
    for (const link of gov.metadata.links!) {
      expect(link.url).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\//);
      expect(link.url).toContain('us-gov-west-1');
    }
  });

  it('falls back to the configured owner for a stack deployed without an owner tag', async () => {
    const untaggedOwner = { ...commercial, tags: { 'wickr-dr:deployment': 'prod' } };
    const e = deploymentEntity(untaggedOwner, options);
    expect(e.spec).toEqual({ type: 'wickr-data-retention', owner: 'group:default/unknown' });
    expect(await resourceEntityV1alpha1Validator.check(e)).toBe(true);
  });
});
