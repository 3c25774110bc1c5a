// wickr-dr:bot:put-secret against moto_server behind the fault proxy (both on loopback): the
// real SDK with the portal's retry strategy (adaptive, 3 attempts), faults on the wire, and
// the secret's versions in moto read after each run.
import fs from 'node:fs';
import path from 'node:path';
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { deploymentEntity, discoveryLocation, parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FaultProxy,
  FaultRule,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { faultAwsClients, seedMotoDeployment } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { testAccess } from '../__testUtils__/access';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createPutBotSecretAction } from './putBotSecret';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };
const PASSWORD = 'Initial-Moto-Password-4410';

describe('wickr-dr:bot:put-secret with faults (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let secrets: SecretsManagerClient;
  let secretArn: string;
  let entity: Entity;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    secrets = new SecretsManagerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    secrets?.destroy();
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    proxy.reset();
    const seeded = await seedMotoDeployment(moto, { ...target, deployName: 'prod', templateBody: TEMPLATE });
    secretArn = seeded.secretArn;
    entity = deploymentEntity(
      { stackArn: seeded.stack.StackId!, stackName: target.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ accountId: '123456789012', region: 'us-east-1' }), defaultOwner: 'group:default/ops' },
    );
  });

  function putSecret(faults: FaultRule[]) {
    faults.forEach(f => proxy.inject(f));
    const ctx = createMockActionContext({ input: target, secrets: { botPassword: PASSWORD }, task: { id: 'task-put' } } as any);
    const action = createPutBotSecretAction({
      awsClients: faultAwsClients(proxy),
      access: testAccess({ entities: [entity] }).access,
      locks: new InMemoryStackLocks(),
    });
    return action.handler(ctx as any).then(
      () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
      (e: Error) => e,
    );
  }

  /** The secret's versions in moto, by their stages. */
  const versions = async () =>
    (await secrets.send(new ListSecretVersionIdsCommand({ SecretId: secretArn }))).Versions!.map(v => v.VersionStages);
  const stored = async () => JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!).password;
  const message = (outcome: unknown) => (outcome instanceof Error ? outcome.message : `no error: ${JSON.stringify(outcome)}`);

  it('writes one version through throttling, a 5xx, a slow answer and a write whose answer was lost', async () => {
    const outcome = await putSecret([
      { operation: 'DescribeSecret', fault: 'slow', delayMs: 100 },
      { operation: 'GetSecretValue', fault: 'server-error' },
      { operation: 'PutSecretValue', fault: 'throttle' },
      { operation: 'PutSecretValue', fault: 'reset', afterForward: true },
    ]);
    expect(outcome).toEqual({ secretArn: 'prod-bot-secret', password: 'initial', changed: true });
    expect(await versions()).toEqual([['AWSCURRENT']]);
    expect(await stored()).toBe(PASSWORD);
    // Three attempts of one request (one token): moto acted on the second, and took the third as the same version.
    const puts = proxy.calls().filter(c => c.operation === 'PutSecretValue');
    expect(puts.map(c => c.status)).toEqual([400, 0, 200]);
    expect(new Set(puts.map(c => c.token)).size).toBe(1);
  });

  it('fails in one line on an HTML page past the budget, with nothing written and the next step said', async () => {
    const outcome = await putSecret([{ operation: 'PutSecretValue', fault: 'html', count: 3 }]);
    expect(message(outcome)).toBe(
      `could not write the bot's secret prod-bot-secret: SecretsManager PutSecretValue at ${proxy.endpoint}/: HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts); retry the task to write it (it sends the same token, so the secret never gets a second version)`,
    );
    expect(await versions()).toEqual([]);
  });

  it('fails in one line when the secret cannot be read, before any write', async () => {
    const outcome = await putSecret([{ operation: 'DescribeSecret', fault: 'reset', count: 3 }]);
    expect(message(outcome)).toBe(
      `cannot read the bot's secret prod-bot-secret: SecretsManager DescribeSecret at ${proxy.endpoint}/: the connection was reset (ECONNRESET) (3 attempts); nothing was written`,
    );
    expect(proxy.calls().map(c => c.operation)).not.toContain('PutSecretValue');
  });

  it('stops a throttled account at maxAttempts: three DescribeStacks, no secret call', async () => {
    const outcome = await putSecret([{ operation: '*', fault: 'throttle', count: 100 }]);
    expect(message(outcome)).toBe(
      `cannot read stack 'wickr-dr-prod': CloudFormation DescribeStacks at ${proxy.endpoint}/: Throttling: Rate exceeded (3 attempts); nothing was changed`,
    );
    expect(proxy.calls().map(c => c.operation)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
    expect(await versions()).toEqual([]);
  });
});
