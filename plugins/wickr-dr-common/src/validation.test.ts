import { stackParameters } from './parameters';
import {
  assertValidDeployment,
  DeploymentValidationError,
  validateDeployment,
} from './validation';

/** A deployment that breaks no rule; tests change one field at a time. */
const validDeployment = {
  stackName: 'wickr-dr-prod',
  deployName: 'prod',
  botName: 'compliance_12345678_bot',
  region: 'us-east-1',
  accountId: '123456789012',
  fileRotateMins: 10,
  alertEmail: '',
};

const fieldsOf = (input: Record<string, unknown>) =>
  validateDeployment(input).map(i => i.field);

describe('validateDeployment', () => {
  it('accepts a valid deployment, filling the defaults', () => {
    expect(validateDeployment(validDeployment)).toEqual([]);
  });

  it.each([
    ['deployName', 'Prod', 'uppercase'],
    ['deployName', 'a'.repeat(37), '37 characters: the logging bucket name would pass 63'],
    ['deployName', 'prod-', 'a trailing hyphen'],
    ['deployName', '1prod', 'a leading digit'],
    ['botName', 'bot name', 'a space'],
    ['botName', '', 'nothing (required)'],
    ['botImage', 'wickr/bot', 'no tag'],
    ['fileRotateMins', 0, 'below 1'],
    ['fileRotateMins', 1441, 'above 1440'],
    ['fileRotateMins', 2.5, 'a fraction'],
    ['fileRotateMins', 'ten', 'not a number'],
    ['retentionPrefix', 'data/retention', 'a slash'],
    ['taskSize', 'huge', 'not an allowed value'],
    ['vpcCidr', '10.0.0.0/8', 'a prefix shorter than /16'],
    ['vpcCidr', '10.0.0.300/16', 'an octet over 255'],
    ['natGateways', 'none', 'not an allowed value'],
    ['logRetentionDays', 10, 'not a CloudWatch retention period'],
    ['accessLogArchiveDays', 29, 'below 30'],
    ['alertEmail', 'ops@', 'not an e-mail address'],
    ['stackName', '1-stack', 'a leading digit'],
    ['stackName', 'stack_name', 'an underscore'],
    ['region', 'eu-central-1', 'not a Wickr Region'],
    ['accountId', '12345', 'not 12 digits'],
  ])('rejects %s = %j (%s), naming the field and its rule', (field, value, _why) => {
    const issues = validateDeployment({ ...validDeployment, [field]: value });
    expect(issues.map(i => i.field)).toEqual([field]);
    expect(issues[0].message).toMatch(new RegExp(`^${field}: must be `));
    expect(issues[0].message.length).toBeGreaterThan(`${field}: must be `.length + 10);
  });

  it('accepts numbers given as decimal strings, as forms and YAML send them', () => {
    expect(fieldsOf({ ...validDeployment, fileRotateMins: '1440', logRetentionDays: '365' })).toEqual([]);
  });

  it('refuses access logs that would expire before they are archived', () => {
    const issues = validateDeployment({
      ...validDeployment,
      accessLogArchiveDays: 400,
      accessLogExpirationDays: 365,
    });
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'accessLogExpirationDays',
        message:
          'accessLogExpirationDays: must be greater than accessLogArchiveDays (400): logs cannot expire before they are archived',
      }),
    ]);
  });

  it('reports every broken field at once', () => {
    expect(fieldsOf({ deployName: 'X', region: 'mars-1' })).toEqual([
      'stackName',
      'region',
      'deployName',
      'botName',
    ]);
  });

  it('gives every parameter a rule in words for its error message', () => {
    for (const def of stackParameters) expect(def.rule.length).toBeGreaterThan(5);
  });
});

describe('assertValidDeployment', () => {
  it('throws one error listing each issue on its own line', () => {
    const broken = { ...validDeployment, deployName: 'X', taskSize: 'huge' };
    expect(() => assertValidDeployment(broken)).toThrow(DeploymentValidationError);
    const message = (() => {
      try {
        assertValidDeployment(broken);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message.split('\n')).toEqual([
      "The deployment's parameters are not valid:",
      expect.stringMatching(/^- deployName: must be 1 to 36 lowercase letters/),
      '- taskSize: must be one of small, medium, large',
    ]);
  });
});
