import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  DescribeSecretCommandOutput,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { BotSecretValue } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { DEPLOYMENT_TAG } from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** CloudFormation tags every resource it creates with its stack's id. */
const STACK_ID_TAG = 'aws:cloudformation:stack-id';

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

/** Stores a new version; the token makes a retried call with the same value a no-op. */
export async function writeBotSecret(
  client: SecretsManagerClient,
  secretId: string,
  value: BotSecretValue,
  token: string = randomUUID(),
): Promise<void> {
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      SecretString: JSON.stringify(value),
      ClientRequestToken: token,
    }),
  );
}

/**
 * Why the secret is not the one of the stack's deployment, or undefined if it is: a
 * stack output names the secret, and an output can name anything. CloudFormation
 * tags the secret it created with the stack's id; without that tag, the secret must
 * carry the deployment's tag.
 */
export function secretNotOfStack(
  secret: Pick<DescribeSecretCommandOutput, 'Tags' | 'ARN'>,
  stack: { stackId: string; deploymentName: string },
): string | undefined {
  const tags = Object.fromEntries((secret.Tags ?? []).map(t => [t.Key, t.Value]));
  if (tags[STACK_ID_TAG]) {
    return tags[STACK_ID_TAG] === stack.stackId ? undefined : `the secret ${secret.ARN} belongs to stack ${tags[STACK_ID_TAG]}`;
  }
  return tags[DEPLOYMENT_TAG] === stack.deploymentName
    ? undefined
    : `the secret ${secret.ARN} is not tagged as this deployment's (${DEPLOYMENT_TAG}=${stack.deploymentName})`;
}

export async function describeSecret(client: SecretsManagerClient, secretId: string): Promise<DescribeSecretCommandOutput> {
  return client.send(new DescribeSecretCommand({ SecretId: secretId }));
}
