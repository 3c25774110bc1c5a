import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readTree, workspaceWithTemplate } from '../__testUtils__/workspace';
import { createRenderDeploymentAction } from './renderDeployment';

const input = {
  stackName: 'wickr-dr-prod',
  deployName: 'prod',
  botName: 'compliance_12345678_bot',
  region: 'us-east-1',
  owner: 'group:default/platform-team',
  fileRotateMins: 30,
};

describe('wickr-dr:deployment:render', () => {
  const action = createRenderDeploymentAction();

  it('writes the compact template, every parameter and the tags into the workspace', async () => {
    const workspacePath = workspaceWithTemplate();
    const ctx = createMockActionContext({ input, workspacePath });
    await action.handler(ctx as any);

    const parameters = JSON.parse(fs.readFileSync(path.join(workspacePath, 'stack/parameters.json'), 'utf8'));
    expect(parameters).toContainEqual({ ParameterKey: 'FileRotateMins', ParameterValue: '30' });
    expect(parameters).toContainEqual({ ParameterKey: 'TaskSize', ParameterValue: 'medium' });
    const template = JSON.parse(fs.readFileSync(path.join(workspacePath, 'stack/template.json'), 'utf8'));
    expect(template.Resources.BotService.Type).toBe('AWS::ECS::Service');
    const tags = JSON.parse(fs.readFileSync(path.join(workspacePath, 'stack/tags.json'), 'utf8'));
    expect(tags).toContainEqual({ Key: 'wickr-dr:owner', Value: 'group:default/platform-team' });
    expect(ctx.output).toHaveBeenCalledWith('stackName', 'wickr-dr-prod');
    expect(ctx.output).toHaveBeenCalledWith('targetPath', 'stack');
  });

  it('refuses invalid values with one error naming each field and its rule, writing nothing', async () => {
    const workspacePath = workspaceWithTemplate();
    const ctx = createMockActionContext({
      input: { ...input, deployName: 'Prod_1', fileRotateMins: 5000 },
      workspacePath,
    });
    const error = await action.handler(ctx as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('- deployName: must be 1 to 36 lowercase letters');
    expect(error.message).toContain('- fileRotateMins: must be a whole number of minutes from 1 to 1440');
    expect(fs.existsSync(path.join(workspacePath, 'stack'))).toBe(false);
  });

  it('says where the template should come from when it is missing', async () => {
    const ctx = createMockActionContext({ input, workspacePath: fs.mkdtempSync(path.join(os.tmpdir(), 'empty-ws-')) });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'templatePath: no CloudFormation template at cloudformation/wickr-dr-bot.yaml in the workspace; fetch it first (fetch:plain)',
    );
  });

  it('keeps a task secret out of every file it writes', async () => {
    const workspacePath = workspaceWithTemplate();
    const password = 'Recognisable-Initial-Pw-7731';
    const ctx = createMockActionContext({ input, workspacePath, secrets: { botPassword: password } });
    await action.handler(ctx as any);
    expect(JSON.stringify(readTree(workspacePath))).not.toContain(password);
  });
});
