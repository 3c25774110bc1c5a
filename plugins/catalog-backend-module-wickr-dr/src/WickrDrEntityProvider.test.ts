// Discovery against moto_server on loopback: real SDK, real DescribeStacks paging, tags and outputs.
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation';
import { mockServices } from '@backstage/backend-test-utils';
import type { DeferredEntity, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS } from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import { MotoServer, motoClientConfig, motoCredentials, startMoto } from '@internal/plugin-wickr-dr-common/testUtils';
import { WickrDrEntityProvider } from './WickrDrEntityProvider';

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

class RecordingConnection implements EntityProviderConnection {
  entities: DeferredEntity[] = [];
  mutations = 0;
  async applyMutation(mutation: any) {
    this.mutations++;
    this.entities = mutation.entities;
  }
  async refresh() {}
}

describe('WickrDrEntityProvider (moto_server)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;
  beforeAll(async () => {
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto, 'eu-west-2'));
  });
  afterAll(() => moto?.stop());
  beforeEach(() => moto.reset());

  const createStack = (name: string, tags: Record<string, string>) =>
    cloudformation.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: TEMPLATE,
        Parameters: [{ ParameterKey: 'DeployName', ParameterValue: name }],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );

  async function provider() {
    const awsClients = new AwsClients(
      { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => motoCredentials }) },
      moto.endpoint,
    );
    const p = new WickrDrEntityProvider({
      target: { region: 'eu-west-2' },
      awsClients,
      logger: mockServices.logger.mock(),
      defaultOwner: 'group:default/platform-team',
    });
    const connection = new RecordingConnection();
    await p.connect(connection);
    return { p, connection };
  }

  it('emits an entity for each tagged stack and none for untagged ones', async () => {
    await createStack('wickr-dr-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'group:default/uk-ops' });
    await createStack('someone-elses-stack', { team: 'web' });
    const { p, connection } = await provider();

    expect(await p.refresh()).toEqual({ entities: 1, calls: 1 });
    expect(connection.entities.map(e => e.entity.metadata.name)).toEqual(['lon-eu-west-2']);
    const [{ entity, locationKey }] = connection.entities;
    expect(locationKey).toBe('wickr-dr:main/eu-west-2');
    expect(entity.spec).toEqual({ type: 'wickr-data-retention', owner: 'group:default/uk-ops' });
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': 'wickr-dr:main/eu-west-2',
      'backstage.io/managed-by-origin-location': 'wickr-dr:main/eu-west-2',
      [ANNOTATIONS.arn]: expect.stringMatching(/^arn:aws:cloudformation:eu-west-2:123456789012:stack\/wickr-dr-lon\//),
      [ANNOTATIONS.accountId]: '123456789012',
      [ANNOTATIONS.region]: 'eu-west-2',
      [ANNOTATIONS.stackName]: 'wickr-dr-lon',
      [ANNOTATIONS.deploymentName]: 'lon',
    });
    const links = Object.fromEntries(entity.metadata.links!.map(l => [l.type, l.url]));
    expect(links).toEqual({
      stack: expect.stringMatching(/^https:\/\/eu-west-2\.console\.aws\.amazon\.com\/cloudformation\/home\?region=eu-west-2#\/stacks\/stackinfo\?stackId=arn%3Aaws%3Acloudformation%3Aeu-west-2/),
      logs: 'https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#logsV2:log-groups/log-group/$252Fwickr-dr$252Fwickr-dr-lon$252Fbot',
      'container-insights': expect.stringContaining("ECS.cluster~(~'wickr-dr-wickr-dr-lon)"),
      metrics: "https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#metricsV2?graph=~()&namespace=~'WickrIO",
      'retention-bucket': 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-wickr-dr-lon-wickrdr?region=eu-west-2&prefix=data-retention%2F',
      'access-log-bucket': 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-wickr-dr-lon-wickrdrlogging?region=eu-west-2',
      service: 'https://eu-west-2.console.aws.amazon.com/ecs/v2/clusters/wickr-dr-wickr-dr-lon/services/bot-service/health?region=eu-west-2',
      secret: 'https://eu-west-2.console.aws.amazon.com/secretsmanager/secret?name=arn%3Aaws%3Asecretsmanager%3Aeu-west-2%3A123456789012%3Asecret%3Abot-abc&region=eu-west-2',
      alerts: expect.stringMatching(/^https:\/\/eu-west-2\.console\.aws\.amazon\.com\/sns\/v3\/home\?region=eu-west-2#\/topic\/arn:aws:sns:eu-west-2:123456789012:/),
    });
  });

  it('removes the entity of a deleted stack at the next refresh', async () => {
    await createStack('wickr-dr-a', { 'wickr-dr:deployment': 'a' });
    await createStack('wickr-dr-b', { 'wickr-dr:deployment': 'b' });
    const { p, connection } = await provider();
    await p.refresh();
    expect(connection.entities.map(e => e.entity.metadata.name).sort()).toEqual(['a-eu-west-2', 'b-eu-west-2']);

    await cloudformation.send(new DeleteStackCommand({ StackName: 'wickr-dr-a' }));
    await p.refresh();
    expect(connection.entities.map(e => e.entity.metadata.name)).toEqual(['b-eu-west-2']);
  });

  it('keeps its entities when the region cannot be read', async () => {
    await createStack('wickr-dr-a', { 'wickr-dr:deployment': 'a' });
    const { p, connection } = await provider();
    await p.refresh();
    await moto.stop();
    await expect(p.refresh()).rejects.toThrow();
    expect(connection.mutations).toBe(1);
    expect(connection.entities).toHaveLength(1);
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto, 'eu-west-2'));
  });
});
