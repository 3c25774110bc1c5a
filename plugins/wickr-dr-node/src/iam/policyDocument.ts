/** The subset of the IAM policy grammar the portal's policy uses: Allow statements only. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
const RESOURCE = /^(\*|arn:[^:\s]+:[a-z0-9-*]+:[^:\s]*:[^:\s]*:\S+)$/;
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Condition']);
/** Condition operators the document may use (with the ForAllValues:/ForAnyValue: set qualifiers). */
const OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'ArnEquals', 'ArnLike', 'Null', 'Bool']);
/** The largest managed policy IAM accepts, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** What makes `document` other than a valid Allow-only IAM policy, one line each. */
export function policyProblems(document: unknown): string[] {
  if (!isObject(document)) return ['the policy is not a JSON object'];
  const problems: string[] = [];
  const extraKeys = Object.keys(document).filter(k => k !== 'Version' && k !== 'Statement');
  if (extraKeys.length) problems.push(`the policy has keys other than Version and Statement: ${extraKeys.join(', ')}`);
  if (document.Version !== '2012-10-17') problems.push(`Version is ${JSON.stringify(document.Version)}, not "2012-10-17"`);
  if (!Array.isArray(document.Statement) || document.Statement.length === 0) {
    return [...problems, 'Statement is not a non-empty array'];
  }
  const sids = new Set<string>();
  document.Statement.forEach((statement: unknown, i: number) => {
    problems.push(...statementProblems(statement, `Statement[${i}]`, sids));
  });
  return problems;
}

function statementProblems(statement: unknown, at: string, sids: Set<string>): string[] {
  if (!isObject(statement)) return [`${at} is not an object`];
  const problems: string[] = [];
  const name = typeof statement.Sid === 'string' ? `${at} (${statement.Sid})` : at;
  const extraKeys = Object.keys(statement).filter(k => !STATEMENT_KEYS.has(k));
  if (extraKeys.length) problems.push(`${name} has keys the portal's policy does not use: ${extraKeys.join(', ')}`);
  if (typeof statement.Sid !== 'string' || !/^[A-Za-z0-9]+$/.test(statement.Sid)) {
    problems.push(`${name}: Sid must be letters and digits only`);
  } else if (sids.has(statement.Sid)) {
    problems.push(`${name}: Sid ${statement.Sid} is used twice`);
  } else sids.add(statement.Sid);
  if (statement.Effect !== 'Allow') problems.push(`${name}: Effect must be "Allow"`);
  problems.push(...stringsProblems(statement.Action, ACTION, `${name}: Action`, 'service:Action'));
  problems.push(...stringsProblems(statement.Resource, RESOURCE, `${name}: Resource`, '"*" or an ARN'));
  if (statement.Condition !== undefined) problems.push(...conditionProblems(statement.Condition, name));
  return problems;
}

function stringsProblems(value: unknown, form: RegExp, at: string, formName: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || value === undefined) return [`${at} is missing`];
  return list
    .filter(item => typeof item !== 'string' || !form.test(item))
    .map(item => `${at} ${JSON.stringify(item)} is not of the form ${formName}`);
}

function conditionProblems(condition: unknown, at: string): string[] {
  if (!isObject(condition)) return [`${at}: Condition is not an object`];
  return Object.entries(condition).flatMap(([operator, keys]) => {
    const bare = operator.replace(/^(ForAllValues|ForAnyValue):/, '');
    if (!OPERATORS.has(bare)) return [`${at}: unknown condition operator ${operator}`];
    if (!isObject(keys) || Object.keys(keys).length === 0) return [`${at}: ${operator} has no condition keys`];
    return Object.entries(keys)
      .filter(([, v]) => !(typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every(s => typeof s === 'string'))))
      .map(([key]) => `${at}: ${operator} ${key} must be a string or a list of strings`);
  });
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An IAM wildcard pattern (`*` any run, `?` one character) as a case-insensitive RegExp, as IAM matches actions. */
export function wildcardPattern(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function actionMatches(pattern: string, action: string): boolean {
  return wildcardPattern(pattern).test(action);
}

/** The statements that allow `action` (under whatever resources and conditions they carry). */
export function statementsAllowing(policy: PolicyDocument, action: string): PolicyStatement[] {
  return policy.Statement.filter(s => asList(s.Action).some(pattern => actionMatches(pattern, action)));
}

/** The policy as IAM counts its size: JSON without whitespace. */
export function policySize(policy: PolicyDocument): number {
  return JSON.stringify(policy).length;
}
