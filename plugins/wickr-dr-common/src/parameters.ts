/**
 * The one source of truth for the deployment's parameters. The CloudFormation
 * template's Parameters, the scaffolder form and the actions' validation are all
 * checked against these definitions (see parameters.test.ts and the template tests).
 */

/** A parameter that reaches CloudFormation, with the constraints the console shows. */
export interface StackParameterDefinition {
  /** The CloudFormation parameter name. */
  readonly name: string;
  /** The form field and action input that carries it. */
  readonly field: string;
  readonly type: 'String' | 'Number';
  readonly title: string;
  readonly description: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly allowedValues?: readonly (string | number)[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly default?: string | number;
  /** The rule in words, for error messages. */
  readonly rule: string;
}

/**
 * Each constraint of a definition, with its name in a CloudFormation Parameters entry
 * and in a JSON Schema (the scaffolder form).
 */
export const CONSTRAINT_NAMES = [
  { rule: 'pattern', cloudFormation: 'AllowedPattern', jsonSchema: 'pattern' },
  { rule: 'minLength', cloudFormation: 'MinLength', jsonSchema: 'minLength' },
  { rule: 'maxLength', cloudFormation: 'MaxLength', jsonSchema: 'maxLength' },
  { rule: 'allowedValues', cloudFormation: 'AllowedValues', jsonSchema: 'enum' },
  { rule: 'minValue', cloudFormation: 'MinValue', jsonSchema: 'minimum' },
  { rule: 'maxValue', cloudFormation: 'MaxValue', jsonSchema: 'maximum' },
  { rule: 'default', cloudFormation: 'Default', jsonSchema: 'default' },
] as const;

/** A definition's constraints under the names of one format, unset ones left out. */
export function constraintsAs(
  def: StackParameterDefinition,
  format: 'cloudFormation' | 'jsonSchema',
): Record<string, unknown> {
  const entries = CONSTRAINT_NAMES.filter(c => def[c.rule] !== undefined).map(c => {
    const value = def[c.rule];
    return [c[format], Array.isArray(value) ? [...value] : value];
  });
  return Object.fromEntries(entries);
}

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, 3653,
] as const;

export const DEFAULT_BOT_IMAGE =
  'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud:6.66.01.00';

export const stackParameters = [
  {
    name: 'DeployName',
    field: 'deployName',
    type: 'String',
    title: 'Deployment name',
    description:
      'Names and tags every resource of the deployment; part of the bucket names.',
    pattern: '^[a-z]([a-z0-9-]{0,34}[a-z0-9])?$',
    minLength: 1,
    maxLength: 36,
    rule: '1 to 36 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (the bucket names built from it must fit 63 characters)',
  },
  {
    name: 'BotName',
    field: 'botName',
    type: 'String',
    title: 'Bot name',
    description:
      'The data-retention bot name from the Data Retention page of the Wickr admin console.',
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$',
    minLength: 1,
    maxLength: 128,
    rule: '1 to 128 letters, digits, underscores, dots and hyphens, starting with a letter or digit',
  },
  {
    name: 'BotImage',
    field: 'botImage',
    type: 'String',
    title: 'Bot image',
    description:
      'The bot container image with a tag or digest; 6.66.01.00 or later.',
    pattern:
      '^[a-z0-9][a-z0-9.-]*(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$',
    maxLength: 255,
    default: DEFAULT_BOT_IMAGE,
    rule: 'a registry/repository reference ending in :tag or @sha256:digest, at most 255 characters',
  },
  {
    name: 'FileRotateMins',
    field: 'fileRotateMins',
    type: 'Number',
    title: 'File rotation (minutes)',
    description:
      'Minutes between retention file rotations; each rotation uploads a file to S3.',
    minValue: 1,
    maxValue: 1440,
    default: 10,
    rule: 'a whole number of minutes from 1 to 1440',
  },
  {
    name: 'RetentionPrefix',
    field: 'retentionPrefix',
    type: 'String',
    title: 'Retention folder',
    description:
      'The folder (key prefix) in the retention bucket where the bot writes.',
    pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$',
    maxLength: 63,
    default: 'data-retention',
    rule: '1 to 63 letters, digits, underscores and hyphens, starting with a letter or digit',
  },
  {
    name: 'TaskSize',
    field: 'taskSize',
    type: 'String',
    title: 'Task size',
    description:
      'Fargate task size: small 0.5 vCPU/2 GiB, medium 1 vCPU/4 GiB, large 2 vCPU/8 GiB.',
    allowedValues: ['small', 'medium', 'large'],
    default: 'medium',
    rule: 'one of small, medium, large',
  },
  {
    name: 'ReadOnlyRootFilesystem',
    field: 'readOnlyRootFilesystem',
    type: 'String',
    title: 'Read-only root filesystem',
    description:
      'Run the container read-only; enable only after checking your image tag works with it.',
    allowedValues: ['true', 'false'],
    default: 'false',
    rule: 'true or false',
  },
  {
    name: 'VpcCidr',
    field: 'vpcCidr',
    type: 'String',
    title: 'VPC CIDR block',
    description: 'The IPv4 block of the new VPC, /16 to /22.',
    pattern:
      '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/(1[6-9]|2[0-2])$',
    default: '10.80.0.0/16',
    rule: 'an IPv4 CIDR block with a prefix length from 16 to 22',
  },
  {
    name: 'NatGateways',
    field: 'natGateways',
    type: 'String',
    title: 'NAT gateways',
    description:
      'One NAT gateway shared by both zones (cheaper) or one per zone (survives a zone failure).',
    allowedValues: ['shared', 'one-per-zone'],
    default: 'shared',
    rule: 'shared or one-per-zone',
  },
  {
    name: 'PrivateEndpoints',
    field: 'privateEndpoints',
    type: 'String',
    title: 'Interface VPC endpoints',
    description:
      'Keep AWS API traffic inside the VPC with interface endpoints (extra hourly cost).',
    allowedValues: ['true', 'false'],
    default: 'false',
    rule: 'true or false',
  },
  {
    name: 'LogRetentionDays',
    field: 'logRetentionDays',
    type: 'Number',
    title: 'Log retention (days)',
    description: 'Days to keep the bot log and the VPC flow log.',
    allowedValues: LOG_RETENTION_DAYS,
    default: 365,
    rule: `one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
  },
  {
    name: 'AccessLogArchiveDays',
    field: 'accessLogArchiveDays',
    type: 'Number',
    title: 'Archive access logs after (days)',
    description: 'Days before S3 access logs move to Glacier.',
    minValue: 30,
    maxValue: 3650,
    default: 180,
    rule: 'a whole number of days from 30 to 3650',
  },
  {
    name: 'AccessLogExpirationDays',
    field: 'accessLogExpirationDays',
    type: 'Number',
    title: 'Delete access logs after (days)',
    description:
      'Days before S3 access logs are deleted; more than the archive days.',
    minValue: 31,
    maxValue: 36500,
    default: 730,
    rule: 'a whole number of days from 31 to 36500, greater than accessLogArchiveDays',
  },
  {
    name: 'AlertEmail',
    field: 'alertEmail',
    type: 'String',
    title: 'Alert e-mail',
    description:
      'Optional address subscribed to the alarms; confirm the e-mail AWS sends.',
    pattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
    maxLength: 254,
    default: '',
    rule: 'empty, or an e-mail address of at most 254 characters',
  },
] as const satisfies readonly StackParameterDefinition[];

export type StackParameterName = (typeof stackParameters)[number]['name'];
export type DeploymentField = (typeof stackParameters)[number]['field'];

/** What identifies a deployment: an update keeps these and takes them from the stack. */
export const DEPLOYMENT_IDENTITY_FIELDS: readonly DeploymentField[] = ['deployName', 'botName'];

/** The parameters the update form edits: all but the deployment's identity. */
export const updatableParameters: readonly StackParameterDefinition[] = stackParameters.filter(
  def => !DEPLOYMENT_IDENTITY_FIELDS.includes(def.field),
);

/**
 * Set by the deploy engine, never by a form: the bot starts only after its
 * password is in the secret (see templates/wickr-dr-fargate/README.md).
 */
export const BOT_RUNNING_PARAMETER = 'BotRunning';

/** The Regions where AWS Wickr networks are hosted and the bot is meant to run. */
export const WICKR_REGIONS = [
  'us-east-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-west-2',
] as const;
export type WickrRegion = (typeof WICKR_REGIONS)[number];

/** Rules of the fields that do not reach the template as parameters. */
export const deploymentFieldRules = {
  stackName: {
    pattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$',
    maxLength: 128,
    rule: 'a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128 characters',
  },
  accountId: {
    pattern: '^[0-9]{12}$',
    rule: 'a 12-digit AWS account id',
  },
  networkId: {
    pattern: '^[0-9]{8}$',
    rule: 'an AWS Wickr network id: 8 digits',
  },
  region: {
    allowedValues: WICKR_REGIONS,
    rule: `one of the AWS Wickr Regions: ${WICKR_REGIONS.join(', ')}`,
  },
  changeSetId: {
    pattern: '^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:changeSet/[A-Za-z][-A-Za-z0-9]*/[-a-f0-9]+$',
    rule: 'the ARN of the change set the preview made',
  },
} as const;
