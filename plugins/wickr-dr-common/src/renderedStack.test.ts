import { readBotTemplateText } from './__testUtils__/botTemplateFile';
import { DEFAULT_ALLOWED_IMAGES } from './images';
import { renderStack } from './render';
import { renderedStackIssues } from './renderedStack';

const rules = { allowedImages: DEFAULT_ALLOWED_IMAGES };
const rendered = () =>
  renderStack(readBotTemplateText(), {
    stackName: 'wickr-dr-prod',
    deployName: 'prod',
    botName: 'compliance_1_bot',
    region: 'us-east-1',
    owner: 'group:default/ops',
  });

// The deploy step reads what the render step wrote from the workspace, where any earlier
// step of any template could have written anything.
describe('renderedStackIssues', () => {
  it('finds nothing wrong with what the render step wrote', () => {
    expect(renderedStackIssues(rendered(), rules)).toEqual([]);
  });

  it('refuses an image from another registry, naming botImage and the allowed list', () => {
    const stack = rendered();
    stack.parameters.find(p => p.ParameterKey === 'BotImage')!.ParameterValue = 'docker.io/evil/bot:1';
    expect(renderedStackIssues(stack, rules).map(i => i.message)).toEqual([
      'botImage: docker.io/evil/bot:1 is not allowed; it must be an image from public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud (wickrDr.allowedImages)',
    ]);
  });

  it('refuses a parameter the portal does not render, a broken value and a tag it does not set', () => {
    const stack = rendered();
    stack.parameters.push({ ParameterKey: 'BotRunning', ParameterValue: 'true' });
    stack.parameters.find(p => p.ParameterKey === 'DeployName')!.ParameterValue = 'Prod';
    stack.tags.push({ Key: 'team', Value: 'web' });
    expect(renderedStackIssues(stack, rules).map(i => i.field)).toEqual(['BotRunning', 'deployName', 'team', 'tags']);
  });

  it('refuses a deployment tag that names another deployment than the parameters', () => {
    const stack = rendered();
    stack.tags[0].Value = 'other';
    expect(renderedStackIssues(stack, rules).map(i => i.message)).toEqual([
      'tags: wickr-dr:deployment is other, the DeployName parameter prod',
    ]);
  });
});
