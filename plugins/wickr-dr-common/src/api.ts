import type { DriftResult } from './drift';
import type { StackOutputs } from './stackOutputs';
import type { StackStatusCategory } from './stackStatus';

/** A drift check without its resources, for lists and the card's headline. */
export type DriftSummary = Omit<DriftResult, 'resources'>;

/** What GET .../drift answers: the latest check in full, and the history. */
export interface DriftReport {
  latest: DriftResult | null;
  history: DriftSummary[];
}

/** One part of the live state: its value, or why it could not be read. */
export type Section<T> = { value: T } | { error: string };

export interface StackState {
  name: string;
  arn: string;
  /** The CloudFormation status, or NOT_FOUND when the stack is gone. */
  status: string;
  category: StackStatusCategory | 'not-found';
  reason?: string;
  /** The last operation (CREATE, UPDATE, DELETE, ROLLBACK, IMPORT) and when it started. */
  lastOperation?: { kind: string; at: string };
  outputs: StackOutputs;
  /** The stack's current parameter values, for the day-two forms' starting values. */
  parameters?: Record<string, string>;
}

export interface ServiceState {
  cluster: string;
  service: string;
  desired: number;
  running: number;
  pending: number;
}

export interface AlarmsState {
  total: number;
  inAlarm: Array<{ name: string; reason?: string; since?: string }>;
}

/** The bot's key metrics shown on the card. */
export const KEY_METRICS = ['Messages_Saved', 'Files_Saved_Bytes', 'Login_Failures', 'S3_Post_Errors'] as const;

export interface MetricSeries {
  name: string;
  /** Sum over the 24 hours. */
  total: number;
  /** Hourly sums, oldest first. */
  points: Array<{ at: string; value: number }>;
}

/** What GET /api/wickr-dr/v1/deployments/:namespace/:name/state answers. */
export interface DeploymentState {
  entityRef: string;
  checkedAt: string;
  stack: StackState;
  service: Section<ServiceState | null>;
  alarms: Section<AlarmsState>;
  metrics: Section<MetricSeries[]>;
  /** The latest drift check, without its resources; null before the first one. */
  drift: DriftSummary | null;
  /** Whether the bot registered and its secret holds the password it generated. */
  registration: Section<RegistrationState>;
  /** The bot in its AWS Wickr network, from the Wickr admin API; null when the stack names no network. */
  wickr?: Section<WickrBotState | null>;
}

/**
 * The bot's password lifecycle as the portal sees it:
 * `registered`: the secret holds the password the bot generated (and it logged in with it);
 * `waiting`: the bot has not printed a password yet, so it has not registered (waiting for the first login);
 * `spent`: the bot printed a password newer than the secret, or refused its password: the secret
 *   holds a spent one, and the bot's next start fails until it is repaired;
 * `unreadable`: the bot printed a password the portal could not read (never guessed).
 */
export type RegistrationStatus = 'registered' | 'waiting' | 'spent' | 'unreadable';

export interface RegistrationState {
  status: RegistrationStatus;
  /** When the bot printed the password the secret holds (ISO 8601). */
  passwordFrom?: string;
  /** The bot's last login the portal saw (ISO 8601). */
  lastLoginAt?: string;
  /** Failed logins of the last hour (the bot's Login_Failures metric). */
  loginFailuresLastHour?: number;
  /** Why, in words, for spent and unreadable. */
  reason?: string;
}

/** The data-retention bot as the Wickr admin API reports it (GetNetwork, GetDataRetentionBot). */
export interface WickrBotState {
  networkId: string;
  networkName?: string;
  /** STANDARD or PREMIUM. */
  accessLevel?: string;
  botName?: string;
  /** Every flag may be unknown (the API answers each member optionally). */
  botExists?: boolean;
  /** The admin console's green mark. */
  registered?: boolean;
  active?: boolean;
  /** The admin console's "Data Retention" switch. */
  retentionEnabled?: boolean;
  publicKeyAcknowledged?: boolean;
}

/** The day-two operations a deployment's page launches, each its own scaffolder template. */
export const DAY_TWO_TEMPLATES = {
  update: 'wickr-dr-update',
  apply: 'wickr-dr-apply',
  running: 'wickr-dr-bot-running',
  teardown: 'wickr-dr-teardown',
} as const;

export type OperationKind = 'deploy' | 'preview' | 'apply' | 'stop' | 'start' | 'teardown' | 'retention';

/** The longest detail a record keeps, in characters. */
export const MAX_OPERATION_DETAIL_LENGTH = 500;

/** Line breaks and every other control character, the Unicode line and paragraph separators too. */
export const NOT_ONE_LINE = /\p{Cc}|[\u2028\u2029]/u;

/**
 * A record's detail from a message: its first line, any other control character as a
 * space, cut to MAX_OPERATION_DETAIL_LENGTH characters (whole code points).
 */
export function operationDetail(message: string): string {
  const firstLine = message.split(/\r\n|[\n\r\u2028\u2029]/u)[0];
  const spaced = firstLine.replace(new RegExp(NOT_ONE_LINE.source, 'gu'), ' ').trim();
  return [...spaced].slice(0, MAX_OPERATION_DETAIL_LENGTH).join('');
}

/** Who did what to a deployment and when, as the plugin database keeps it. */
export interface OperationRecord {
  entityRef: string;
  operation: OperationKind;
  /** The user's entity ref, as the scaffolder task's initiator. */
  by: string;
  /** When it was recorded (ISO 8601). */
  at: string;
  outcome: 'started' | 'succeeded' | 'failed';
  /** One line: what changed, or why it failed. Never a secret. */
  detail?: string;
  /** The scaffolder task, for its log. */
  taskId?: string;
}
