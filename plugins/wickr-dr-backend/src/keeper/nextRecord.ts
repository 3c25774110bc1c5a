import type { CaptureOutcome } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import type { KeeperRecord } from './RegistrationStore';

/**
 * How far before its last look the keeper starts reading a log again: CloudWatch Logs
 * filters by the time the bot wrote a line, which can arrive a little later.
 */
export const LOOK_OVERLAP_MS = 2 * 60_000;

/**
 * A banner this young whose value cannot be read is read again at the next look: its value
 * line may not have arrived yet. An older one stays unreadable until the bot prints another.
 */
export const UNREADABLE_RETRY_MS = 10 * 60_000;

/** Where the next look at a log starts: undefined reads it from the beginning. */
export function nextSince(record: KeeperRecord | undefined): number | undefined {
  return record?.lastLookAt === undefined ? undefined : record.lastLookAt - LOOK_OVERLAP_MS;
}

/**
 * The banner the keeper handled last, to skip the secret calls when the look finds it
 * again. Only a handled one: an unreadable banner whose value arrives later must be read.
 */
export function knownBannerId(record: KeeperRecord | undefined): string | undefined {
  return record?.status === 'registered' ? record.lastBannerId : undefined;
}

/** The latest of the times that are known. */
export function latest(...times: Array<number | undefined>): number | undefined {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

/** What the keeper remembers after a look that started at `lookedAt` and ended at `now`. */
export function nextRecord(
  previous: KeeperRecord | undefined,
  outcome: CaptureOutcome,
  lookedAt: number,
  now: number,
): KeeperRecord {
  switch (outcome.outcome) {
    case 'no-banner':
      return { ...previous, status: previous?.status ?? 'waiting', lastLookAt: lookedAt };
    case 'unreadable': {
      const retry = now - outcome.bannerAt < UNREADABLE_RETRY_MS;
      return {
        ...previous,
        status: 'unreadable',
        reason: outcome.why,
        lastBannerId: outcome.bannerId,
        lastBannerAt: outcome.bannerAt,
        lastLookAt: retry ? previous?.lastLookAt : lookedAt,
      };
    }
    case 'captured':
    case 'already-stored':
      return {
        ...previous,
        status: 'registered',
        reason: undefined,
        lastBannerId: outcome.bannerId,
        lastBannerAt: outcome.bannerAt,
        lastLoginAt: latest(previous?.lastLoginAt, outcome.loggedInAt),
        lastLookAt: lookedAt,
        ...(outcome.outcome === 'captured' && { passwordStoredAt: now }),
      };
    default:
      throw new Error(`unknown capture outcome ${JSON.stringify(outcome)}`);
  }
}
