// The teardown action against moto_server on loopback (CloudFormation honouring DeletionPolicy
// Retain, S3 with versioning, CloudWatch Logs, Secrets Manager) and the fake Wickr admin API:
// keep-data leaves what the stack retains, with its data; delete-everything removes it, every
// object version first; a task retried after a crash finishes without redoing a step.
import fs from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, DeleteObjectCommand, HeadBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { DEPLOYED_TOPIC, deploymentEntity, discoveryLocation, NETWORK_TAG, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  startFakeWickrAdmin,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { WickrAdminClient } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { CheckpointStore } from '../__testUtils__/deployHarness';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { OperationEntry } from './operationRecorder';
import { createTeardownAction } from './teardown';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const NETWORK = '12345678';
const PASSWORD = 'Generated-By-The-Bot-0001';
const RETENTION_BUCKET = '123456789012-prod-wickrdr';
const ACCESS_LOG_BUCKET = '123456789012-prod-wickrdrlogging';
const LOG_GROUPS = ['/wickr-dr/prod/bot', '/wickr-dr/prod/vpc-flow-logs'];

describe('the teardown action against moto_server and the fake Wickr admin API', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let wickr: FakeWickrAdmin;
  let cloudformation: CloudFormationClient;
  let s3: S3Client;
  let logs: CloudWatchLogsClient;
  let secrets: SecretsManagerClient;
  let entity: Entity;
  let secretArn: string;
  let stackId: string;
  let records: Array<[string, OperationEntry]>;
  let published: Array<{ topic: string; eventPayload: unknown }>;

  beforeAll(async () => {
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto));
    s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
    logs = new CloudWatchLogsClient(motoClientConfig(moto));
    secrets = new SecretsManagerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    [cloudformation, s3, logs, secrets].forEach(c => c?.destroy());
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    wickr = await startFakeWickrAdmin({ networks: [{ networkId: NETWORK, networkName: 'Acme', accessLevel: 'PREMIUM', awsAccountId: '123456789012' }] });
    const seeded = await seedMotoDeployment(moto, { stackName: 'wickr-dr-prod', deployName: 'prod', templateBody: TEMPLATE, tags: { [NETWORK_TAG]: NETWORK } });
    secretArn = seeded.secretArn;
    stackId = seeded.stack.StackId!;
    await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ password: PASSWORD }) }));
    entity = deploymentEntity(
      { stackArn: seeded.stack.StackId!, stackName: 'wickr-dr-prod', tags: { 'wickr-dr:deployment': 'prod', [NETWORK_TAG]: NETWORK }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
    // The retention bucket as the bot leaves it: versioned, files overwritten and deleted.
    await s3.send(new PutBucketVersioningCommand({ Bucket: RETENTION_BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    for (let i = 0; i < 5; i++) {
      await s3.send(new PutObjectCommand({ Bucket: RETENTION_BUCKET, Key: `data-retention/file-${i % 2}.txt`, Body: `message ${i}` }));
    }
    await s3.send(new DeleteObjectCommand({ Bucket: RETENTION_BUCKET, Key: 'data-retention/file-0.txt' }));
    await s3.send(new PutObjectCommand({ Bucket: ACCESS_LOG_BUCKET, Key: 'logs/2026-12-01', Body: 'GET /file-1.txt' }));
    // The bot registered with data retention on, as a finished deployment leaves it.
    const clients = testAwsClients(moto, undefined, { wickr: wickr.endpoint });
    const client = await WickrAdminClient.create(clients, { region: 'us-east-1' });
    await client.createDataRetentionBot(NETWORK);
    await client.updateDataRetention(NETWORK, 'ENABLE');
    records = [];
    published = [];
  });
  afterEach(() => wickr?.stop());

  function teardown(input: object, checkpoints = new CheckpointStore()) {
    const clients = testAwsClients(moto, undefined, { wickr: wickr.endpoint });
    const action = createTeardownAction({
      awsClients: clients,
      access: testAccess({ entities: [entity] }).access,
      locks: new InMemoryStackLocks(),
      recorder: { record: async (ref, entry) => void records.push([ref, entry]) },
      defaults: { timeoutMinutes: 5 },
      events: { publish: async (event: any) => void published.push(event) } as any,
      wickrClient: t => WickrAdminClient.create(clients, t),
    });
    const ctx = createMockActionContext({
      input: { deployment: 'resource:default/prod-123456789012-use1', confirmName: 'prod', ...input },
      task: { id: '2f0c7bde-6a0e-4d5e-9d39-0d5b3c0a1e11' },
    } as any);
    const lines: string[] = [];
    for (const level of ['info', 'warn', 'error'] as const) (ctx.logger as any)[level] = (m: string) => lines.push(m);
    (ctx as any).checkpoint = checkpoints.checkpoint;
    return { lines, done: action.handler(ctx as any).then(() => Object.fromEntries((ctx.output as jest.Mock).mock.calls)) };
  }

  const stackStatus = async () =>
    (await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]?.StackStatus;
  const bucketExists = (bucket: string) => s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
  const logGroups = async () => (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/wickr-dr/prod/' }))).logGroups!.map(g => g.logGroupName);
  const versions = async (bucket: string) => {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    return (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
  };

  it('keeps the data by default: the stack goes, data retention is off, what the stack retains stays with its data and its console page', async () => {
    const { lines, done } = teardown({});
    const output = await done;
    expect(await stackStatus()).toBe('DELETE_COMPLETE');
    expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: false });
    expect(await versions(RETENTION_BUCKET)).toBe(6);
    expect(await versions(ACCESS_LOG_BUCKET)).toBe(1);
    expect(await logGroups()).toEqual(LOG_GROUPS);
    expect((await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }))).DeletedDate).toBeUndefined();
    expect(output.deleted).toEqual([]);
    expect(output.remaining).toEqual(
      expect.arrayContaining([
        `bucket ${RETENTION_BUCKET}: https://s3.console.aws.amazon.com/s3/buckets/${RETENTION_BUCKET}?region=us-east-1`,
        expect.stringMatching(/^log group \/wickr-dr\/prod\/bot: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\//),
        // The moto-sized template's BotSecretArn output names the secret rather than giving its ARN.
        'secret prod-bot-secret: https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=prod-bot-secret&region=us-east-1',
      ]),
    );
    expect(lines).toContain('The stack is deleted; these remain, with their data:');
    expect(published).toEqual([{ topic: DEPLOYED_TOPIC, eventPayload: { accountId: '123456789012', region: 'us-east-1', stackName: 'wickr-dr-prod' } }]);
    expect(records.map(([ref, e]) => [ref, e.operation, e.outcome])).toEqual([
      ['resource:default/prod-123456789012-use1', 'teardown', 'started'],
      ['resource:default/prod-123456789012-use1', 'teardown', 'succeeded'],
    ]);
  });

  it('deletes everything when asked: every version and delete marker, both buckets, the log groups, the secret with a recovery window, the bot', async () => {
    const { lines, done } = teardown({ mode: 'delete-everything', deleteBot: true, secretRecoveryDays: 7 });
    const output = await done;
    expect(await stackStatus()).toBe('DELETE_COMPLETE');
    expect(await bucketExists(RETENTION_BUCKET)).toBe(false);
    expect(await bucketExists(ACCESS_LOG_BUCKET)).toBe(false);
    expect(await logGroups()).toEqual([]);
    const secret = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
    expect(secret.DeletedDate).toBeInstanceOf(Date);
    expect(wickr.state.bot(NETWORK)).toBeUndefined();
    expect(output.remaining).toEqual([]);
    expect(output.deleted).toEqual([
      `new writes to bucket ${RETENTION_BUCKET} (denied by its policy)`,
      `bucket ${RETENTION_BUCKET} and every version in it`,
      `bucket ${ACCESS_LOG_BUCKET} and every version in it`,
      'log group /wickr-dr/prod/bot',
      'log group /wickr-dr/prod/vpc-flow-logs',
      // Container Insights had no metrics in moto, so ECS never made its group.
      '/aws/ecs/containerinsights/wickr-dr-prod/performance',
      'secret prod-bot-secret (restorable for 7 days)',
      `the data-retention bot of Wickr network ${NETWORK}`,
    ].map((line, i) => (i === 5 ? `log group ${line}: already gone` : line)));
    expect(lines).toContain(`Emptied bucket ${RETENTION_BUCKET}: 5 versions, 1 delete markers, 0 unfinished uploads, in 1 batches`);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('finishes a delete-everything retried after a crash: the step that crashed finds its work done and says so', async () => {
    const checkpoints = new CheckpointStore();
    checkpoints.crashAfter = 'delete-retention-bucket';
    await expect(teardown({ mode: 'delete-everything' }, checkpoints).done).rejects.toThrow('simulated crash after delete-retention-bucket');
    expect(await bucketExists(RETENTION_BUCKET)).toBe(false);
    expect(await bucketExists(ACCESS_LOG_BUCKET)).toBe(true);

    const { lines, done } = teardown({ mode: 'delete-everything' }, checkpoints);
    const output = await done;
    expect(await bucketExists(ACCESS_LOG_BUCKET)).toBe(false);
    expect(await logGroups()).toEqual([]);
    // The crash came after the bucket went and before its step was recorded: the retry runs it again.
    expect(output.deleted.slice(0, 3)).toEqual([
      `new writes to bucket ${RETENTION_BUCKET} (denied by its policy)`,
      `bucket ${RETENTION_BUCKET} and every version in it: already gone`,
      `bucket ${ACCESS_LOG_BUCKET} and every version in it`,
    ]);
    expect(lines).toContain(`bucket ${RETENTION_BUCKET} and every version in it: already gone`);
    // The bot stays unless asked: only retention was turned off.
    expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: false });
  });

  it("deletes only the stack's own resources, whatever its outputs name", async () => {
    // A stack whose output points at another deployment's bucket, as anyone with CloudFormation access could make.
    const other = '123456789012-payments-wickrdr';
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    await s3.send(new PutObjectCommand({ Bucket: other, Key: 'data-retention/keep.txt', Body: 'not ours' }));
    const template = JSON.parse(TEMPLATE);
    template.Outputs.RetentionBucketName = { Value: other };
    template.Outputs.BotLogGroupName = { Value: '/wickr-dr/payments/bot' };
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/wickr-dr/payments/bot' }));
    await cloudformation.send(new UpdateStackCommand({ StackName: stackId, TemplateBody: JSON.stringify(template), UsePreviousTemplate: false, Parameters: [{ ParameterKey: 'DeployName', UsePreviousValue: true }, { ParameterKey: 'BotName', UsePreviousValue: true }] }));
    await teardown({ mode: 'delete-everything' }).done;
    expect(await bucketExists(RETENTION_BUCKET)).toBe(false);
    expect(await versions(other)).toBe(1);
    const { logGroups: left = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/wickr-dr/payments/' }));
    expect(left.map(g => g.logGroupName)).toEqual(['/wickr-dr/payments/bot']);
  });

  it('refuses to tear down when data retention cannot be turned off, deleting nothing', async () => {
    wickr.failNext('UpdateDataRetention', { status: 500, times: 5 });
    const error = await teardown({ mode: 'delete-everything' }).done.catch(e => e);
    expect(error.message).toMatch(/^could not turn data retention off in Wickr network 12345678, so nothing was deleted: /);
    expect(await stackStatus()).toBe('CREATE_COMPLETE');
    expect(await versions(RETENTION_BUCKET)).toBe(6);
    expect(records.map(([, e]) => e.outcome)).toEqual(['started', 'failed']);
  });
});
