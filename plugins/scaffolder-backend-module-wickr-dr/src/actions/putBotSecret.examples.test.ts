// Against moto_server on loopback.
import { parse } from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { testAccess } from '../__testUtils__/access';
import { testAwsClients } from '../__testUtils__/awsClients';
import { seedBotStack } from '../__testUtils__/motoStacks';
import { createPutBotSecretAction } from './putBotSecret';
import { examples } from './putBotSecret.examples';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

describe('wickr-dr:bot:put-secret examples', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  it.each(examples.map(e => [e.description, e] as const))('%s', async (_, example) => {
    await moto.reset();
    const input = parse(example.example).steps[0].input;
    const { entity } = await seedBotStack(moto, input.stackName, 'prod', input.region);
    const secrets = { [input.passwordSecret ?? 'botPassword']: 'An-Initial-Password-123' };
    const ctx = createMockActionContext({ input, secrets });
    await createPutBotSecretAction({ locks: new InMemoryStackLocks(), awsClients: testAwsClients(moto), access: testAccess({ entities: [entity] }).access }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
  });
});
