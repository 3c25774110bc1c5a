import {
  deploymentFieldRules,
  StackParameterDefinition,
  stackParameters,
} from './parameters';

/** One broken rule: which field, which rule, and a sentence for the user. */
export interface ValidationIssue {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** The deployment's inputs, as a form or an action receives them. */
export type DeploymentInput = Record<string, unknown>;

/** Thrown by {@link assertValidDeployment}; its message lists every issue, one per line. */
export class DeploymentValidationError extends Error {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(
      `The deployment's parameters are not valid:\n${issues
        .map(i => `- ${i.message}`)
        .join('\n')}`,
    );
    this.name = 'DeploymentValidationError';
    this.issues = issues;
  }
}

const issue = (field: string, rule: string): ValidationIssue => ({
  field,
  rule,
  message: `${field}: must be ${rule}`,
});

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A whole number, given as a number or as decimal digits; undefined otherwise. */
export function toWholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function checkString(def: StackParameterDefinition, value: unknown) {
  if (typeof value !== 'string') return issue(def.field, def.rule);
  const tooShort = def.minLength !== undefined && value.length < def.minLength;
  const tooLong = def.maxLength !== undefined && value.length > def.maxLength;
  const mismatch = def.pattern !== undefined && !new RegExp(def.pattern).test(value);
  const notAllowed =
    def.allowedValues !== undefined && !def.allowedValues.includes(value);
  return tooShort || tooLong || mismatch || notAllowed
    ? issue(def.field, def.rule)
    : undefined;
}

function checkNumber(def: StackParameterDefinition, value: unknown) {
  const n = toWholeNumber(value);
  const broken =
    n === undefined ||
    (def.minValue !== undefined && n < def.minValue) ||
    (def.maxValue !== undefined && n > def.maxValue) ||
    (def.allowedValues !== undefined && !def.allowedValues.includes(n));
  return broken ? issue(def.field, def.rule) : undefined;
}

function checkParameter(def: StackParameterDefinition, input: DeploymentInput) {
  const value = input[def.field];
  if (isBlank(value)) {
    return def.default === undefined ? issue(def.field, `given: ${def.rule}`) : undefined;
  }
  return def.type === 'Number' ? checkNumber(def, value) : checkString(def, value);
}

function checkOtherFields(input: DeploymentInput): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { stackName, accountId, region, networkId } = deploymentFieldRules;
  if (typeof input.stackName !== 'string' || !new RegExp(stackName.pattern).test(input.stackName)) {
    issues.push(issue('stackName', stackName.rule));
  }
  if (!isBlank(input.accountId) && !new RegExp(accountId.pattern).test(String(input.accountId))) {
    issues.push(issue('accountId', accountId.rule));
  }
  if (!(region.allowedValues as readonly unknown[]).includes(input.region)) {
    issues.push(issue('region', region.rule));
  }
  if (!isBlank(input.networkId) && !new RegExp(networkId.pattern).test(String(input.networkId))) {
    issues.push(issue('networkId', networkId.rule));
  }
  return issues;
}

function checkAccessLogDays(input: DeploymentInput): ValidationIssue[] {
  const archive = toWholeNumber(input.accessLogArchiveDays ?? 180);
  const expire = toWholeNumber(input.accessLogExpirationDays ?? 730);
  if (archive === undefined || expire === undefined || expire > archive) return [];
  return [
    issue(
      'accessLogExpirationDays',
      `greater than accessLogArchiveDays (${archive}): logs cannot expire before they are archived`,
    ),
  ];
}

/** Every rule the template parameters of a deployment break (the fields that become parameters). */
export function validateDeploymentParameters(input: DeploymentInput): ValidationIssue[] {
  const parameterIssues = stackParameters
    .map(def => checkParameter(def, input))
    .filter((i): i is ValidationIssue => i !== undefined);
  return [
    ...parameterIssues,
    ...(parameterIssues.some(i => i.field.startsWith('accessLog'))
      ? []
      : checkAccessLogDays(input)),
  ];
}

/**
 * Every rule the deployment breaks, checked without any AWS call. An empty list
 * means CloudFormation will accept the parameters.
 */
export function validateDeployment(input: DeploymentInput): ValidationIssue[] {
  return [...checkOtherFields(input), ...validateDeploymentParameters(input)];
}

/** Throws a {@link DeploymentValidationError} naming every broken rule. */
export function assertValidDeployment(input: DeploymentInput): void {
  const issues = validateDeployment(input);
  if (issues.length > 0) throw new DeploymentValidationError(issues);
}
