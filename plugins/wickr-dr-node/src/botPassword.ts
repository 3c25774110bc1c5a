import { createHash } from 'node:crypto';
import {
  CloudWatchLogsClient,
  FilteredLogEvent,
  GetLogEventsCommand,
  OutputLogEvent,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  BANNER_FILTER_PATTERN,
  BotConfig,
  BotLogLine,
  isLoginSuccess,
  loginFailure,
  PasswordBanner,
  readPasswordBanners,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { describeSecret, readBotSecret, writeBotSecret } from './secretsManager';

/** The lines read after a banner: enough for the banner, its value and the login that follows. */
const LINES_AFTER_BANNER = 200;
/** FilterLogEvents can answer a long log in many pages: read at most this many per look. */
const MAX_FILTER_PAGES = 20;

/** Where one bot's password lives: its log group, its secret and the configuration beside the password. */
export interface BotPasswordTarget {
  logGroupName: string;
  secretId: string;
  /** The rest of the secret's value (bucket, folder, topic): asked only when a password is stored. */
  config: () => Promise<BotConfig> | BotConfig;
}

/** What a look at the log found and did. The value is never part of it. */
export type CaptureOutcome =
  | { outcome: 'captured'; bannerAt: number; bannerId: string; loggedInAt?: number }
  | { outcome: 'already-stored'; bannerAt: number; bannerId: string; loggedInAt?: number }
  | { outcome: 'unreadable'; bannerAt: number; bannerId: string; why: string }
  | { outcome: 'no-banner'; loginFailure?: { at: number; why: string } };

/**
 * A log line with an id that stays the same on every read: FilterLogEvents' event id, or
 * for GetLogEvents (which gives none) one made of the stream, the time and the text, so
 * that the capture token and the last handled banner recognise an event again.
 */
function toLine(stream: string | undefined) {
  return (e: FilteredLogEvent | OutputLogEvent): BotLogLine => {
    const logStream = (e as FilteredLogEvent).logStreamName ?? stream;
    const id =
      (e as FilteredLogEvent).eventId ??
      createHash('sha256').update(`${logStream}\n${e.timestamp}\n${e.message}`).digest('hex').slice(0, 32);
    return { id, timestamp: e.timestamp ?? 0, message: e.message ?? '', stream: logStream };
  };
}

/** The banner lines of a log group since a time, unmasked, oldest first. */
export async function bannerLines(logs: CloudWatchLogsClient, logGroupName: string, since: number): Promise<BotLogLine[]> {
  const found: FilteredLogEvent[] = [];
  let pages = 0;
  for await (const page of paginateFilterLogEvents(
    { client: logs },
    { logGroupName, startTime: since, filterPattern: BANNER_FILTER_PATTERN, unmask: true },
  )) {
    found.push(...(page.events ?? []));
    if (++pages >= MAX_FILTER_PAGES) break;
  }
  return found.map(toLine(undefined)).sort((a, b) => a.timestamp - b.timestamp);
}

/** The lines of a stream from a time on, unmasked. */
export async function streamLinesFrom(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  stream: string,
  from: number,
): Promise<BotLogLine[]> {
  const { events = [] } = await logs.send(
    new GetLogEventsCommand({ logGroupName, logStreamName: stream, startTime: from, startFromHead: true, limit: LINES_AFTER_BANNER, unmask: true }),
  );
  return events.map(toLine(stream));
}

/**
 * The newest banner since a time, read from the lines of its own stream that follow it.
 * A line that merely holds the filter's word and reads as no banner is passed over for
 * the one before it.
 */
export async function newestBanner(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  since: number,
): Promise<{ banner: PasswordBanner; lines: BotLogLine[] } | undefined> {
  const candidates = await bannerLines(logs, logGroupName, since);
  for (const candidate of candidates.reverse()) {
    const lines = await streamLinesFrom(logs, logGroupName, candidate.stream ?? '', candidate.timestamp);
    const [banner] = readPasswordBanners(lines);
    if (banner) return { banner, lines };
  }
  return undefined;
}

/** Every banner since a time, oldest first, each read from the lines of its own stream that follow it. */
export async function readBannersSince(logs: CloudWatchLogsClient, logGroupName: string, since: number) {
  const read: Array<{ banner: PasswordBanner; lines: BotLogLine[] }> = [];
  const seen = new Set<string>();
  for (const candidate of await bannerLines(logs, logGroupName, since)) {
    if (seen.has(candidate.id)) continue;
    const lines = await streamLinesFrom(logs, logGroupName, candidate.stream ?? '', candidate.timestamp);
    lines.forEach(l => seen.add(l.id));
    seen.add(candidate.id);
    for (const banner of readPasswordBanners(lines)) {
      if (!read.some(r => r.banner.bannerId === banner.bannerId)) read.push({ banner, lines });
    }
  }
  return read.sort((a, b) => a.banner.timestamp - b.banner.timestamp);
}

/** The first login after a banner, in the same stream. */
function loginAfter(lines: BotLogLine[], banner: PasswordBanner): number | undefined {
  return lines.find(l => l.timestamp >= banner.timestamp && l.id !== banner.bannerId && isLoginSuccess(l.message))?.timestamp;
}

/**
 * The token of the secret write for a banner: derived from the log event that printed
 * the value and from the secret's state it replaces, so that writing the same capture
 * again stores nothing new, while a repair of a secret that changed since is a new write
 * (Secrets Manager ignores a second write with the same token and value).
 */
export function captureToken(secretId: string, valueEventId: string, secretChangedAt: number): string {
  return createHash('sha256').update(`${secretId}\n${valueEventId}\n${secretChangedAt}`).digest('hex');
}

/**
 * Looks at a bot's log for the newest generated-password banner since a time and, if it
 * was printed after the secret last changed, stores its value as the secret's new
 * current version (the previous one stays AWSPREVIOUS). A look that finds no banner
 * costs one FilterLogEvents call; a banner already handled (`knownBannerId`) one more
 * read of its stream. Reads with `unmask: true`, so the portal's role needs logs:Unmask
 * on the bot's log group. Never returns or logs the value.
 */
export async function captureGeneratedPassword(
  clients: { logs: CloudWatchLogsClient; secrets: SecretsManagerClient },
  target: BotPasswordTarget,
  options: {
    since?: number;
    knownBannerId?: string;
    /**
     * A repair: store the newest banner's value even if the secret changed after it, once
     * the bot refused the secret's password since that change (the secret holds a spent one).
     */
    repair?: boolean;
    /**
     * Count a banner printed before the secret last changed as stored only when the secret
     * holds its value (stored before this look, by the keeper say); else as no banner.
     */
    olderByValue?: boolean;
  } = {},
): Promise<CaptureOutcome> {
  const newest = await newestBanner(clients.logs, target.logGroupName, options.since ?? 0);
  if (!newest) return { outcome: 'no-banner' };
  const { banner, lines } = newest;
  if (banner.kind === 'unreadable') {
    return { outcome: 'unreadable', bannerAt: banner.timestamp, bannerId: banner.bannerId, why: banner.why };
  }
  const loggedInAt = loginAfter(lines, banner);
  const handled = { outcome: 'already-stored' as const, bannerAt: banner.timestamp, bannerId: banner.bannerId, loggedInAt };
  if (banner.bannerId === options.knownBannerId) return handled;
  const secret = await describeSecret(clients.secrets, target.secretId);
  const changedAt = secret.LastChangedDate?.getTime() ?? 0;
  const older = banner.timestamp < changedAt;
  const refused = older && options.repair && (await loginFailureSince(clients.logs, target.logGroupName, changedAt));
  if (older && !refused && !options.olderByValue) return handled;
  const current = await readBotSecret(clients.secrets, target.secretId);
  if (current?.password === banner.value) return handled;
  // An older banner whose value the secret does not hold was answered by a later change.
  if (older && !refused) return { outcome: 'no-banner' };
  await writeBotSecret(
    clients.secrets,
    target.secretId,
    { ...(await target.config()), password: banner.value },
    captureToken(target.secretId, banner.valueId, changedAt),
  );
  return { outcome: 'captured', bannerAt: banner.timestamp, bannerId: banner.bannerId, loggedInAt };
}

/** Lines that may say how a login went; isLoginSuccess and loginFailure decide. */
const LOGIN_FILTER_PATTERN = '?login ?Login ?LOGIN';

/** The first login failure the bot logged since a time, or undefined. */
export async function loginFailureSince(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  since: number,
): Promise<{ at: number; why: string } | undefined> {
  let pages = 0;
  for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName, startTime: since, filterPattern: `${LOGIN_FILTER_PATTERN} ?password ?Password` })) {
    for (const event of page.events ?? []) {
      const why = loginFailure(event.message ?? '');
      if (why) return { at: event.timestamp ?? 0, why };
    }
    if (++pages >= MAX_FILTER_PAGES) break;
  }
  return undefined;
}

/** When the bot first logged in since a time, or undefined. */
export async function loggedInSince(logs: CloudWatchLogsClient, logGroupName: string, since: number): Promise<number | undefined> {
  let pages = 0;
  for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName, startTime: since, filterPattern: LOGIN_FILTER_PATTERN })) {
    const login = (page.events ?? []).find(e => isLoginSuccess(e.message ?? ''));
    if (login) return login.timestamp;
    if (++pages >= MAX_FILTER_PAGES) break;
  }
  return undefined;
}
