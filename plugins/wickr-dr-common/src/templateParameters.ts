import { CloudFormationTemplate } from './cloudformationYaml';
import {
  BOT_RUNNING_PARAMETER,
  CONSTRAINT_NAMES,
  constraintsAs,
  StackParameterDefinition,
  stackParameters,
} from './parameters';

/** The CloudFormation Parameters entry that a definition stands for. */
export function toTemplateParameter(def: StackParameterDefinition): Record<string, unknown> {
  return { Type: def.type, ...constraintsAs(def, 'cloudFormation') };
}

const CONSTRAINT_KEYS = ['Type', ...CONSTRAINT_NAMES.map(c => c.cloudFormation)];

/** CloudFormation reads numbers in constraints whether written as 5 or "5". */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Every difference between the template's Parameters and the definitions in
 * parameters.ts, one sentence each. Empty when the two agree exactly.
 */
export function templateParameterDifferences(template: CloudFormationTemplate): string[] {
  const declared = template.Parameters ?? {};
  const known = new Set<string>([BOT_RUNNING_PARAMETER, ...stackParameters.map(d => d.name)]);
  const differences = Object.keys(declared)
    .filter(name => !known.has(name))
    .map(name => `${name}: declared by the template but not defined in parameters.ts`);
  if (!declared[BOT_RUNNING_PARAMETER]) {
    differences.push(`${BOT_RUNNING_PARAMETER}: missing from the template`);
  }
  for (const def of stackParameters) {
    const actual = declared[def.name];
    if (!actual) {
      differences.push(`${def.name}: missing from the template`);
      continue;
    }
    const expected = toTemplateParameter(def);
    for (const key of CONSTRAINT_KEYS) {
      const [want, got] = [normalise(expected[key]), normalise(actual[key])];
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        differences.push(
          `${def.name}.${key}: template has ${JSON.stringify(got)}, parameters.ts has ${JSON.stringify(want)}`,
        );
      }
    }
  }
  return differences;
}
