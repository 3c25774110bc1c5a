// Real SDK and wire protocol against moto_server on loopback (Secrets Manager and CloudFormation).
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AccessOptions, testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { seedBotStack, SMALL_BOT_TEMPLATE } from '../__testUtils__/motoStacks';
import { createPutBotSecretAction } from './putBotSecret';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

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

  const action = (access: AccessOptions = { entities: [seeded.entity] }) =>
    createPutBotSecretAction({ locks: new InMemoryStackLocks(), awsClients: testAwsClients(moto), access: testAccess(access).access });
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
    const info = jest.spyOn(ctx.logger, 'info');
    await action().handler(ctx as any);
    expect((await secretValue()).password).toBe(GENERATED);
    expect(ctx.output).toHaveBeenCalledWith('password', 'kept');
    expect(info).toHaveBeenCalledWith(`Already up to date: the bot's secret ${seeded.secretArn} (password: kept the one already there)`);
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
    expect(error.message).toBe("stackName: stack 'nope' does not exist; deploy it with wickr-dr:stack:deploy first");
  });

  it("refuses a non-owner of the deployment, writing nothing", async () => {
    const ctx = createMockActionContext({ input: target, secrets: { botPassword: INITIAL } });
    const error = await action({ entities: [seeded.entity], decide: () => AuthorizeResult.DENY }).handler(ctx as any).catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe('not allowed to update resource:default/prod-123456789012-use1 (wickr-dr.deployment.update)');
    expect(await versions().catch(() => 0)).toBe(0);
  });

  it("refuses a stack that is not a deployment, and never writes another team's secret that a stack's output names", async () => {
    const other = await seeded.secretsManager.send(new CreateSecretCommand({ Name: 'someone-elses-secret', SecretString: 'theirs' }));
    await seeded.cloudformation.send(
      new CreateStackCommand({
        StackName: 'untagged',
        TemplateBody: SMALL_BOT_TEMPLATE,
        Parameters: [{ ParameterKey: 'DeployName', ParameterValue: 'x' }, { ParameterKey: 'BotSecretArn', ParameterValue: other.ARN! }],
      }),
    );
    const untagged = await action().handler(createMockActionContext({ input: { ...target, stackName: 'untagged' }, secrets: { botPassword: INITIAL } }) as any).catch(e => e);
    expect(untagged.message).toBe("stackName: stack 'untagged' is not a Wickr data-retention deployment (it lacks the wickr-dr:deployment tag); the portal acts only on its own deployments");

    const { StackId } = await seeded.cloudformation.send(
      new CreateStackCommand({
        StackName: 'pointing-elsewhere',
        TemplateBody: SMALL_BOT_TEMPLATE,
        Parameters: [{ ParameterKey: 'DeployName', ParameterValue: 'elsewhere' }, { ParameterKey: 'BotSecretArn', ParameterValue: other.ARN! }],
        Tags: [{ Key: 'wickr-dr:deployment', Value: 'elsewhere' }],
      }),
    );
    const entity = deploymentEntity(
      { stackArn: StackId!, stackName: 'pointing-elsewhere', tags: { 'wickr-dr:deployment': 'elsewhere' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
    const elsewhere = await action({ entities: [entity] })
      .handler(createMockActionContext({ input: { ...target, stackName: 'pointing-elsewhere' }, secrets: { botPassword: INITIAL } }) as any)
      .catch(e => e);
    expect(elsewhere).toBeInstanceOf(InputError);
    expect(elsewhere.message).toMatch(/does not name its own secret: the secret arn:aws:secretsmanager:us-east-1:123456789012:secret:someone-elses-secret-\w+ is not tagged as this deployment's \(wickr-dr:deployment=elsewhere\); nothing was written$/);
    const theirs = await seeded.secretsManager.send(new GetSecretValueCommand({ SecretId: other.ARN }));
    expect(theirs.SecretString).toBe('theirs');
  });

  it('touches nothing in a dry run', async () => {
    const ctx = { ...createMockActionContext({ input: target, secrets: { botPassword: INITIAL } }), isDryRun: true };
    await action().handler(ctx as any);
    expect(await versions().catch(() => 0)).toBe(0);
  });
});
