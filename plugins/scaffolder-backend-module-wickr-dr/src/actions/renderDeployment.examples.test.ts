import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { renderOptions } from '../__testUtils__/access';
import { workspaceWithTemplate } from '../__testUtils__/workspace';
import { createRenderDeploymentAction } from './renderDeployment';
import { examples } from './renderDeployment.examples';

describe('wickr-dr:deployment:render examples', () => {
  it.each(examples.map(e => [e.description, e] as const))('%s', async (_, example) => {
    const input = parse(example.example).steps[0].input;
    const workspacePath = workspaceWithTemplate();
    await createRenderDeploymentAction(renderOptions).handler(createMockActionContext({ input, workspacePath }) as any);
    const parameters = JSON.parse(fs.readFileSync(path.join(workspacePath, 'stack/parameters.json'), 'utf8'));
    expect(parameters).toContainEqual({ ParameterKey: 'DeployName', ParameterValue: input.deployName });
  });
});
