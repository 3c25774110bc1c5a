import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createRegisterDeploymentAction } from './registerDeployment';
import { examples } from './registerDeployment.examples';

describe('wickr-dr:catalog:register examples', () => {
  it.each(examples.map(e => [e.description, e] as const))('%s', async (_, example) => {
    const input = parse(example.example).steps[0].input;
    const workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-register-'));
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValue({ apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'prod-us-east-1' } });
    const ctx = createMockActionContext({ input, workspacePath });
    await createRegisterDeploymentAction({ catalog, events: mockServices.events.mock() }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('registered', true);
    expect(fs.existsSync(path.join(workspacePath, 'catalog-info.yaml'))).toBe(true);
  });
});
