// Day two against moto_server on loopback: a real preview and apply of a change on a moto stack,
// a change set made outside the portal refused, stop and start through the stack and the wait for the
// bot's login after a start, the bot's secret untouched by all of it (its versions compared before and
// after), and each operation refused to a user without its permission on the entity.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudFormationClient, CreateChangeSetCommand, DescribeChangeSetCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListSecretVersionIdsCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MotoServer, motoClientConfig, motoSizedTemplate, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { AccessOptions, renderOptions, testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createApplyUpdateAction } from './applyUpdate';
import { createAwaitRegistrationAction } from './awaitRegistration';
import { noRecords, OperationEntry, OperationRecorder } from './operationRecorder';
import { createPreviewUpdateAction } from './previewUpdate';
import { createRenderDeploymentAction } from './renderDeployment';
import { createSetBotRunningAction } from './setBotRunning';
import { createTeardownAction } from './teardown';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);

describe('day two against moto_server', () => {
  jest.setTimeout(90_000);
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;
  let secrets: SecretsManagerClient;
  let entity: Entity;
  let secretArn: string;
  let task = 0;

  beforeAll(async () => {
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto));
    secrets = new SecretsManagerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    cloudformation?.destroy();
    secrets?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    const seeded = await seedMotoDeployment(moto, {
      stackName: 'wickr-dr-prod',
      deployName: 'prod',
      templateBody: TEMPLATE,
      parameters: [{ ParameterKey: 'FileRotateMins', ParameterValue: '10' }],
    });
    secretArn = seeded.secretArn;
    await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ password: 'Generated-By-The-Bot-0001' }) }));
    entity = deploymentEntity(
      { stackArn: seeded.stack.StackId!, stackName: 'wickr-dr-prod', tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
  });

  const records: Array<[string, OperationEntry]> = [];
  const recorder: OperationRecorder = { record: async (ref, entry) => void records.push([ref, entry]) };
  const options = (access: AccessOptions = {}) => ({
    awsClients: testAwsClients(moto),
    access: testAccess({ entities: [entity], ...access }).access,
    locks: new InMemoryStackLocks(),
    recorder,
    allowedImages: renderOptions.allowedImages,
    defaults: { timeoutMinutes: 5 },
  });
  const run = async (action: { handler(ctx: any): Promise<void> }, input: object, workspacePath?: string) => {
    const ctx = createMockActionContext({ input: { deployment: 'resource:default/prod-123456789012-use1', ...input }, workspacePath, task: { id: `task-${++task}` } } as any);
    await action.handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  };
  const parameter = async (key: string) =>
    (await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }))).Stacks![0].Parameters!.find(p => p.ParameterKey === key)?.ParameterValue;
  const secretVersions = async () =>
    (await secrets.send(new ListSecretVersionIdsCommand({ SecretId: secretArn }))).Versions!.map(v => [v.VersionId, v.VersionStages]);

  /** A change set named like the portal's but made outside it: the given values, every other kept. */
  async function foreignChangeSet(values: Record<string, string>) {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: 'wickr-dr-prod' }));
    const kept = Stacks![0].Parameters!.filter(p => !(p.ParameterKey! in values)).map(p => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true }));
    const given = Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
    const { Id } = await cloudformation.send(
      new CreateChangeSetCommand({ StackName: 'wickr-dr-prod', ChangeSetName: 'wickr-dr-x', ChangeSetType: 'UPDATE', UsePreviousTemplate: true, Parameters: [...kept, ...given] }),
    );
    return Id!;
  }

  /** The workspace after fetch and render, as the update template leaves it. */
  async function renderedUpdate(form: object) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-day-two-'));
    fs.mkdirSync(path.join(dir, 'cloudformation'));
    fs.writeFileSync(path.join(dir, 'cloudformation/wickr-dr-bot.yaml'), TEMPLATE);
    await createRenderDeploymentAction(renderOptions).handler(
      createMockActionContext({
        input: { stackName: 'wickr-dr-prod', region: 'us-east-1', deployName: 'prod', botName: 'compliance_seeded_bot', ...form },
        workspacePath: dir,
      }) as any,
    );
    return dir;
  }

  it('previews a change without executing it, then applies exactly that change set; the secret is untouched', async () => {
    const before = await secretVersions();
    const preview = await run(createPreviewUpdateAction(options()), {}, await renderedUpdate({ fileRotateMins: 30 }));
    expect(preview.noChanges).toBe(false);
    expect(preview.changeSetId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:changeSet\/wickr-dr-/);
    expect(preview.applyUrl).toMatch(/^\/create\/templates\/default\/wickr-dr-apply\?formData=/);
    expect(JSON.parse(decodeURIComponent(preview.applyUrl.split('formData=')[1]))).toEqual({
      deployment: 'resource:default/prod-123456789012-use1',
      changeSetId: preview.changeSetId,
      losses: '',
    });
    expect(await parameter('FileRotateMins')).toBe('10');

    const applied = await run(createApplyUpdateAction(options()), { changeSetId: preview.changeSetId });
    expect(applied.status).toBe('UPDATE_COMPLETE');
    expect(await parameter('FileRotateMins')).toBe('30');
    expect(await secretVersions()).toEqual(before);
    expect(records.map(([, e]) => `${e.operation} ${e.outcome}`)).toEqual(expect.arrayContaining(['preview succeeded', 'apply succeeded']));
  });

  // moto reports no tags of a change set (the stack keeps its own then): the simulated tests show those.
  it.each([
    [
      'an image from another registry',
      { BotImage: 'docker.io/library/busybox:latest' },
      'botImage: docker.io/library/busybox:latest is not allowed; it must be an image from public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud (wickrDr.allowedImages)',
    ],
    ['the name of another deployment', { DeployName: 'staging' }, 'tags: wickr-dr:deployment is prod, the DeployName parameter staging'],
  ])('refuses a wickr-dr- change set made outside the portal with %s, before executing it', async (_, values, rule) => {
    const changeSetId = await foreignChangeSet(values);
    const error = await run(createApplyUpdateAction(options()), { changeSetId }).catch(e => e);
    expect(error.message).toBe(`change set wickr-dr-x is not one the portal may apply to stack 'wickr-dr-prod': ${rule}; nothing was changed`);
    expect((await cloudformation.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId }))).ExecutionStatus).toBe('AVAILABLE');
    expect(await parameter('DeployName')).toBe('prod');
    expect(await parameter('BotImage')).not.toBe('docker.io/library/busybox:latest');
  });

  it('stops and starts the bot through the stack, the template and other values kept', async () => {
    const before = await secretVersions();
    await run(createSetBotRunningAction(options()), { running: true });
    expect(await parameter('BotRunning')).toBe('true');
    await run(createSetBotRunningAction(options()), { running: false });
    expect(await parameter('BotRunning')).toBe('false');
    expect(await parameter('FileRotateMins')).toBe('10');
    expect(await secretVersions()).toEqual(before);
  });

  it('after a start, waits for the bot to log in with the password it kept: registered, the secret untouched', async () => {
    const before = await secretVersions();
    const started = await run(createSetBotRunningAction(options()), { running: true });
    // As the template's "Wait for the bot to log in" step, on a clock whose waits are short.
    const clock = { now: Date.now, sleep: (ms: number) => new Promise<void>(r => setTimeout(r, ms / 50)) };
    const input = { stackName: started.stackName, region: started.region, accountId: started.accountId };
    const registration = run(createAwaitRegistrationAction({ ...options(), timeoutMinutes: 1, clock }), input);
    await new Promise(r => setTimeout(r, 300));
    // The bot starts again with the password in its secret and logs in: no new banner.
    const logs = new CloudWatchLogsClient(motoClientConfig(moto));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/wickr-dr/prod/bot', logStreamName: 'bot/bot/restarted' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/wickr-dr/prod/bot',
        logStreamName: 'bot/bot/restarted',
        logEvents: [{ message: 'Login successful', timestamp: Date.now() }],
      }),
    );
    logs.destroy();
    expect(await registration).toEqual({ registered: true, loggedInAt: expect.any(String) });
    expect(await secretVersions()).toEqual(before);
  });

  it.each([
    ['preview', () => createPreviewUpdateAction(options({ decide: () => AuthorizeResult.DENY })), {}, 'wickr-dr.deployment.update'],
    ['apply', () => createApplyUpdateAction(options({ decide: () => AuthorizeResult.DENY })), { changeSetId: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/wickr-dr-x-a1-00000000/0000' }, 'wickr-dr.deployment.update'],
    ['stop', () => createSetBotRunningAction(options({ decide: () => AuthorizeResult.DENY })), { running: false }, 'wickr-dr.bot.operate'],
    ['teardown', () => createTeardownAction({ ...options({ decide: () => AuthorizeResult.DENY }), events: { publish: jest.fn() } as any }), { confirmName: 'prod' }, 'wickr-dr.deployment.delete'],
  ])('refuses %s to a user without its permission on the entity, changing nothing', async (_, action, input, permission) => {
    const error = await run(action(), input, await renderedUpdate({})).catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(`${error.message.split(' (')[0]} (${permission})`);
    expect(await parameter('BotRunning')).toBe('false');
  });

  it('refuses a teardown whose typed name is not the deployment name, before anything changes', async () => {
    const error = await run(createTeardownAction({ ...options(), events: { publish: jest.fn() } as any, recorder: noRecords }), { confirmName: 'prd' }).catch(e => e);
    expect(error.message).toBe("confirmName: type the deployment's name, prod, to tear it down; nothing was changed");
    expect(await parameter('BotRunning')).toBe('false');
  });
});
