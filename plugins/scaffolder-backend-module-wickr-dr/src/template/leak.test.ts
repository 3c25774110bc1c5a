// Secrets are sacred: a full scaffolder task, both ways to the bot's password — a recognisable
// initial password typed in the form, or a challenge the Wickr admin API gives (the fake admin
// server on loopback) — and a fake bot that prints a recognisable generated password once the
// secret holds the first; then a search of every log line, task output and event, workspace file,
// recorded CloudFormation and Wickr request and database byte for each. CloudFormation is
// simulated (aws-sdk-client-mock, in real time); Secrets Manager and CloudWatch Logs are
// moto_server on loopback, where the passwords go.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { GetSecretValueCommand, CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createTemplateAction, scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { FakeWickrAdmin, MotoServer, motoClientConfig, startFakeWickrAdmin, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { scaffolderModuleWickrDr } from '../module';
import { installSimulation } from '../__testUtils__/installSimulation';
import { SimulatedCloudFormation } from '../__testUtils__/simulatedCloudFormation';
import { readTree } from '../__testUtils__/workspace';
import { loadWickrTemplate, TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';

const PASSWORD = 'Leak-Canary-7f3e9b2a-Initial-Pw';
const GENERATED = 'LeakCanaryGenerated4d1cB9x';

const NETWORK = '12345678';

/** The forms a leaked password could take: as is, JSON-escaped, base64. */
const formsOf = (passwords: string[]) =>
  passwords.flatMap(p => [p, JSON.stringify(p).slice(1, -1), Buffer.from(p).toString('base64')]);
const hitsOf = (passwords: string[]) => (haystack: string | Buffer) =>
  formsOf(passwords).filter(n => haystack.includes(n)).length;

/**
 * The fake bot: once its secret holds an initial password, it logs in to its network with it
 * (when there is a network), registers and prints a generated one. Resolves with the initial
 * password it found.
 */
function fakeBot(moto: MotoServer, secretArn: string, wickr?: FakeWickrAdmin) {
  const secrets = new SecretsManagerClient(motoClientConfig(moto));
  const logs = new CloudWatchLogsClient(motoClientConfig(moto));
  let stopped = false;
  const initial = (async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/wickr-dr/prod/bot' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/wickr-dr/prod/bot', logStreamName: 'bot/bot/1' }));
    let password: string | undefined;
    while (!stopped && !password) {
      const value = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn })).catch(() => undefined);
      password = value?.SecretString ? JSON.parse(value.SecretString).password : undefined;
      if (!password) await new Promise(r => setTimeout(r, 200));
    }
    if (wickr && password && !wickr.state.botLogsIn(NETWORK, password)) throw new Error('the network refused the challenge');
    const lines = ['Begin registration with password.', '**** GENERATED PASSWORD', '**** DO NOT LOSE THIS PASSWORD', ` "${GENERATED}"`, '****', 'Login successful'];
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/wickr-dr/prod/bot',
        logStreamName: 'bot/bot/1',
        logEvents: lines.map((message, i) => ({ message, timestamp: Date.now() + 1000 + i })),
      }),
    );
    return password!;
  })();
  return { stop: () => (stopped = true), initial };
}

/** A test-only step that copies the workspace aside before the scaffolder deletes it. */
function snapshotModule(into: string) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'leak-test-snapshot',
    register(env) {
      env.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(
            createTemplateAction({
              id: 'test:snapshot-workspace',
              schema: { input: {} },
              async handler(ctx) {
                fs.cpSync(ctx.workspacePath, into, { recursive: true });
              },
            }),
          );
        },
      });
    },
  });
}

describe('the bot password in a full deployment task', () => {
  jest.setTimeout(180_000);
  let moto: MotoServer;
  let mock: ReturnType<typeof installSimulation>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-leak-'));
  const [dbDir, workDir, snapshotDir] = ['db', 'work', 'snapshot'].map(d => path.join(tmp, d));
  const printed: string[] = [];
  const writes = [process.stdout, process.stderr].map(stream => stream.write.bind(stream));

  beforeAll(async () => {
    moto = await startMoto();
    [dbDir, workDir].forEach(d => fs.mkdirSync(d));
    for (const [i, stream] of [process.stdout, process.stderr].entries()) {
      stream.write = ((chunk: any, ...rest: any[]) => {
        printed.push(String(chunk));
        return writes[i](chunk, ...rest);
      }) as any;
    }
    // The backend's root logger (with the scaffolder's audit log) writes through console.
    for (const level of ['log', 'debug', 'info', 'warn', 'error'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(a => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
    }
  });
  afterAll(async () => {
    process.stdout.write = writes[0] as any;
    process.stderr.write = writes[1] as any;
    jest.restoreAllMocks();
    mock?.restore();
    await moto?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The whole template as one task; then the search, for the passwords the task handled. */
  async function taskWith(way: 'admin-console' | 'wickr-api', { enableRetention = true } = {}) {
    await moto.reset();
    const wickr =
      way === 'wickr-api'
        ? await startFakeWickrAdmin({ networks: [{ networkId: NETWORK, networkName: 'Acme', accessLevel: 'PREMIUM', awsAccountId: '123456789012' }] })
        : undefined;
    const secretsManager = new SecretsManagerClient(motoClientConfig(moto));
    // Tagged as the template tags the bot's secret (the simulated stack cannot tag it).
    const { ARN } = await secretsManager.send(
      new CreateSecretCommand({ Name: 'prod-bot-secret', Tags: [{ Key: 'wickr-dr:deployment', Value: 'prod' }] }),
    );
    const simulation = new SimulatedCloudFormation(true);
    simulation.changeSetDelayMs = 0;
    simulation.nextOperation = { steps: [{ logicalId: 'BotService', type: 'AWS::ECS::Service', startMs: 0, endMs: 50 }] };
    simulation.outputs = {
      BotSecretArn: ARN!,
      RetentionBucketName: '123456789012-prod-wickrdr',
      RetentionPrefix: 'data-retention',
      AlertTopicArn: 'arn:aws:sns:us-east-1:123456789012:prod-alerts',
      BotLogGroupName: '/wickr-dr/prod/bot',
      ClusterName: 'wickr-dr-prod',
      ServiceName: 'bot',
    };
    const bot = fakeBot(moto, ARN!, wickr);
    mock = installSimulation(simulation);
    printed.length = 0;

    const template = loadWickrTemplate();
    template.metadata.annotations = { 'backstage.io/managed-by-location': `file:${path.join(TEMPLATE_DIR, 'template.yaml')}` };
    template.spec.steps.push({ id: 'snapshot', action: 'test:snapshot-workspace', input: {} });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleWickrDr,
        snapshotModule(snapshotDir),
        mockServices.rootLogger.factory({ level: 'debug' }),
        // The deployment's entity, as discovery would add it, so the register step finds it at once
        // (the simulation gives the first stack it creates the first of its ids).
        catalogServiceMock.factory({
          entities: [
            template,
            deploymentEntity(
              {
                stackArn: 'arn:aws:cloudformation:us-east-1:123456789012:stack/wickr-dr-prod/00000000-0000-4000-8000-000000000001',
                stackName: 'wickr-dr-prod',
                tags: { 'wickr-dr:deployment': 'prod' },
                outputs: {},
              },
              { location: discoveryLocation({ region: 'us-east-1' }), defaultOwner: 'group:default/platform-team' },
            ),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://127.0.0.1:7007',
              workingDirectory: workDir,
              database: { client: 'better-sqlite3', connection: { directory: dbDir } },
            },
            aws: { mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
            wickrDr: {
              endpoint: moto.endpoint,
              ...(wickr && { endpoints: { wickr: wickr.endpoint } }),
              deploy: { terminationProtection: true },
            },
          },
        }),
      ],
    });
    const values =
      way === 'wickr-api'
        ? { passwordSource: 'wickr-api', networkId: NETWORK, enableRetention }
        : { passwordSource: 'admin-console', botName: 'compliance_12345678_bot' };
    try {
      const created = await request(backend.server)
        .post('/api/scaffolder/v2/tasks')
        .send({
          templateRef: 'template:default/wickr-dr-fargate',
          values: { stackName: 'wickr-dr-prod', deployName: 'prod', owner: 'group:default/platform-team', region: 'us-east-1', ...values },
          secrets: way === 'admin-console' ? { botPassword: PASSWORD } : {},
        });
      expect(created.status).toBe(201);
      const taskId = created.body.id;

      let task: any;
      for (let i = 0; i < 600; i++) {
        task = (await request(backend.server).get(`/api/scaffolder/v2/tasks/${taskId}`)).body;
        if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
        await new Promise(r => setTimeout(r, 250));
      }
      const events = (await request(backend.server).get(`/api/scaffolder/v2/tasks/${taskId}/events`)).body;
      const log = events.map((e: any) => e.body?.message ?? '').join('\n');
      expect([task.status, log.slice(-2000)]).toEqual(['completed', expect.any(String)]);

      // The initial password reached the bot's secret, then the one the bot generated...
      const initial = await bot.initial;
      if (way === 'admin-console') expect(initial).toBe(PASSWORD);
      const stored = await secretsManager.send(new GetSecretValueCommand({ SecretId: ARN }));
      expect(JSON.parse(stored.SecretString!).password).toBe(GENERATED);
      const previous = await secretsManager.send(new GetSecretValueCommand({ SecretId: ARN, VersionStage: 'AWSPREVIOUS' }));
      expect(JSON.parse(previous.SecretString!).password).toBe(initial);
      // ...and only the secret.
      const hits = hitsOf([initial, GENERATED]);
      expect(log).toContain("Wrote the bot's secret");
      expect(log).toMatch(/Stored the password the bot generated at/);
      expect({ where: 'task events', hits: hits(JSON.stringify(events)) }).toEqual({ where: 'task events', hits: 0 });
      expect({ where: 'task and its output', hits: hits(JSON.stringify(task)) }).toEqual({ where: 'task and its output', hits: 0 });
      const workspace = readTree(snapshotDir);
      expect(Object.keys(workspace)).toEqual(expect.arrayContaining(['stack/template.json', 'stack/parameters.json']));
      expect({ where: 'workspace files', hits: hits(JSON.stringify(workspace)) }).toEqual({ where: 'workspace files', hits: 0 });
      expect(simulation.callsTo('CreateChangeSet')).toHaveLength(2);
      expect({ where: 'CloudFormation requests', hits: hits(JSON.stringify(simulation.calls)) }).toEqual({ where: 'CloudFormation requests', hits: 0 });
      expect({ where: 'Wickr requests', hits: hits(JSON.stringify(wickr?.requests ?? [])) }).toEqual({ where: 'Wickr requests', hits: 0 });
      expect(printed.join('')).toContain('wickr-dr-prod');
      expect({ where: 'printed logs', hits: hits(printed.join('')) }).toEqual({ where: 'printed logs', hits: 0 });
      if (wickr) expect(wickr.state.bot(NETWORK)).toMatchObject({ registered: true, retentionEnabled: enableRetention });
      // "Turn on data retention when the bot has registered" unticked: the retention step is skipped.
      if (wickr && !enableRetention) expect(wickr.requests.map(r => r.operation)).not.toContain('UpdateDataRetention');
    } finally {
      bot.stop();
      mock.restore();
      await backend.stop();
      await wickr?.stop();
    }
    const databases = fs.readdirSync(dbDir);
    expect(databases).toContain('scaffolder.sqlite');
    const bytes = databases.map(f => fs.readFileSync(path.join(dbDir, f)));
    // The search can see what the task stored: the stack name is there.
    expect(bytes.some(b => b.includes('wickr-dr-prod'))).toBe(true);
    const databaseHits = bytes.map(hitsOf([await bot.initial, GENERATED])).reduce((a, b) => a + b, 0);
    expect({ where: 'database files', hits: databaseHits }).toEqual({ where: 'database files', hits: 0 });
  }

  // The assertions are in taskWith.
  // eslint-disable-next-line jest/expect-expect
  it('keeps a typed initial password and the generated one in the secret and nowhere else', async () => {
    await taskWith('admin-console');
  });

  // eslint-disable-next-line jest/expect-expect
  it("keeps the Wickr admin API's challenge and the generated password in the secret and nowhere else", async () => {
    await taskWith('wickr-api');
  });

  // eslint-disable-next-line jest/expect-expect
  it('leaves data retention off, sending no UpdateDataRetention, when "Turn on data retention" is unticked', async () => {
    await taskWith('wickr-api', { enableRetention: false });
  });
});
