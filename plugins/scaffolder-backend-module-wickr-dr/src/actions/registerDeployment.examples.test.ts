import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deploymentEntity, discoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { createRegisterDeploymentAction } from './registerDeployment';
import { examples } from './registerDeployment.examples';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

describe('wickr-dr:catalog:register examples', () => {
  it.each(examples.map(e => [e.description, e] as const))('%s', async (_, example) => {
    const input = parse(example.example).steps[0].input;
    const workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-register-'));
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValue(
      deploymentEntity(
        { stackArn: input.stackId, stackName: input.stackName, tags: { 'wickr-dr:deployment': input.deployName }, outputs: {} },
        { location: discoveryLocation({ region: input.region }), defaultOwner: input.owner },
      ),
    );
    const ctx = createMockActionContext({ input, workspacePath });
    await createRegisterDeploymentAction({ locks: new InMemoryStackLocks(), catalog, events: mockServices.events.mock(), accounts: { configured: [] } }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('registered', true);
    expect(fs.existsSync(path.join(workspacePath, 'catalog-info.yaml'))).toBe(true);
  });
});
