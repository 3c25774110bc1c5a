import {
  formFieldConstraints,
  formFieldDifferences,
  otherFormFieldConstraints,
  StackParameterDefinition,
  stackParameters,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { formFields, loadWickrTemplate } from '../__testUtils__/wickrTemplate';

// One source of truth: the form validates with the rules of parameters.ts, which the
// actions and the CloudFormation template use too.
describe('the Wickr template form', () => {
  const template = loadWickrTemplate();
  const fields = formFields(template);

  it.each((stackParameters as readonly StackParameterDefinition[]).map(def => [def.field, def] as const))(
    'gives %s the constraints of its template parameter',
    (field, def) => {
      expect(fields[field]).toBeDefined();
      expect(formFieldDifferences(field, fields[field], formFieldConstraints(def))).toEqual([]);
    },
  );

  it.each(Object.entries(otherFormFieldConstraints))('gives %s its rule', (field, expected) => {
    const { default: _ignored, ...schema } = fields[field];
    expect(formFieldDifferences(field, schema, expected)).toEqual([]);
  });

  it('notices a form field that drifts from the rules', () => {
    const drifted = { ...fields.deployName, maxLength: 40 };
    const def = stackParameters.find(d => d.field === 'deployName')!;
    expect(formFieldDifferences('deployName', drifted, formFieldConstraints(def))).toEqual([
      'deployName.maxLength: the form has 40, the rules say 36',
    ]);
  });

  it('asks for the password only in a Secret field, which no step reads as a parameter', () => {
    expect(fields.botPassword['ui:field']).toBe('Secret');
    // Steps may name the task secret (passwordSecret: botPassword); none may read it as a value.
    expect(JSON.stringify(template.spec.steps)).not.toMatch(/(parameters|secrets)\.botPassword/);
  });

  it('passes every form field to the render step, the bot name through the prepare step', () => {
    const render = template.spec.steps.find((s: any) => s.action === 'wickr-dr:deployment:render');
    const prepare = template.spec.steps.find((s: any) => s.action === 'wickr-dr:bot:prepare');
    for (const def of stackParameters.filter(d => d.field !== 'botName')) {
      expect([def.field, render.input[def.field]]).toEqual([def.field, `\${{ parameters.${def.field} }}`]);
    }
    expect(render.input.botName).toBe('${{ steps.prepare.output.botName }}');
    expect(prepare.input.botName).toBe('${{ parameters.botName }}');
    expect(render.input.networkId).toBe('${{ steps.prepare.output.networkId }}');
  });

  it('offers two ways to the bot: through the Wickr admin API (the default, with the network picker) or from the admin console', () => {
    const botPage = template.spec.parameters.find((p: any) => p.title === 'The bot');
    expect(botPage.properties.passwordSource).toMatchObject({ enum: ['wickr-api', 'admin-console'], default: 'wickr-api' });
    const [api, console] = botPage.dependencies.passwordSource.oneOf;
    expect(api.required).toEqual(['networkId']);
    expect(api.properties.networkId['ui:field']).toBe('WickrDrNetworkPicker');
    expect(api.properties.enableRetention).toMatchObject({ type: 'boolean', default: true });
    expect(Object.keys(api.properties)).not.toContain('botPassword');
    expect(console.required).toEqual(['botName']);
    expect(console.properties.botPassword['ui:field']).toBe('Secret');
    const pages = template.spec.parameters.map((p: any) => p.title);
    expect(pages.indexOf('AWS')).toBeLessThan(pages.indexOf('The bot'));
  });

  it('deploys with the bot stopped, puts the secret, starts the bot, keeps the password it generates, then registers it', () => {
    expect(template.spec.steps.map((s: any) => [s.action, s.input.botRunning])).toEqual([
      ['fetch:plain', undefined],
      ['wickr-dr:bot:prepare', undefined],
      ['wickr-dr:deployment:render', undefined],
      ['wickr-dr:stack:deploy', 'keep'],
      ['wickr-dr:bot:put-secret', undefined],
      ['wickr-dr:stack:deploy', 'true'],
      ['wickr-dr:bot:await-registration', undefined],
      ['wickr-dr:bot:set-retention', undefined],
      ['wickr-dr:catalog:register', undefined],
    ]);
  });

  it('turns data retention on only in the Wickr admin API way, and only when the form says so', () => {
    const retention = template.spec.steps.find((s: any) => s.action === 'wickr-dr:bot:set-retention');
    expect(retention.if).toBe("${{ parameters.passwordSource == 'wickr-api' and parameters.enableRetention }}");
    expect(retention.input.networkId).toBe('${{ steps.prepare.output.networkId }}');
  });

  it("replaces the bot's password only when the form says so, off by default", () => {
    const field = formFields(template).replacePassword;
    expect(field).toMatchObject({ type: 'boolean', default: false });
    const secret = template.spec.steps.find((s: any) => s.action === 'wickr-dr:bot:put-secret');
    expect(secret.input.replacePassword).toBe('${{ parameters.replacePassword }}');
  });

  it('restarts a bot already running when put-secret wrote a new initial password, so that it reads it', () => {
    const start = template.spec.steps.find((s: any) => s.id === 'start');
    expect(start).toMatchObject({ action: 'wickr-dr:stack:deploy', input: { botRunning: 'true' } });
    expect(start.input.restartBotIfUnchanged).toBe("${{ steps.secret.output.password == 'initial' }}");
    expect(template.spec.steps.find((s: any) => s.action === 'wickr-dr:bot:put-secret').id).toBe('secret');
  });
});
