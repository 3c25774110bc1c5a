import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity } from '@internal/plugin-wickr-dr-common';
import { createRegisterDeploymentAction } from './registerDeployment';

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
  { location: 'wickr-dr:main/us-east-1', defaultOwner: input.owner },
);

describe('wickr-dr:catalog:register', () => {
  const workspace = () => fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-register-'));

  it('asks discovery to look at the stack now and waits until the entity is in the catalog', async () => {
    const events = mockServices.events.mock();
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValueOnce(undefined).mockResolvedValueOnce(undefined).mockResolvedValue(registered);
    const ctx = createMockActionContext({ input, workspacePath: workspace() });
    await createRegisterDeploymentAction({ catalog, events, pollMs: 1 }).handler(ctx as any);

    expect(events.publish).toHaveBeenCalledWith({
      topic: 'wickr-dr.stack.deployed',
      eventPayload: { accountId: undefined, region: 'us-east-1', stackName: 'wickr-dr-prod' },
    });
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith('resource:default/prod-us-east-1', expect.anything());
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/prod-us-east-1');
    expect(ctx.output).toHaveBeenCalledWith('registered', true);
  });

  it('writes catalog-info.yaml for a repository, without the location annotations the catalog adds', async () => {
    const workspacePath = workspace();
    const catalog = catalogServiceMock({ entities: [registered] });
    await createRegisterDeploymentAction({ catalog, events: mockServices.events.mock() }).handler(
      createMockActionContext({ input, workspacePath }) as any,
    );
    const written = parse(fs.readFileSync(path.join(workspacePath, 'catalog-info.yaml'), 'utf8'));
    expect(written).toMatchObject({
      kind: 'Resource',
      metadata: { name: 'prod-us-east-1', annotations: { 'amazonaws.com/arn': input.stackId } },
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
    await createRegisterDeploymentAction({ catalog, events: mockServices.events.mock() }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('registered', false);
    expect(warnings).toEqual([
      'resource:default/prod-us-east-1 did not appear within 0 s: check that catalog.providers.wickrDr looks at the main account/us-east-1; discovery adds it at its next run',
    ]);
  });

  it('publishes nothing in a dry run', async () => {
    const events = mockServices.events.mock();
    const ctx = { ...createMockActionContext({ input, workspacePath: workspace() }), isDryRun: true };
    await createRegisterDeploymentAction({ catalog: catalogServiceMock.mock(), events }).handler(ctx as any);
    expect(events.publish).not.toHaveBeenCalled();
  });
});
