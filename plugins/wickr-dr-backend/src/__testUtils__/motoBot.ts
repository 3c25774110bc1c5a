import fs from 'node:fs';
import path from 'node:path';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { Entity } from '@backstage/catalog-model';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  BANNER_LINE,
  BANNER_RULER,
  DO_NOT_LOSE_LINE,
  MOTO_ACCOUNT_ID,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  TO_START_LINE,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AwsClients, stackOutputs, stackTags } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';

export const REGION = 'us-east-1';
export const OWNER = 'group:default/platform-team';
/** The one-time password of the Wickr admin console, as put-secret leaves it in the secret. */
export const INITIAL_PASSWORD = 'Initial-Password-From-The-Console-0001';

const PRODUCT_TEMPLATE = path.resolve(__dirname, '../../../../templates/wickr-dr-fargate/cloudformation/wickr-dr-bot.yaml');

/** The product template cut down to what moto can create. */
export const MOTO_TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(PRODUCT_TEMPLATE, 'utf8'))),
);

/** What the bot prints when it registers, one log event per line as awslogs sends them. */
export function registrationLines(password: string): string[] {
  return [
    'Begin registration with password.',
    'Received registration',
    BANNER_RULER,
    BANNER_LINE,
    DO_NOT_LOSE_LINE,
    TO_START_LINE,
    ` "${password}"`,
    BANNER_RULER,
    'Login successful',
  ];
}

/** AwsClients for moto's account (and the main one), with fake keys, every call to `endpoint`. */
export function motoAwsClients(endpoint: string): AwsClients {
  return new AwsClients({
    credentialsManager: {
      getCredentialProvider: async () => ({
        sdkCredentialProvider: async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
      }),
    },
    accounts: { configured: [MOTO_ACCOUNT_ID] },
    endpoint,
  });
}

/** The entity discovery makes of a stack in moto's account. */
export function discoveredEntity(stack: Stack): Entity {
  return deploymentEntity(
    { stackArn: stack.StackId!, stackName: stack.StackName!, tags: stackTags(stack), outputs: stackOutputs(stack) },
    { location: discoveryLocation({ accountId: MOTO_ACCOUNT_ID, region: REGION }), defaultOwner: OWNER },
  );
}

/**
 * A deployment made outside the portal (CreateStack of the moto-sized product template, its
 * secret beside it holding the initial password), the entity discovery makes of it, and a
 * fake bot that writes its log.
 */
export async function seedBot(moto: MotoServer, deployName: string) {
  const config = motoClientConfig(moto, REGION);
  const logs = new CloudWatchLogsClient(config);
  const secrets = new SecretsManagerClient(config);
  const { stack, secretArn } = await seedMotoDeployment(moto, {
    stackName: `wickr-dr-${deployName}`,
    deployName,
    templateBody: MOTO_TEMPLATE,
    region: REGION,
  });
  const outputs = stackOutputs(stack);
  const initial = {
    password: INITIAL_PASSWORD,
    s3_bucket_name: 'set-by-put-secret',
    s3_region: REGION,
    s3_folder_name: 'set-by-put-secret',
    sns_topic_arn: 'set-by-put-secret',
  };
  await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(initial) }));
  const entity = discoveredEntity(stack);
  let streams = 0;
  return {
    stack,
    outputs,
    secretArn,
    entity,
    entityRef: `resource:default/${entity.metadata.name}`,
    /**
     * The bot writes these lines to a new stream of its log group (or to `stream`), one
     * event a second from `at` (default: a second from now).
     */
    async prints(lines: string[], options: { at?: number; stream?: string; logGroupName?: string } = {}) {
      const logGroupName = options.logGroupName ?? outputs.BotLogGroupName!;
      const logStreamName = options.stream ?? `bot/bot/${++streams}`;
      if (!options.stream) await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
      const at = options.at ?? Date.now() + 1000;
      await logs.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: lines.map((message, i) => ({ message, timestamp: at + i * 1000 })),
        }),
      );
      return { stream: logStreamName, lastAt: at + (lines.length - 1) * 1000 };
    },
    async secret(): Promise<Record<string, string>> {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return JSON.parse(SecretString!);
    },
    close() {
      logs.destroy();
      secrets.destroy();
    },
  };
}

export type SeededBot = Awaited<ReturnType<typeof seedBot>>;
