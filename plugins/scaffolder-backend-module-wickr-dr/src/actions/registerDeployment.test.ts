import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { InputError } from '@backstage/errors';
import { deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { createRegisterDeploymentAction } from './registerDeployment';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const input = {
  stackName: 'wickr-dr-prod',
  region: 'us-east-1',
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/wickr-dr-prod/abc',
  deployName: 'prod',
  owner: 'group:default/platform-team',
  outputs: { RetentionBucketName: '123456789012-prod-wickrdr', RetentionPrefix: 'data-retention' },
};
const registered = deploymentEntity(
  { stackArn: input.stackId, stackName: input.stackName, tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
  { location: discoveryLocation({ region: 'us-east-1' }), defaultOwner: input.owner },
);
const accounts = { configured: ['123456789012'] };
const REF = 'resource:default/prod-123456789012-use1';

describe('wickr-dr:catalog:register', () => {
  const workspace = () => fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-register-'));

  it('asks discovery to look at the stack now and waits until the entity is in the catalog', async () => {
    const events = mockServices.events.mock();
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValueOnce(undefined).mockResolvedValueOnce(undefined).mockResolvedValue(registered);
    const ctx = createMockActionContext({ input, workspacePath: workspace() });
    await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog, events, accounts, pollMs: 1 }).handler(ctx as any);

    expect(events.publish).toHaveBeenCalledWith({
      topic: 'wickr-dr.stack.deployed',
      eventPayload: { accountId: undefined, region: 'us-east-1', stackName: 'wickr-dr-prod' },
    });
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(REF, expect.anything());
    expect(ctx.output).toHaveBeenCalledWith('entityRef', REF);
    expect(ctx.output).toHaveBeenCalledWith('registered', true);
  });

  it("gives the stack up as the deployment's last step, whatever its outcome, and only the task's own hold", async () => {
    const locks = new InMemoryStackLocks();
    const catalog = catalogServiceMock({ entities: [registered] });
    const ctx = createMockActionContext({ input, workspacePath: workspace(), task: { id: 'task-deploying' } } as any);
    await locks.acquire(input, 'task-deploying');
    await createRegisterDeploymentAction({ locks, catalog, events: mockServices.events.mock(), accounts, pollMs: 1 }).handler(ctx as any);
    expect(locks.holders.size).toBe(0);

    await locks.acquire(input, 'task-deploying');
    const failing = createMockActionContext({ input: { ...input, stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/abc' }, workspacePath: workspace(), task: { id: 'task-deploying' } } as any);
    await expect(createRegisterDeploymentAction({ locks, catalog, events: mockServices.events.mock(), accounts }).handler(failing as any)).rejects.toThrow();
    expect(locks.holders.size).toBe(0);

    await locks.acquire(input, 'task-other');
    await createRegisterDeploymentAction({ locks, catalog, events: mockServices.events.mock(), accounts, pollMs: 1 }).handler(ctx as any);
    expect([...locks.holders.values()]).toEqual(['task-other']);
  });

  it('writes catalog-info.yaml for a repository, without the location annotations the catalog adds', async () => {
    const workspacePath = workspace();
    const catalog = catalogServiceMock({ entities: [registered] });
    await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog, events: mockServices.events.mock(), accounts }).handler(
      createMockActionContext({ input, workspacePath }) as any,
    );
    const written = parse(fs.readFileSync(path.join(workspacePath, 'catalog-info.yaml'), 'utf8'));
    expect(written).toMatchObject({
      kind: 'Resource',
      metadata: { name: 'prod-123456789012-use1', annotations: { 'amazonaws.com/arn': input.stackId } },
      spec: { type: 'wickr-data-retention', owner: 'group:default/platform-team' },
    });
    expect(Object.keys(written.metadata.annotations)).not.toContain('backstage.io/managed-by-location');
  });

  it('warns, without failing the deployment, when discovery does not look where the stack is', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValue(undefined);
    const ctx = createMockActionContext({ input: { ...input, waitSeconds: 0 }, workspacePath: workspace() });
    const warnings: string[] = [];
    ctx.logger.warn = ((m: string) => warnings.push(m)) as any;
    await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog, events: mockServices.events.mock(), accounts }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('registered', false);
    expect(warnings).toEqual([
      `${REF} did not appear within 0 s: check that catalog.providers.wickrDr looks at the main account/us-east-1; discovery adds it at its next run`,
    ]);
  });

  it('refuses an entity of that name that is not the discovered entity of the deployed stack', async () => {
    const shadow = deploymentEntity(
      { stackArn: 'arn:aws:cloudformation:us-east-1:123456789012:stack/impostor/zzz', stackName: 'impostor', tags: { 'wickr-dr:deployment': 'prod' }, outputs: {} },
      { location: discoveryLocation({ region: 'us-east-1' }), defaultOwner: 'group:default/attacker' },
    );
    const catalog = catalogServiceMock({ entities: [shadow] });
    const error = await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog, events: mockServices.events.mock(), accounts })
      .handler(createMockActionContext({ input, workspacePath: workspace() }) as any)
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `the catalog's ${REF} is not a deployment the portal may act on: it is the entity of stack arn:aws:cloudformation:us-east-1:123456789012:stack/impostor/zzz, not of ${input.stackId}`,
    );
  });

  it.each([
    [{ stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/abc' }, 'names stack other, not wickr-dr-prod'],
    [{ stackId: 'arn:aws:s3:::bucket' }, 'is not a CloudFormation stack ARN'],
    [{ owner: 'component:default/x' }, 'owner must name a group or user'],
    [{ accountId: '999999999999' }, 'accountId: 999999999999 is not an account this portal may deploy to'],
  ])('refuses %j before publishing anything', async (bad, message) => {
    const events = mockServices.events.mock();
    const error = await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog: catalogServiceMock.mock(), events, accounts })
      .handler(createMockActionContext({ input: { ...input, ...bad }, workspacePath: workspace() }) as any)
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(message);
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('publishes nothing in a dry run', async () => {
    const events = mockServices.events.mock();
    const ctx = { ...createMockActionContext({ input, workspacePath: workspace() }), isDryRun: true };
    await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog: catalogServiceMock.mock(), events, accounts }).handler(ctx as any);
    expect(events.publish).not.toHaveBeenCalled();
  });
});
