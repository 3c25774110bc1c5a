import { FieldFormatEntityPolicy, resourceEntityV1alpha1Validator } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  deploymentEntity,
  deploymentEntityName,
  deploymentTarget,
  discoveryLocation,
  isDeploymentEntity,
  readDeploymentTags,
  regionCode,
} from './entity';

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
      metadata: { name: 'prod-123456789012-use1' },
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
      [ANNOTATIONS.botLogGroup]: '/wickr-dr/prod/bot',
      [ANNOTATIONS.botSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:BotSecret-abc',
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

describe('deployment entity names', () => {
  it('keep the same deployment name in two accounts and two regions apart', () => {
    const names = new Set([
      deploymentEntityName('prod', '111111111111', 'us-east-1'),
      deploymentEntityName('prod', '222222222222', 'us-east-1'),
      deploymentEntityName('prod', '111111111111', 'eu-west-2'),
    ]);
    expect(names.size).toBe(3);
  });

  it('fit 63 characters for the longest deployment name in every Wickr Region and GovCloud', () => {
    for (const region of ['us-east-1', 'ap-southeast-2', 'ca-central-1', 'eu-west-2', 'us-gov-west-1']) {
      expect(deploymentEntityName('a'.repeat(36), '123456789012', region).length).toBeLessThanOrEqual(63);
    }
    expect(['us-east-1', 'ap-southeast-2', 'ca-central-1', 'eu-west-2', 'us-gov-west-1'].map(regionCode)).toEqual(
      ['use1', 'apse2', 'cac1', 'euw2', 'usgovw1'],
    );
  });
});

describe('readDeploymentTags', () => {
  it('accepts a deployment name with owner and system entity references', () => {
    expect(readDeploymentTags({ 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'group:default/ops', 'wickr-dr:system': 'wickr' })).toEqual({
      valid: true,
      deploymentName: 'prod',
      owner: 'group:default/ops',
      system: 'wickr',
    });
    expect(readDeploymentTags({ 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'user:default/jane' })).toMatchObject({ valid: true });
  });

  it.each([
    [{ 'wickr-dr:deployment': 'Prod!' }, 'wickr-dr:deployment is not a deployment name'],
    [{ 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'group:' }, 'wickr-dr:owner is not an entity reference'],
    [{ 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'not a ref at all' }, 'wickr-dr:owner is not a valid entity reference'],
    [{ 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'component:default/web' }, 'wickr-dr:owner must name a group or user'],
    [{ 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': 'group:a:b/c' }, 'wickr-dr:owner is not a valid entity reference'],
    [{ 'wickr-dr:deployment': 'prod', 'wickr-dr:system': 'group:default/ops' }, 'wickr-dr:system must name a system'],
  ])('refuses %j', (tags, problem) => {
    const result = readDeploymentTags(tags as Record<string, string>);
    expect(result.valid).toBe(false);
    expect((result as { problem: string }).problem).toContain(problem);
  });

  it('makes deploymentEntity throw for a stack with a forged owner', () => {
    expect(() => deploymentEntity({ ...commercial, tags: { 'wickr-dr:deployment': 'prod', 'wickr-dr:owner': '<script>' } }, options)).toThrow(
      /not a valid deployment: wickr-dr:owner/,
    );
  });
});

describe('deploymentTarget', () => {
  const accounts = { configured: ['123456789012'] };
  const discovered = (location: string, arn = commercial.stackArn) =>
    deploymentEntity({ ...commercial, stackArn: arn }, { location, defaultOwner: 'group:default/ops' });

  it('targets the account and region discovery looked in', () => {
    expect(deploymentTarget(discovered(discoveryLocation({ accountId: '123456789012', region: 'us-east-1' })), accounts)).toEqual({
      accountId: '123456789012',
      region: 'us-east-1',
      stackArn: commercial.stackArn,
      stackName: 'wickr-dr-prod',
      deploymentName: 'prod',
      botLogGroup: '/wickr-dr/prod/bot',
      botSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:BotSecret-abc',
    });
    expect(deploymentTarget(discovered('wickr-dr:main/us-east-1'), { configured: [] })).toMatchObject({ region: 'us-east-1' });
    expect(deploymentTarget(discovered('wickr-dr:main/us-east-1'), { configured: [] }).accountId).toBeUndefined();
  });

  it('refuses an entity registered by hand, whatever its annotations say', () => {
    const byHand = discovered('url:https://github.com/someone/repo/blob/main/catalog-info.yaml');
    expect(() => deploymentTarget(byHand, accounts)).toThrow(/not discovered by the portal \(its origin is url:https/);
  });

  it('refuses a stack outside the account or region it was discovered in', () => {
    const elsewhere = 'arn:aws:cloudformation:us-east-1:999999999999:stack/wickr-dr-prod/1a2b';
    expect(() => deploymentTarget(discovered('wickr-dr:123456789012/us-east-1', elsewhere), accounts)).toThrow(
      /in account 999999999999, not in 123456789012/,
    );
    expect(() => deploymentTarget(discovered('wickr-dr:123456789012/eu-west-2'), accounts)).toThrow(/in us-east-1, not in eu-west-2/);
  });

  it('refuses an account that is no longer configured', () => {
    expect(() => deploymentTarget(discovered('wickr-dr:123456789012/us-east-1'), { configured: [] })).toThrow(
      /123456789012 is not an account this portal may deploy to/,
    );
  });

  it('refuses an entity of another type or without a stack ARN', () => {
    const entity = discovered('wickr-dr:123456789012/us-east-1');
    const noArn = { ...entity, metadata: { ...entity.metadata, annotations: { ...entity.metadata.annotations, [ANNOTATIONS.arn]: '' } } };
    expect(() => deploymentTarget(noArn, accounts)).toThrow(/is not a Resource of type wickr-data-retention/);
    const notAStack = { ...entity, metadata: { ...entity.metadata, annotations: { ...entity.metadata.annotations, [ANNOTATIONS.arn]: 'arn:aws:s3:::bucket' } } };
    expect(() => deploymentTarget(notAStack, accounts)).toThrow(/not a CloudFormation stack/);
  });
});

describe('the bot network of a deployment', () => {
  const withNetwork = { ...commercial, tags: { ...commercial.tags, 'wickr-dr:network': '12345678' } };

  it('carries the network id from the stack tag, with a link to it in the Wickr console', () => {
    const entity = deploymentEntity(withNetwork, options);
    expect(entity.metadata.annotations![ANNOTATIONS.networkId]).toBe('12345678');
    expect(entity.metadata.links).toContainEqual({
      title: 'Wickr network 12345678',
      url: 'https://us-east-1.console.aws.amazon.com/wickr/home?region=us-east-1#/networks/12345678',
      type: 'wickr-network',
    });
    expect(deploymentTarget(deploymentEntity(withNetwork, { ...options, location: 'wickr-dr:123456789012/us-east-1' }), { configured: ['123456789012'] }).networkId).toBe('12345678');
  });

  it('refuses a network tag that is not 8 digits', () => {
    expect(readDeploymentTags({ 'wickr-dr:deployment': 'prod', 'wickr-dr:network': '1234' })).toEqual({
      valid: false,
      problem: 'wickr-dr:network is not a Wickr network id: "1234"',
    });
  });
});
