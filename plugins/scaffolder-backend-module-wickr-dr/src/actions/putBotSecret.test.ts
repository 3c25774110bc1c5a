// Real SDK and wire protocol against moto_server on loopback (Secrets Manager and CloudFormation).
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { MotoServer, startMoto } from '@internal/plugin-wickr-dr-common/testUtils';
import { testAwsClients } from '../__testUtils__/awsClients';
import { seedBotStack } from '../__testUtils__/motoStacks';
import { createPutBotSecretAction } from './putBotSecret';

const INITIAL = 'Initial-Pw-From-Admin-Console-5521';
const GENERATED = 'Bot-Generated-After-Registration-9001';

describe('wickr-dr:bot:put-secret (moto_server)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let seeded: Awaited<ReturnType<typeof seedBotStack>>;
  const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());
  beforeEach(async () => {
    await moto.reset();
    seeded = await seedBotStack(moto, target.stackName, 'prod');
  });

  const action = () => createPutBotSecretAction({ awsClients: testAwsClients(moto) });
  const secretValue = async () =>
    JSON.parse((await seeded.secretsManager.send(new GetSecretValueCommand({ SecretId: seeded.secretArn }))).SecretString!);
  const versions = async () =>
    (await seeded.secretsManager.send(new ListSecretVersionIdsCommand({ SecretId: seeded.secretArn }))).Versions!.length;

  it('fills the empty secret with the initial password and the configuration from the stack outputs', async () => {
    const ctx = createMockActionContext({ input: target, secrets: { botPassword: INITIAL } });
    await action().handler(ctx as any);
    expect(await secretValue()).toEqual({
      password: INITIAL,
      s3_bucket_name: '123456789012-prod-wickrdr',
      s3_region: 'us-east-1',
      s3_folder_name: 'data-retention',
      sns_topic_arn: 'arn:aws:sns:us-east-1:123456789012:prod-alerts',
    });
    expect(ctx.output).toHaveBeenCalledWith('password', 'initial');
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
    expect(JSON.stringify((ctx.output as jest.Mock).mock.calls)).not.toContain(INITIAL);
  });

  it('is idempotent: a second run writes no new version', async () => {
    await action().handler(createMockActionContext({ input: target, secrets: { botPassword: INITIAL } }) as any);
    const before = await versions();
    const ctx = createMockActionContext({ input: target, secrets: { botPassword: INITIAL } });
    await action().handler(ctx as any);
    expect(await versions()).toBe(before);
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
  });

  it("never overwrites the password the bot generated when it registered", async () => {
    await action().handler(createMockActionContext({ input: target, secrets: { botPassword: INITIAL } }) as any);
    // The bot registered and its new password was stored.
    await seeded.secretsManager.send(
      new PutSecretValueCommand({ SecretId: seeded.secretArn, SecretString: JSON.stringify({ ...(await secretValue()), password: GENERATED }) }),
    );
    const ctx = createMockActionContext({ input: target, secrets: { botPassword: INITIAL } });
    await action().handler(ctx as any);
    expect((await secretValue()).password).toBe(GENERATED);
    expect(ctx.output).toHaveBeenCalledWith('password', 'kept');
  });

  it('replaces the password only when told to', async () => {
    await action().handler(createMockActionContext({ input: target, secrets: { botPassword: INITIAL } }) as any);
    const fresh = 'New-Challenge-From-Admin-Api-3310';
    await action().handler(
      createMockActionContext({ input: { ...target, replacePassword: true }, secrets: { botPassword: fresh } }) as any,
    );
    expect((await secretValue()).password).toBe(fresh);
  });

  it('asks for the initial password when the secret has none, naming the field', async () => {
    const error = await action().handler(createMockActionContext({ input: target }) as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "botPassword: the bot's secret holds no password yet; give the bot's initial password from the Wickr admin console",
    );
  });

  it('names the stack when it does not exist', async () => {
    const error = await action()
      .handler(createMockActionContext({ input: { ...target, stackName: 'nope' }, secrets: { botPassword: INITIAL } }) as any)
      .catch(e => e);
    expect(error.message).toMatch(/^stackName: cannot read stack 'nope': ValidationError: Stack with id nope does not exist/);
  });

  it('touches nothing in a dry run', async () => {
    const ctx = { ...createMockActionContext({ input: target, secrets: { botPassword: INITIAL } }), isDryRun: true };
    await action().handler(ctx as any);
    expect(await versions().catch(() => 0)).toBe(0);
  });
});
