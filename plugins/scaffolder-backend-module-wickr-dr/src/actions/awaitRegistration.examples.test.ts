// Against moto_server on loopback: each example waits for a fake bot's banner and stores its password.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MotoServer, motoClientConfig, motoSizedTemplate, PASSWORD_SAMPLES, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createAwaitRegistrationAction } from './awaitRegistration';
import { examples } from './awaitRegistration.examples';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);

describe('wickr-dr:bot:await-registration examples', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  it.each(examples.map(e => [e.description, e] as const))('%s', async (_, example) => {
    await moto.reset();
    const input = parse(example.example).steps[0].input;
    const { stack, secretArn } = await seedMotoDeployment(moto, { stackName: input.stackName, deployName: 'prod', templateBody: TEMPLATE, region: input.region });
    const logs = new CloudWatchLogsClient(motoClientConfig(moto, input.region));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/wickr-dr/prod/bot', logStreamName: 'bot/1' }));
    const sample = PASSWORD_SAMPLES.adminGuide;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/wickr-dr/prod/bot',
        logStreamName: 'bot/1',
        logEvents: [...sample.events, 'Login successful'].map((message, i) => ({ message, timestamp: Date.now() + 1000 + i })),
      }),
    );
    const entity = deploymentEntity(
      { stackArn: stack.StackId!, stackName: input.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: input.region }), defaultOwner: 'group:default/ops' },
    );
    const ctx = createMockActionContext({ input });
    await createAwaitRegistrationAction({ locks: new InMemoryStackLocks(), awsClients: testAwsClients(moto), access: testAccess({ entities: [entity] }).access, timeoutMinutes: 1 }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('registered', true);
    const secrets = new SecretsManagerClient(motoClientConfig(moto, input.region));
    expect(JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password).toBe(sample.password);
  });
});
