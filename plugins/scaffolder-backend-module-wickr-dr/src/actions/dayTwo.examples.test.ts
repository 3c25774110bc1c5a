// The day-two actions' examples, as the scaffolder checks a step: each input valid against its
// action's input schema with the validator the scaffolder uses (jsonschema).
import { Validator } from 'jsonschema';
import { parse } from 'yaml';
import { deploymentFieldRules } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { createApplyUpdateAction } from './applyUpdate';
import { createPreviewUpdateAction } from './previewUpdate';
import { createResolveDeploymentAction } from './resolveDeployment';
import { createSetBotRunningAction } from './setBotRunning';
import { createTeardownAction } from './teardown';

const actions = [
  createResolveDeploymentAction({} as any),
  createPreviewUpdateAction({} as any),
  createApplyUpdateAction({} as any),
  createSetBotRunningAction({} as any),
  createTeardownAction({} as any),
];

describe.each(actions.map(action => [action.id, action] as const))('%s examples', (id, action) => {
  const validator = new Validator();
  const steps = action.examples!.flatMap(example => parse(example.example).steps.map((step: any) => [example.description, step] as const));

  it('has examples', () => expect(steps.length).toBeGreaterThan(0));

  it.each(steps)('%s: a valid step of this action', (_, step) => {
    expect(step.action).toBe(id);
    expect(validator.validate(step.input, action.schema!.input as any).errors.map(e => e.stack)).toEqual([]);
    expect(step.input.deployment).toMatch(/^resource:default\/[a-z][a-z0-9-]*-\d{12}-[a-z]{2}[a-z]*\d$/);
    const changeSetIds = step.input.changeSetId === undefined ? [] : [step.input.changeSetId];
    changeSetIds.forEach((changeSetId: string) => expect(changeSetId).toMatch(new RegExp(deploymentFieldRules.changeSetId.pattern)));
  });

  it('refuses a step without the deployment', () => {
    const { deployment: _ignored, ...input } = steps[0][1].input;
    expect(validator.validate(input, action.schema!.input as any).errors.map(e => e.stack)).toContain('instance requires property "deployment"');
  });
});
