import { readBotTemplateText } from './__testUtils__/botTemplateFile';
import { parseCloudFormationTemplate } from './cloudformationYaml';
import { botRunningParameter, renderStack, TEMPLATE_BODY_LIMIT } from './render';
import { DeploymentValidationError } from './validation';

const input = {
  stackName: 'wickr-dr-prod',
  deployName: 'prod',
  botName: 'compliance_12345678_bot',
  region: 'us-east-1',
  owner: 'group:default/platform-team',
  fileRotateMins: '30',
  // Not a parameter: must never reach CloudFormation.
  password: 'Sup3r-Secret-Initial-PW',
};

describe('renderStack', () => {
  const templateText = readBotTemplateText();

  it('renders every parameter, defaults filled in, and the stack tags', () => {
    const rendered = renderStack(templateText, input);
    const values = Object.fromEntries(rendered.parameters.map(p => [p.ParameterKey, p.ParameterValue]));
    expect(values).toMatchObject({
      DeployName: 'prod',
      BotName: 'compliance_12345678_bot',
      FileRotateMins: '30',
      TaskSize: 'medium',
      LogRetentionDays: '365',
      AlertEmail: '',
    });
    expect(values).not.toHaveProperty('BotRunning');
    expect(rendered.tags).toEqual([
      { Key: 'wickr-dr:deployment', Value: 'prod' },
      { Key: 'wickr-dr:owner', Value: 'group:default/platform-team' },
    ]);
  });

  it("tags the stack with the bot's Wickr network when one is given", () => {
    expect(renderStack(templateText, { ...input, networkId: '12345678' }).tags).toEqual([
      { Key: 'wickr-dr:deployment', Value: 'prod' },
      { Key: 'wickr-dr:owner', Value: 'group:default/platform-team' },
      { Key: 'wickr-dr:network', Value: '12345678' },
    ]);
  });

  it('never lets the password into parameters, tags or the template body', () => {
    const rendered = renderStack(templateText, input);
    expect(JSON.stringify(rendered)).not.toContain(input.password);
  });

  it.each([
    ['keep', true, { ParameterKey: 'BotRunning', UsePreviousValue: true }],
    ['keep', false, { ParameterKey: 'BotRunning', ParameterValue: 'false' }],
    [true, true, { ParameterKey: 'BotRunning', ParameterValue: 'true' }],
    [false, true, { ParameterKey: 'BotRunning', ParameterValue: 'false' }],
  ] as const)('sets BotRunning for %s when the stack exists: %s', (running, exists, parameter) => {
    expect(botRunningParameter(running, exists)).toEqual(parameter);
  });

  it('sends the template as compact JSON that parses back to the same template', () => {
    const { templateBody } = renderStack(templateText, input);
    expect(JSON.parse(templateBody)).toEqual(parseCloudFormationTemplate(templateText));
    expect(Buffer.byteLength(templateBody)).toBeLessThan(Buffer.byteLength(templateText));
    expect(Buffer.byteLength(templateBody)).toBeLessThanOrEqual(TEMPLATE_BODY_LIMIT);
  });

  it('validates before anything else', () => {
    expect(() => renderStack(templateText, { ...input, deployName: 'Bad' })).toThrow(
      DeploymentValidationError,
    );
  });

  it('refuses a template whose parameter rules differ from the portal', () => {
    const drifted = templateText.replace('MaxValue: 1440', 'MaxValue: 9999');
    expect(() => renderStack(drifted, input)).toThrow(
      'FileRotateMins.MaxValue: template has "9999", parameters.ts has "1440"',
    );
  });
});
