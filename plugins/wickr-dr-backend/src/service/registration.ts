import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BotLogLine, isLoginSuccess, PasswordBanner, RegistrationState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { describeSecret, loginFailureSince, newestBanner, readBotSecret } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { latest, LOOK_OVERLAP_MS } from '../keeper/nextRecord';
import type { KeeperRecord } from '../keeper/RegistrationStore';

const DAY = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

interface BotLog {
  logs: CloudWatchLogsClient;
  secrets: SecretsManagerClient;
  logGroupName: string;
  secretId: string;
}

/** A banner the log holds, with the lines of its stream from it on. */
type ReadBanner = { banner: PasswordBanner; lines: BotLogLine[] };

function loginAfter({ banner, lines }: ReadBanner): number | undefined {
  return lines.find(l => l.timestamp >= banner.timestamp && l.id !== banner.bannerId && isLoginSuccess(l.message))
    ?.timestamp;
}

/**
 * Where the live look starts. The keeper has read the log up to its last look, and
 * remembers the newest banner before it; a banner older than the secret's last change
 * was answered. Without the keeper's record, the whole log.
 */
function liveSince(record: KeeperRecord | undefined, secretChangedAt: number): number {
  if (record?.lastLookAt === undefined) return 0;
  return Math.max(secretChangedAt, record.lastLookAt - LOOK_OVERLAP_MS);
}

/** A banner the keeper has not stored, printed after the secret last changed: the secret holds a spent password. */
function unansweredBanner(
  newest: ReadBanner | undefined,
  record: KeeperRecord | undefined,
  secretChangedAt: number,
): RegistrationState | undefined {
  const handled = record?.status === 'registered' ? record.lastBannerId : undefined;
  if (newest && newest.banner.bannerId !== handled && newest.banner.timestamp > secretChangedAt) {
    const { banner } = newest;
    const printedAt = iso(banner.timestamp);
    if (banner.kind === 'unreadable') return { status: 'unreadable', reason: `printed at ${printedAt}: ${banner.why}` };
    return {
      status: 'spent',
      reason: `the bot printed a new password at ${printedAt}, after the secret last changed (${iso(secretChangedAt)}); the password keeper stores it at its next run`,
    };
  }
  if (!newest && record?.status === 'unreadable' && (record.lastBannerAt ?? 0) > secretChangedAt) {
    return { status: 'unreadable', reason: `printed at ${iso(record.lastBannerAt!)}: ${record.reason}` };
  }
  return undefined;
}

/**
 * Whether a banner that looks unanswered was stored after all (by the deployment task, or
 * within the secret's timestamp resolution, which some emulators keep in whole seconds):
 * one GetSecretValue, compared here and never returned.
 */
async function storedAlready(log: BotLog, newest: ReadBanner | undefined, unanswered: RegistrationState): Promise<boolean> {
  if (unanswered.status !== 'spent' || newest?.banner.kind !== 'password') return false;
  const current = await readBotSecret(log.secrets, log.secretId);
  return current?.password === newest.banner.value;
}

/**
 * The bot's registration, read live where it must be: the secret's last change
 * (DescribeSecret), the newest banner since the keeper's last look (one FilterLogEvents
 * call, and one GetLogEvents of its stream when there is one) and login failures since the secret
 * changed or the bot last logged in, within a day (one FilterLogEvents call). The rest
 * comes from the keeper's record.
 */
export async function readRegistration(log: BotLog, record: KeeperRecord | undefined, now: number): Promise<RegistrationState> {
  const secret = await describeSecret(log.secrets, log.secretId);
  const secretChangedAt = secret.LastChangedDate?.getTime() ?? 0;
  const newest = await newestBanner(log.logs, log.logGroupName, liveSince(record, secretChangedAt));
  const unanswered = unansweredBanner(newest, record, secretChangedAt);
  if (unanswered && !(await storedAlready(log, newest, unanswered))) return unanswered;

  const lastLoginAt = latest(record?.lastLoginAt, newest && loginAfter(newest));
  const failure = await loginFailureSince(
    log.logs,
    log.logGroupName,
    latest(secretChangedAt, lastLoginAt, now - DAY)! + 1,
  );
  if (failure) {
    return {
      status: 'spent',
      reason: `the bot's login failed at ${iso(failure.at)} (${failure.why}), after the secret last changed (${iso(secretChangedAt)})`,
      ...(lastLoginAt !== undefined && { lastLoginAt: iso(lastLoginAt) }),
    };
  }
  // A banner older than the secret's last change was answered, by the keeper or by hand.
  if (!newest && record?.lastBannerAt === undefined) return { status: 'waiting' };
  const handledAt = record?.status === 'registered' ? record.lastBannerAt : undefined;
  const passwordFrom = newest?.banner.kind === 'password' ? newest.banner.timestamp : handledAt;
  return {
    status: 'registered',
    ...(passwordFrom !== undefined && { passwordFrom: iso(passwordFrom) }),
    ...(lastLoginAt !== undefined && { lastLoginAt: iso(lastLoginAt) }),
  };
}
