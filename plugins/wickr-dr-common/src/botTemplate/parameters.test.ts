import { stackParameters } from '../parameters';
import { templateParameterDifferences } from '../templateParameters';
import { parseCloudFormationTemplate } from '../cloudformationYaml';
import { loadBotTemplate, readBotTemplateText } from '../__testUtils__/botTemplateFile';

// One source of truth: the template's Parameters must equal parameters.ts, which the
// form and the actions validate with.
describe('the template parameters', () => {
  it('match the definitions in parameters.ts exactly', () => {
    expect(templateParameterDifferences(loadBotTemplate())).toEqual([]);
  });

  it('each have a Description the console shows', () => {
    const declared = loadBotTemplate().Parameters!;
    for (const def of stackParameters) {
      expect(declared[def.name].Description).toEqual(expect.any(String));
    }
  });

  it.each([
    ['AllowedPattern: ^[a-z]([a-z0-9-]{0,34}[a-z0-9])?$', 'AllowedPattern: ^[a-z0-9-]+$', 'DeployName.AllowedPattern'],
    ['MaxLength: 36', 'MaxLength: 40', 'DeployName.MaxLength'],
    ['MinValue: 1\n', 'MinValue: 0\n', 'FileRotateMins.MinValue'],
    ['      - one-per-zone', '      - one-per-zone\n      - none', 'NatGateways.AllowedValues'],
  ])('a change to the template (%s) is caught', (from, to, where) => {
    const text = readBotTemplateText();
    expect(text).toContain(from);
    const differences = templateParameterDifferences(parseCloudFormationTemplate(text.replace(from, to)));
    expect(differences.join('\n')).toContain(where);
  });

  it('has no parameter for a password, and the bot-running switch defaults to off', () => {
    const declared = loadBotTemplate().Parameters!;
    expect(Object.keys(declared).filter(n => /pw|pass|secret/i.test(n))).toEqual([]);
    expect(declared.BotRunning).toMatchObject({ AllowedValues: ['true', 'false'], Default: 'false' });
  });
});
