import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  MotoServer,
  MOTO_ACCOUNT_ID,
  motoClientConfig,
  motoSizedTemplate,
  PASSWORD_SAMPLES,
  type FakeWickrAdmin,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { repoRoot } from './portal';

const TEMPLATE_DIR = path.join(repoRoot, 'templates/wickr-dr-fargate');

/** The product template cut down to what moto can create (see motoSizedTemplate). */
function motoCloudFormation(): string {
  const product = parseCloudFormationTemplate(
    fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'),
  );
  return JSON.stringify(motoSizedTemplate(product));
}

/** A copy of the Wickr template that deploys the moto-sized CloudFormation template. */
export function motoTemplateLocation(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-moto-template-'));
  const template = parse(fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'));
  template.metadata.name = 'wickr-dr-fargate-moto';
  template.metadata.title = `${template.metadata.title} (moto)`;
  fs.writeFileSync(path.join(dir, 'template.yaml'), stringify(template));
  fs.mkdirSync(path.join(dir, 'cloudformation'));
  fs.writeFileSync(path.join(dir, 'cloudformation/wickr-dr-bot.yaml'), motoCloudFormation());
  return path.join(dir, 'template.yaml');
}

/**
 * A deployment as a first run of the template leaves it, made directly in moto because
 * moto reads a stack made by a change set back with no Outputs: the bot's empty secret
 * and the stack, tagged with its owner. The template then deploys an update to it.
 */
export async function seedDeployment(
  moto: MotoServer,
  deployName: string,
  stackName: string,
  options: { owner?: string; networkId?: string } = {},
) {
  return seedMotoDeployment(moto, {
    stackName,
    deployName,
    botName: `compliance_${deployName}_bot`,
    templateBody: motoCloudFormation(),
    // moto does not apply the tags of an executed change set: the stack has its network tag already.
    tags: {
      'wickr-dr:owner': options.owner ?? 'group:default/platform-team',
      ...(options.networkId && { 'wickr-dr:network': options.networkId }),
    },
  });
}

/** Portal configuration that sends every AWS call of the plugins to moto, and the Wickr admin API's to its fake. */
export function motoPortalConfig(
  moto: MotoServer,
  templateLocation: string,
  wickrEndpoint?: string,
  options: { discoverySchedule?: Record<string, unknown> } = {},
) {
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    aws: { mainAccount: credentials, accounts: [{ accountId: MOTO_ACCOUNT_ID, ...credentials }] },
    wickrDr: {
      endpoint: moto.endpoint,
      ...(wickrEndpoint && { endpoints: { wickr: wickrEndpoint } }),
      deploy: { terminationProtection: false, timeoutMinutes: 5 },
    },
    catalog: {
      locations: [
        { type: 'file', target: path.join(repoRoot, 'catalog-info.yaml') },
        { type: 'file', target: templateLocation, rules: [{ allow: ['Template'] }] },
      ],
      providers: {
        // Discovery looks at moto's account at start-up: the portal changes an existing stack
        // only once its discovered entity is in the catalog.
        wickrDr: {
          regions: ['us-east-1'],
          accounts: [MOTO_ACCOUNT_ID],
          schedule: options.discoverySchedule ?? { frequency: { minutes: 30 }, timeout: { minutes: 2 }, initialDelay: { seconds: 1 } },
        },
      },
    },
  };
}

/** Lines in the bot's log of a deployment in moto, one event each, as awslogs sends them. */
export async function writeBotLog(moto: MotoServer, deployName: string, lines: string[]) {
  const logs = new CloudWatchLogsClient(motoClientConfig(moto, 'us-east-1'));
  const logGroupName = `/wickr-dr/${deployName}/bot`;
  await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 'bot/bot/e2e' }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName: 'bot/bot/e2e',
      logEvents: lines.map((message, i) => ({ message, timestamp: Date.now() + i })),
    }),
  );
  logs.destroy();
}

/**
 * A fake bot for a deployment in moto (which runs no tasks): once its secret holds an initial
 * password, it logs in to its Wickr network with it (when given the fake admin API), registers
 * and prints the admin guide's banner with a generated password, then logs in. Resolves with
 * the password it printed.
 */
export function fakeBot(moto: MotoServer, deployName: string, network?: { wickr: FakeWickrAdmin; networkId: string }) {
  const secrets = new SecretsManagerClient(motoClientConfig(moto, 'us-east-1'));
  const sample = PASSWORD_SAMPLES.adminGuide;
  let stopped = false;
  const printed = (async () => {
    let initial: string | undefined;
    while (!stopped && !initial) {
      const value = await secrets.send(new GetSecretValueCommand({ SecretId: `${deployName}-bot-secret` })).catch(() => undefined);
      initial = value?.SecretString ? JSON.parse(value.SecretString).password : undefined;
      if (!initial) await new Promise(r => setTimeout(r, 500));
    }
    if (stopped) return undefined;
    if (network && !network.wickr.state.botLogsIn(network.networkId, initial!)) {
      throw new Error(`network ${network.networkId} refused the bot's initial password`);
    }
    await writeBotLog(moto, deployName, ['Begin registration with password.', 'Received registration', ...sample.events, 'Login successful']);
    return sample.password;
  })();
  return { printed, stop: () => (stopped = true) };
}
