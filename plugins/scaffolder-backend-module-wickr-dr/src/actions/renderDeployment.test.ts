import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { renderOptions } from '../__testUtils__/access';
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
  const action = createRenderDeploymentAction(renderOptions);

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

  it("tags the stack with the bot's Wickr network, as prepare outputs it", async () => {
    const workspacePath = workspaceWithTemplate();
    await action.handler(createMockActionContext({ input: { ...input, networkId: '12345678' }, workspacePath }) as any);
    const tags = JSON.parse(fs.readFileSync(path.join(workspacePath, 'stack/tags.json'), 'utf8'));
    expect(tags).toContainEqual({ Key: 'wickr-dr:network', Value: '12345678' });
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

  it.each([
    [{ botImage: 'docker.io/someone/bot-compliance-cloud:6.66.01.00' }, '- botImage: docker.io/someone/bot-compliance-cloud:6.66.01.00 is not allowed; it must be an image from public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud (wickrDr.allowedImages)'],
    [{ owner: 'component:default/web' }, '- owner: must name a group or user, not a component'],
    [{ system: 'not a ref' }, '- system: is not a valid entity reference'],
    [{ accountId: '999999999999' }, 'accountId: 999999999999 is not an account this portal may deploy to'],
  ])('refuses %j before anything is written, naming the field', async (bad, message) => {
    const workspacePath = workspaceWithTemplate();
    const error = await action.handler(createMockActionContext({ input: { ...input, ...bad }, workspacePath }) as any).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(message);
    expect(fs.existsSync(path.join(workspacePath, 'stack'))).toBe(false);
  });

  it('allows a mirror configured in wickrDr.allowedImages', async () => {
    const workspacePath = workspaceWithTemplate();
    const mirror = '111111111111.dkr.ecr.us-east-1.amazonaws.com/wickr/bot-compliance-cloud:6.66.01.00';
    await createRenderDeploymentAction({ ...renderOptions, allowedImages: ['111111111111.dkr.ecr.us-east-1.amazonaws.com/wickr/'] }).handler(
      createMockActionContext({ input: { ...input, botImage: mirror }, workspacePath }) as any,
    );
    const parameters = JSON.parse(fs.readFileSync(path.join(workspacePath, 'stack/parameters.json'), 'utf8'));
    expect(parameters).toContainEqual({ ParameterKey: 'BotImage', ParameterValue: mirror });
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
