import { parseCloudFormationTemplate } from '../cloudformationYaml';
import { requireOutputs, STACK_OUTPUTS, stackOutputDifferences } from '../stackOutputs';
import { loadBotTemplate, readBotTemplateText } from '../__testUtils__/botTemplateFile';

// The outputs the portal reads are a contract with the template, checked like its parameters.
describe('the template outputs', () => {
  it('declare every output the portal reads', () => {
    expect(stackOutputDifferences(loadBotTemplate())).toEqual([]);
  });

  it('catch an output renamed in the template', () => {
    const text = readBotTemplateText();
    expect(text).toContain('\n  BotSecretArn:\n');
    const renamed = parseCloudFormationTemplate(text.replace('\n  BotSecretArn:\n', '\n  BotSecret:\n'));
    expect(stackOutputDifferences(renamed)).toEqual([
      `BotSecretArn (${STACK_OUTPUTS.BotSecretArn}): read by the portal but not an output of the template`,
    ]);
  });

  it('tell a step which outputs it needs are missing', () => {
    const { values, missing } = requireOutputs({ BotSecretArn: 'arn:x', RetentionPrefix: '' }, ['BotSecretArn', 'RetentionPrefix', 'AlertTopicArn']);
    expect(values.BotSecretArn).toBe('arn:x');
    expect(missing).toEqual(['RetentionPrefix', 'AlertTopicArn']);
  });
});
