import { randomUUID } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';

/** The JSON the bot reads from its secret (see templates/wickr-dr-fargate/README.md). */
export interface BotSecretValue {
  password: string;
  s3_bucket_name: string;
  s3_region: string;
  s3_folder_name: string;
  sns_topic_arn: string;
}

export type BotConfig = Omit<BotSecretValue, 'password'>;

/** The bot's configuration as the stack's outputs describe it. */
export function botConfigFromOutputs(outputs: Record<string, string>, region: string): BotConfig {
  const needed = ['BotSecretArn', 'RetentionBucketName', 'RetentionPrefix', 'AlertTopicArn'];
  const missing = needed.filter(key => !outputs[key]);
  if (missing.length) {
    throw new InputError(
      `the stack has no output ${missing.join(', ')}: deploy it with wickr-dr:stack:deploy before writing the bot's secret`,
    );
  }
  return {
    s3_bucket_name: outputs.RetentionBucketName,
    s3_region: region,
    s3_folder_name: outputs.RetentionPrefix,
    sns_topic_arn: outputs.AlertTopicArn,
  };
}

/** The secret's current value, or undefined while CloudFormation has left it empty. */
export async function readBotSecret(
  client: SecretsManagerClient,
  secretId: string,
): Promise<Partial<BotSecretValue> | undefined> {
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = JSON.parse(SecretString ?? 'null');
    return value && typeof value === 'object' ? value : undefined;
  } catch (error) {
    // An empty secret has no AWSCURRENT version; a non-JSON value holds no password either.
    if ((error as Error).name === 'ResourceNotFoundException' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export type PasswordSource = 'kept' | 'initial';

/**
 * The value to store: the configuration from the stack, and the password already in
 * the secret (the bot's own, once it has registered) unless told to replace it.
 * Without either, there is nothing the bot could log in with.
 */
export function nextBotSecret(
  current: Partial<BotSecretValue> | undefined,
  config: BotConfig,
  initialPassword: string | undefined,
  replacePassword: boolean,
): { value: BotSecretValue; password: PasswordSource } {
  const keep = current?.password && !replacePassword;
  if (!keep && !initialPassword) {
    throw new InputError(
      replacePassword
        ? 'botPassword: replacePassword is set but no password was given'
        : "botPassword: the bot's secret holds no password yet; give the bot's initial password from the Wickr admin console",
    );
  }
  return {
    value: { password: keep ? current!.password! : initialPassword!, ...config },
    password: keep ? 'kept' : 'initial',
  };
}

export function sameSecret(a: Partial<BotSecretValue> | undefined, b: BotSecretValue): boolean {
  if (!a) return false;
  return (Object.keys(b) as Array<keyof BotSecretValue>).every(key => a[key] === b[key]) &&
    Object.keys(a).length === Object.keys(b).length;
}

/** Stores a new version; the token makes a retried call with the same value a no-op. */
export async function writeBotSecret(
  client: SecretsManagerClient,
  secretId: string,
  value: BotSecretValue,
  token: string = randomUUID(),
) {
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      SecretString: JSON.stringify(value),
      ClientRequestToken: token,
    }),
  );
}
