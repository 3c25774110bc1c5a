import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DEPLOYMENT_TAG,
  deploymentEntity,
  discoveryLocation,
  OWNER_TAG,
  type DeploymentState,
  type DriftReport,
  type DriftResult,
  type DriftSummary,
  type MetricSeries,
  type OperationRecord,
  type RegistrationState,
  type Section,
  type WickrBotState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { ResponseError } from '@backstage/errors';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const STACK_NAME = 'wickr-dr-acme';
const STACK_ARN = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/0f3e1c20-5a4b-11ef-9d2a-0a1b2c3d4e5f`;

/** The catalog entity of the "acme" deployment, as the catalog module builds it. */
export const acmeEntity = deploymentEntity(
  {
    stackArn: STACK_ARN,
    stackName: STACK_NAME,
    tags: { [DEPLOYMENT_TAG]: 'acme' },
    outputs: {
      BotLogGroupName: '/wickr-dr/acme/bot',
      ClusterName: 'wickr-dr-acme',
      ServiceName: 'wickr-dr-acme-bot',
      RetentionBucketName: `wickr-dr-acme-retention-${ACCOUNT}`,
      RetentionPrefix: 'messages/',
      AccessLogBucketName: `wickr-dr-acme-access-logs-${ACCOUNT}`,
      BotSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:wickr-dr/acme/bot-AbCdEf`,
      AlertTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:wickr-dr-acme-alerts`,
    },
  },
  {
    location: discoveryLocation({ accountId: ACCOUNT, region: REGION }),
    defaultOwner: 'group:default/platform',
  },
);

/** Another team's deployment, in the same account and region. */
export const betaEntity = deploymentEntity(
  {
    stackArn: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/wickr-dr-beta/5b1c2d3e-5a4b-11ef-9d2a-0a1b2c3d4e5f`,
    stackName: 'wickr-dr-beta',
    tags: { [DEPLOYMENT_TAG]: 'beta', [OWNER_TAG]: 'group:default/beta-team' },
    outputs: {},
  },
  {
    location: discoveryLocation({ accountId: ACCOUNT, region: REGION }),
    defaultOwner: 'group:default/platform',
  },
);

const CHECKED_AT = new Date(Date.now() - 2 * 60_000);

function hourly(name: string, values: number[]): MetricSeries {
  const firstHour = CHECKED_AT.getTime() - values.length * 3_600_000;
  return {
    name,
    total: values.reduce((sum, value) => sum + value, 0),
    points: values.map((value, hour) => ({
      at: new Date(firstHour + hour * 3_600_000).toISOString(),
      value,
    })),
  };
}

/** Busy from 08:00 to 18:00, quiet otherwise. */
const workingDay = (busy: number, quiet: number) =>
  Array.from({ length: 24 }, (_, hour) =>
    hour >= 8 && hour < 18 ? busy : quiet,
  );

/** Four series over 24 hours: 1,234 messages, 52.4 MB of files, no failures. */
export const healthyMetrics: MetricSeries[] = [
  hourly('Messages_Saved', workingDay(122, 1)),
  hourly('Files_Saved_Bytes', workingDay(5_240_000, 0)),
  hourly('Login_Failures', Array(24).fill(0)),
  hourly('S3_Post_Errors', Array(24).fill(0)),
];

export const LAST_LOGIN_AT = new Date(
  CHECKED_AT.getTime() - 2 * 3_600_000,
).toISOString();

/** The bot registered three hours ago, its secret holds the password it generated, and it last logged in two hours ago. */
export function registeredBot(): RegistrationState {
  return {
    status: 'registered',
    passwordFrom: new Date(CHECKED_AT.getTime() - 3 * 3_600_000).toISOString(),
    lastLoginAt: LAST_LOGIN_AT,
    loginFailuresLastHour: 0,
  };
}

export const SPENT_REASON =
  'the bot printed a new password at 2026-12-01T10:00:00.000Z, after the secret last changed (2026-11-30T09:00:00.000Z); the password keeper stores it at its next run';

/** The bot printed a new password the secret does not hold yet, and failed to log in since. */
export function spentBot(): RegistrationState {
  return { status: 'spent', reason: SPENT_REASON, loginFailuresLastHour: 4 };
}

/** UPDATE_COMPLETE, 1/1 tasks, none of 6 alarms firing, the bot registered. */
export function healthyState(): DeploymentState {
  return {
    entityRef: stringifyEntityRef(acmeEntity),
    checkedAt: CHECKED_AT.toISOString(),
    stack: {
      name: STACK_NAME,
      arn: STACK_ARN,
      status: 'UPDATE_COMPLETE',
      category: 'complete',
      lastOperation: {
        kind: 'UPDATE',
        at: new Date(CHECKED_AT.getTime() - 3 * 3_600_000).toISOString(),
      },
      outputs: {
        ClusterName: 'wickr-dr-acme',
        ServiceName: 'wickr-dr-acme-bot',
      },
    },
    service: {
      value: {
        cluster: 'wickr-dr-acme',
        service: 'wickr-dr-acme-bot',
        desired: 1,
        running: 1,
        pending: 0,
      },
    },
    alarms: { value: { total: 6, inAlarm: [] } },
    metrics: { value: healthyMetrics },
    drift: null,
    registration: { value: registeredBot() },
  };
}

export const ROLLBACK_REASON =
  'The following resource(s) failed to update: [BotService].';
export const NOT_RUNNING_ALARM = 'wickr-dr-acme-bot-not-running';
export const NOT_RUNNING_REASON =
  'Threshold Crossed: 1 datapoint [0.0] was less than the threshold (1.0).';

/** A failed update rolled back, and the bot's only task is not running. */
export function failedState(): DeploymentState {
  const healthy = healthyState();
  return {
    ...healthy,
    stack: {
      ...healthy.stack,
      status: 'UPDATE_ROLLBACK_COMPLETE',
      category: 'rolled-back',
      reason: ROLLBACK_REASON,
      lastOperation: { kind: 'ROLLBACK', at: healthy.checkedAt },
    },
    service: {
      value: {
        cluster: 'wickr-dr-acme',
        service: 'wickr-dr-acme-bot',
        desired: 1,
        running: 0,
        pending: 1,
      },
    },
    alarms: {
      value: {
        total: 6,
        inAlarm: [
          {
            name: NOT_RUNNING_ALARM,
            reason: NOT_RUNNING_REASON,
            since: healthy.checkedAt,
          },
        ],
      },
    },
  };
}

/** A backend refusal as `WickrDrClient` throws it, with Backstage's error body. */
export function responseError(
  status: number,
  statusText: string,
  error: { name: string; message: string },
): Promise<ResponseError> {
  const body = JSON.stringify({ error, response: { statusCode: status } });
  return ResponseError.fromResponse(
    new Response(body, {
      status,
      statusText,
      headers: { 'Content-Type': 'application/json' },
    }),
  );
}

export const DRIFT_CHECKED_AT = new Date(
  CHECKED_AT.getTime() - 5 * 60_000,
).toISOString();

export const ECS_CONTROLLER_REASON =
  'ECS reads back the default deployment controller it adds';
export const RUNTIME_PLATFORM_REASON =
  'ECS reads back the runtime platform it defaults';

/**
 * Two resources drifted (the service scaled down by hand, the alert topic deleted),
 * differences a rule suppresses, and resources CloudFormation cannot check.
 */
export function driftedResult(): DriftResult {
  return {
    status: 'DRIFTED',
    driftedResources: 2,
    checkedAt: DRIFT_CHECKED_AT,
    reused: false,
    resources: [
      {
        logicalId: 'BotService',
        type: 'AWS::ECS::Service',
        physicalId:
          'arn:aws:ecs:eu-west-1:123456789012:service/wickr-dr-acme/wickr-dr-acme-bot',
        status: 'MODIFIED',
        differences: [
          {
            path: '/DesiredCount',
            expected: '1',
            actual: '0',
            kind: 'NOT_EQUAL',
          },
          {
            path: '/DeploymentController/Type',
            actual: 'ECS',
            kind: 'ADD',
            suppressedBy: ECS_CONTROLLER_REASON,
          },
        ],
      },
      {
        logicalId: 'AlertTopic',
        type: 'AWS::SNS::Topic',
        status: 'DELETED',
        differences: [],
      },
      {
        logicalId: 'BotTaskDefinition',
        type: 'AWS::ECS::TaskDefinition',
        status: 'MODIFIED',
        differences: [
          {
            path: '/RuntimePlatform/OperatingSystemFamily',
            actual: 'LINUX',
            kind: 'ADD',
            suppressedBy: RUNTIME_PLATFORM_REASON,
          },
        ],
      },
      {
        logicalId: 'RetentionBucket',
        type: 'AWS::S3::Bucket',
        status: 'IN_SYNC',
        differences: [],
      },
      {
        logicalId: 'BotLogGroup',
        type: 'AWS::Logs::LogGroup',
        status: 'NOT_CHECKED',
        differences: [],
      },
      {
        logicalId: 'ServiceScalingTarget',
        type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        status: 'NOT_CHECKED',
        differences: [],
      },
    ],
  };
}

/** Every resource checked and none drifted. */
export function inSyncResult(): DriftResult {
  return {
    status: 'IN_SYNC',
    driftedResources: 0,
    checkedAt: DRIFT_CHECKED_AT,
    reused: false,
    resources: [
      {
        logicalId: 'BotService',
        type: 'AWS::ECS::Service',
        status: 'IN_SYNC',
        differences: [],
      },
    ],
  };
}

/** A check without its resources, as the state carries it. */
export function summaryOf(result: DriftResult): DriftSummary {
  const { resources: _resources, ...summary } = result;
  return summary;
}

/** What GET .../drift answers after the given check. */
export function reportOf(result: DriftResult): DriftReport {
  return { latest: result, history: [summaryOf(result)] };
}

/** The healthy state with the given drift check as its latest one. */
export function stateWithDrift(result: DriftResult | null): DeploymentState {
  return { ...healthyState(), drift: result && summaryOf(result) };
}

/** The healthy state with the given registration row. */
export function stateWithRegistration(
  registration: Section<RegistrationState>,
): DeploymentState {
  return { ...healthyState(), registration };
}

/** The acme bot in its Premium network, registered (the console's green mark), retention off. */
export function wickrBot(): WickrBotState {
  return {
    networkId: '12345678',
    networkName: 'Acme',
    accessLevel: 'PREMIUM',
    botName: 'acme_compliance_bot',
    botExists: true,
    registered: true,
    active: true,
    retentionEnabled: false,
    publicKeyAcknowledged: true,
  };
}

/** The healthy state with the given Wickr row. */
export function stateWithWickr(
  wickr: Section<WickrBotState | null>,
): DeploymentState {
  return { ...healthyState(), wickr };
}

/** The acme stack's parameters as DescribeStacks answers them: every value text, BotRunning included. */
export const ACME_PARAMETERS: Record<string, string> = {
  DeployName: 'acme',
  BotName: 'acme_compliance_bot',
  BotImage: 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud:6.66.01.00',
  FileRotateMins: '15',
  RetentionPrefix: 'messages',
  TaskSize: 'large',
  ReadOnlyRootFilesystem: 'true',
  VpcCidr: '10.80.0.0/16',
  NatGateways: 'one-per-zone',
  PrivateEndpoints: 'false',
  LogRetentionDays: '365',
  AccessLogArchiveDays: '180',
  AccessLogExpirationDays: '730',
  AlertEmail: 'ops@example.com',
  BotRunning: 'true',
};

/** ACME_PARAMETERS as the update form's starting values: what it edits, under its field names. */
export const ACME_UPDATE_FORM_VALUES = {
  botImage:
    'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud:6.66.01.00',
  fileRotateMins: 15,
  retentionPrefix: 'messages',
  taskSize: 'large',
  readOnlyRootFilesystem: 'true',
  vpcCidr: '10.80.0.0/16',
  natGateways: 'one-per-zone',
  privateEndpoints: 'false',
  logRetentionDays: 365,
  accessLogArchiveDays: 180,
  accessLogExpirationDays: 730,
  alertEmail: 'ops@example.com',
};

/** The healthy state with the stack's current parameters (none: undefined). */
export function stateWithParameters(
  parameters: Record<string, string> | undefined,
): DeploymentState {
  const healthy = healthyState();
  return { ...healthy, stack: { ...healthy.stack, parameters } };
}

export const TASK_ID = '5f0e2c1a-9b7d-4e3f-8a6b-1c2d3e4f5a6b';

/** The acme deployment's latest operations, newest first, as GET .../operations answers them. */
export function operationRecords(): OperationRecord[] {
  const entityRef = stringifyEntityRef(acmeEntity);
  const ago = (minutes: number) =>
    new Date(CHECKED_AT.getTime() - minutes * 60_000).toISOString();
  return [
    {
      entityRef,
      operation: 'apply',
      by: 'user:default/alice',
      at: ago(5),
      outcome: 'failed',
      detail: 'UPDATE_ROLLBACK_COMPLETE: BotService failed to stabilise',
      taskId: TASK_ID,
    },
    {
      entityRef,
      operation: 'preview',
      by: 'user:default/alice',
      at: ago(30),
      outcome: 'succeeded',
      detail: '2 resources to change, none replaced',
    },
    {
      entityRef,
      operation: 'stop',
      by: 'user:ops/bob',
      at: ago(24 * 60),
      outcome: 'started',
    },
  ];
}
