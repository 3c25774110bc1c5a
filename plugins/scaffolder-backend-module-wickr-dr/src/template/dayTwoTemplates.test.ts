// The day-two templates a deployment's page opens: their forms hold the rules of
// parameters.ts, and their steps hand the deployment to the actions that check it.
import fs from 'node:fs';
import path from 'node:path';
import {
  DAY_TWO_TEMPLATES,
  DEPLOYMENT_IDENTITY_FIELDS,
  deploymentFieldRules,
  formFieldConstraints,
  formFieldDifferences,
  updatableParameters,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { formFields, loadTemplate, TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';

const IDENTITY_FIELDS: readonly string[] = DEPLOYMENT_IDENTITY_FIELDS;
const editable = updatableParameters;

describe.each(Object.values(DAY_TWO_TEMPLATES))('the day-two template %s', name => {
  const template = loadTemplate(name);
  const fields = formFields(template);

  it('is named as the entity page links to it, and is an operation rather than a new deployment', () => {
    expect(template.metadata.name).toBe(name);
    expect(template.spec.type).toBe('wickr-data-retention-operation');
  });

  it('picks only a catalog deployment, required, and hands its ref to every action that reads it', () => {
    expect(fields.deployment).toMatchObject({
      'ui:field': 'EntityPicker',
      'ui:options': { catalogFilter: { kind: 'Resource', 'spec.type': 'wickr-data-retention' }, allowArbitraryValues: false },
    });
    expect(template.spec.parameters[0].required).toContain('deployment');
    const readers = template.spec.steps.filter((s: any) => s.input.deployment !== undefined);
    expect(readers.length).toBeGreaterThan(0);
    readers.forEach((s: any) => expect(s.input.deployment).toBe('${{ parameters.deployment }}'));
  });
});

describe('the update template', () => {
  const template = loadTemplate(DAY_TWO_TEMPLATES.update);
  const fields = formFields(template);

  it.each(editable.map(def => [def.field, def] as const))('gives %s the constraints of its template parameter', (field, def) => {
    expect(fields[field]).toBeDefined();
    expect(formFieldDifferences(field, fields[field], formFieldConstraints(def))).toEqual([]);
  });

  it("does not offer to change what identifies the deployment: its name, account, Region, bot or network", () => {
    for (const field of [...IDENTITY_FIELDS, 'stackName', 'accountId', 'region', 'networkId', 'botPassword']) {
      expect([field, fields[field]]).toEqual([field, undefined]);
    }
  });

  it('renders with the stack’s identity as resolved from the entity and the edited values from the form, then only previews', () => {
    expect(template.spec.steps.map((s: any) => s.action)).toEqual([
      'wickr-dr:deployment:resolve',
      'fetch:plain',
      'wickr-dr:deployment:render',
      'wickr-dr:stack:preview',
    ]);
    const render = template.spec.steps.find((s: any) => s.action === 'wickr-dr:deployment:render');
    for (const def of editable) expect([def.field, render.input[def.field]]).toEqual([def.field, `\${{ parameters.${def.field} }}`]);
    for (const field of [...IDENTITY_FIELDS, 'stackName', 'accountId', 'region', 'networkId', 'owner', 'system']) {
      expect([field, render.input[field]]).toEqual([field, `\${{ steps.resolve.output.${field} }}`]);
    }
  });

  it('fetches the same CloudFormation template the deployments were made from', () => {
    const fetch = template.spec.steps.find((s: any) => s.action === 'fetch:plain');
    const folder = path.resolve(TEMPLATE_DIR, '..', DAY_TWO_TEMPLATES.update, fetch.input.url);
    expect(folder).toBe(path.join(TEMPLATE_DIR, 'cloudformation'));
    expect(fs.existsSync(path.join(folder, 'wickr-dr-bot.yaml'))).toBe(true);
  });

  it('links the preview to applying exactly its change set', () => {
    expect(template.spec.output.links[0].url).toBe('${{ steps.preview.output.applyUrl }}');
  });
});

describe('the apply template', () => {
  const template = loadTemplate(DAY_TWO_TEMPLATES.apply);
  const fields = formFields(template);

  it('takes the change set as the preview linked it, read-only and checked by the same rule as the action', () => {
    expect(fields.changeSetId).toMatchObject({ type: 'string', pattern: deploymentFieldRules.changeSetId.pattern, 'ui:readonly': true });
    expect(fields.losses['ui:readonly']).toBe(true);
    expect(template.spec.parameters[0].required).toEqual(['deployment', 'changeSetId']);
  });

  it('accepts no stateful loss unless the box is ticked', () => {
    expect(fields.acceptLoss).toMatchObject({ type: 'boolean', default: false });
    const [apply] = template.spec.steps;
    expect(apply).toMatchObject({
      action: 'wickr-dr:stack:apply',
      input: { changeSetId: '${{ parameters.changeSetId }}', losses: '${{ parameters.losses }}', acceptLoss: '${{ parameters.acceptLoss }}' },
    });
  });
});

describe('the bot running template', () => {
  const template = loadTemplate(DAY_TWO_TEMPLATES.running);

  it('waits for the bot to log in only after a start', () => {
    expect(template.spec.steps.map((s: any) => [s.action, s.if])).toEqual([
      ['wickr-dr:bot:set-running', undefined],
      ['wickr-dr:bot:await-registration', '${{ parameters.running }}'],
    ]);
    const wait = template.spec.steps[1];
    for (const field of ['stackName', 'region', 'accountId']) expect(wait.input[field]).toBe(`\${{ steps.running.output.${field} }}`);
  });
});

describe('the teardown template', () => {
  const template = loadTemplate(DAY_TWO_TEMPLATES.teardown);
  const fields = formFields(template);

  it('keeps the data unless the user picks deleting everything, and asks for the typed name with no default', () => {
    expect(template.spec.parameters[0].properties.mode).toMatchObject({ enum: ['keep-data', 'delete-everything'], default: 'keep-data' });
    expect(template.spec.parameters[0].required).toEqual(expect.arrayContaining(['deployment', 'confirmName', 'mode']));
    expect(fields.confirmName.default).toBeUndefined();
  });

  it('offers deleting the bot and the secret’s recovery window only with delete-everything', () => {
    const [keep, everything] = template.spec.parameters[0].dependencies.mode.oneOf;
    expect(Object.keys(keep.properties)).toEqual(['mode']);
    expect(everything.properties.deleteBot).toMatchObject({ type: 'boolean', default: false });
    expect(everything.properties.secretRecoveryDays).toMatchObject({ minimum: 7, maximum: 30, default: 30 });
  });

  it('hands the typed name to the action, which compares it', () => {
    expect(template.spec.steps[0]).toMatchObject({
      action: 'wickr-dr:deployment:teardown',
      input: { confirmName: '${{ parameters.confirmName }}', mode: '${{ parameters.mode }}' },
    });
  });
});
