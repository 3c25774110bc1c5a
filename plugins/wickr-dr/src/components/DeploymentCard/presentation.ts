import type {
  DriftStatus,
  DriftSummary,
  StackState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** How good or bad a piece of state is, which picks its status indicator. */
export type Severity = 'ok' | 'warning' | 'error' | 'pending';

type StackCategory = StackState['category'];

const STACK_SEVERITY: Record<StackCategory, Severity> = {
  complete: 'ok',
  'in-progress': 'pending',
  'rolled-back': 'warning',
  'never-created': 'error',
  stuck: 'error',
  deleted: 'error',
  'not-found': 'error',
};

const STACK_HINTS: Record<StackCategory, string> = {
  complete: 'The last operation succeeded.',
  'in-progress':
    'An operation is running; wait for it to finish before deploying again.',
  'rolled-back':
    'The last update failed and was rolled back; the stack can be deployed again.',
  'never-created':
    'The stack was never created successfully; delete it and deploy again.',
  stuck:
    'A rollback or deletion failed; someone has to repair the stack in CloudFormation.',
  deleted: 'The stack has been deleted; the bot is not running.',
  'not-found':
    'The stack no longer exists in CloudFormation; the bot is not running.',
};

export const stackSeverity = (category: StackCategory): Severity =>
  STACK_SEVERITY[category];

export const stackHint = (category: StackCategory): string =>
  STACK_HINTS[category];

/** "1 resource", "2 resources". */
export const countOf = (n: number, noun: string): string =>
  `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A failed or incomplete check is never shown as good news. */
const DRIFT_SEVERITY: Record<DriftStatus, Severity> = {
  IN_SYNC: 'ok',
  DRIFTED: 'error',
  UNKNOWN: 'warning',
  CHECK_FAILED: 'error',
};

export const driftSeverity = (status: DriftStatus): Severity =>
  DRIFT_SEVERITY[status];

/** The drift headline: "In sync", "Drifted (2 resources)", "Unknown", "Check failed". */
export function driftHeadline(
  drift: Pick<DriftSummary, 'status' | 'driftedResources'>,
): string {
  switch (drift.status) {
    case 'IN_SYNC':
      return 'In sync';
    case 'DRIFTED':
      return `Drifted (${countOf(drift.driftedResources, 'resource')})`;
    case 'UNKNOWN':
      return 'Unknown';
    case 'CHECK_FAILED':
      return 'Check failed';
    default:
      // A status added to the backend before this card knows it.
      return String(drift.status);
  }
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "3 hours ago", "yesterday", "just now"; the ISO text itself if it is not a date. */
export function timeAgo(at: string, now: number = Date.now()): string {
  const time = new Date(at).getTime();
  if (Number.isNaN(time)) return at;
  const seconds = Math.round((time - now) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return 'just now';
}

const METRIC_LABELS: Record<string, string> = {
  Messages_Saved: 'Messages saved',
  Files_Saved_Bytes: 'Files saved',
  Login_Failures: 'Login failures',
  S3_Post_Errors: 'S3 upload errors',
};

export const metricLabel = (name: string): string =>
  METRIC_LABELS[name] ?? name.replace(/_/g, ' ');

/** Metrics that count things going wrong, so any non-zero total deserves attention. */
export const isFailureMetric = (name: string): boolean =>
  /_(Failures|Errors)$/.test(name);

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
const count = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${count.format(value)} ${BYTE_UNITS[unit]}`;
}

export const formatMetricValue = (name: string, value: number): string =>
  name.endsWith('_Bytes') ? formatBytes(value) : count.format(value);
