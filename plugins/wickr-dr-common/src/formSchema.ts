import {
  CONSTRAINT_NAMES,
  constraintsAs,
  deploymentFieldRules,
  StackParameterDefinition,
} from './parameters';

/** The JSON Schema constraints a form field must carry for a parameter. */
export function formFieldConstraints(def: StackParameterDefinition): Record<string, unknown> {
  return { type: def.type === 'Number' ? 'integer' : 'string', ...constraintsAs(def, 'jsonSchema') };
}

/** The same, for the fields that are not template parameters. */
export const otherFormFieldConstraints: Record<string, Record<string, unknown>> = {
  stackName: {
    type: 'string',
    pattern: deploymentFieldRules.stackName.pattern,
    maxLength: deploymentFieldRules.stackName.maxLength,
  },
  region: { type: 'string', enum: [...deploymentFieldRules.region.allowedValues] },
  accountId: { type: 'string', pattern: deploymentFieldRules.accountId.pattern },
  networkId: { type: 'string', pattern: deploymentFieldRules.networkId.pattern },
};

const CONSTRAINT_KEYS = ['type', ...CONSTRAINT_NAMES.map(c => c.jsonSchema)];

/** Differences between a form field's schema and the constraints it must carry, one sentence each. */
export function formFieldDifferences(
  field: string,
  schema: Record<string, unknown>,
  expected: Record<string, unknown>,
): string[] {
  return CONSTRAINT_KEYS.filter(
    key => JSON.stringify(schema[key]) !== JSON.stringify(expected[key]),
  ).map(
    key => `${field}.${key}: the form has ${JSON.stringify(schema[key])}, the rules say ${JSON.stringify(expected[key])}`,
  );
}
