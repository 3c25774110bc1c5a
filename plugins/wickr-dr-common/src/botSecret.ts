import { requireOutputs } from './stackOutputs';

/** The JSON the bot reads from its secret (see templates/wickr-dr-fargate/README.md). */
export interface BotSecretValue {
  password: string;
  s3_bucket_name: string;
  s3_region: string;
  s3_folder_name: string;
  sns_topic_arn: string;
}

export type BotConfig = Omit<BotSecretValue, 'password'>;

/** The outputs the bot's configuration comes from. */
export const BOT_CONFIG_OUTPUTS = ['BotSecretArn', 'RetentionBucketName', 'RetentionPrefix', 'AlertTopicArn'] as const;

/** The bot's configuration as the stack's outputs describe it; throws naming the outputs that are missing. */
export function botConfigFromOutputs(outputs: Record<string, string>, region: string): BotConfig {
  const { values, missing } = requireOutputs(outputs, BOT_CONFIG_OUTPUTS);
  if (missing.length) {
    throw new Error(`the stack has no output ${missing.join(', ')}: deploy it before writing the bot's secret`);
  }
  return {
    s3_bucket_name: values.RetentionBucketName,
    s3_region: region,
    s3_folder_name: values.RetentionPrefix,
    sns_topic_arn: values.AlertTopicArn,
  };
}

export type PasswordSource = 'kept' | 'initial';

/** Thrown when there is no password the bot could log in with. */
export class MissingPasswordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingPasswordError';
  }
}

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
    throw new MissingPasswordError(
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
