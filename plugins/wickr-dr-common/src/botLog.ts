/**
 * Reading the bot's log: the password it generates at its first registration (printed under a
 * `GENERATED PASSWORD` banner) and whether its login worked. Pure: the caller reads the log
 * (with `unmask: true`, or the value is asterisks) and hands the events over.
 */

/** One log event (or one line of one). */
export interface BotLogLine {
  id: string;
  timestamp: number;
  message: string;
  stream?: string;
}

/** What a banner said: the generated password, or why it could not be read (never a guess). */
export type PasswordBanner =
  | {
      kind: 'password';
      value: string;
      bannerId: string;
      valueId: string;
      timestamp: number;
      stream?: string;
    }
  | {
      kind: 'unreadable';
      bannerId: string;
      timestamp: number;
      stream?: string;
      why: string;
    };

/**
 * The CloudWatch Logs filter pattern that finds banner lines (for FilterLogEvents). Only the word
 * GENERATED (terms are case-sensitive): the data protection policy masks from `PASSWORD` on when
 * the value shares the banner's line, so this finds the banner whether the filter sees the text
 * masked or not. Lines it finds that are no banner are ignored by {@link readPasswordBanners}.
 */
export const BANNER_FILTER_PATTERN = 'GENERATED';

/** Lines after a banner (rulers and banner text included) in which its value must appear. */
const VALUE_WINDOW = 8;
const MIN_LENGTH = 8;
const MAX_LENGTH = 128;

const BANNER = /GENERATED PASSWORD/;
/** A banner whose inline value was masked (from PASSWORD on): the log was read without `unmask`. */
const MASKED_BANNER = /GENERATED\s+\*{4}/;
const BANNER_TEXT =
  /^(?:DO NOT LOO?SE\b|YOU WILL NEED TO ENTER IT\b|TO START THE BOT\b)/i;
const SIGNING_KEY = /SIGNING KEY/i;
const RULER = /^\**$/;

interface TextLine {
  event: BotLogLine;
  /** The line without its `CONSOLE:` and `**** ` prefixes, trimmed. */
  text: string;
}

type LineKind = 'banner' | 'masked-banner' | 'filler' | 'signing-key' | 'other';

type ValueReading = { value: string } | { why: string };

/** Every banner in the lines, oldest first (lines may come in any order: sort by timestamp, then id). */
export function readPasswordBanners(lines: BotLogLine[]): PasswordBanner[] {
  const banners = [...byStream(uniqueEvents(lines)).values()].flatMap(events =>
    bannersIn(textLines(events)),
  );
  // Stable: banners of one event keep their order.
  return banners.sort(
    (a, b) => a.timestamp - b.timestamp || compareIds(a.bannerId, b.bannerId),
  );
}

/** The bot logged in (e.g. "Login successful"). */
export function isLoginSuccess(message: string): boolean {
  return (
    loginFailure(message) === undefined &&
    /\b(?:log(?:in|on) (?:successful|succeeded)|logged (?:in|on) successfully)\b/i.test(
      message,
    )
  );
}

const LOGIN_FAILURES: Array<[RegExp, string]> = [
  [
    /\bpassword\b.*\bexpired\b|\bexpired password\b/i,
    'the bot reported an expired password',
  ],
  [
    /\b(?:wrong|incorrect|invalid|bad) password\b|\bpassword\b.*\b(?:wrong|incorrect|invalid|rejected|refused|not accepted|mismatch)\b/i,
    'the bot reported a wrong or rejected password',
  ],
  [
    /\blog(?:in|on)[ -](?:failed|failure|unsuccessful|rejected|denied|error)\b|\bfailed to log ?(?:in|on)\b|\bauthentication failed\b/i,
    'the bot reported a failed login',
  ],
  [
    /\bregistration (?:failed|failure|rejected|unsuccessful)\b|\bfailed to register\b/i,
    'the bot reported a failed registration',
  ],
];

/** A failure to get through at all: it says nothing about the password. */
const NOT_THE_PASSWORD =
  /\b(?:reach|connect(?:ion)?|network|timed? ?out|timeout|unavailable|unreachable|ECONN\w*|ENOTFOUND|EAI_AGAIN|DNS|offline|proxy|TLS|SSL)\b/i;

/**
 * Why a line says the login failed (wrong/rejected/expired password, login failure), or
 * undefined. A login that failed because the server could not be reached is not a
 * refused password, so it is not one.
 */
export function loginFailure(message: string): string | undefined {
  if (NOT_THE_PASSWORD.test(message)) return undefined;
  return LOGIN_FAILURES.find(([pattern]) => pattern.test(message))?.[1];
}

function uniqueEvents(lines: BotLogLine[]): BotLogLine[] {
  const seen = new Set<string>();
  return lines.filter(line => {
    const key = JSON.stringify([
      line.stream,
      line.id,
      line.timestamp,
      line.message,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A banner's value is read from its own stream only: two tasks' lines may interleave. */
function byStream(lines: BotLogLine[]): Map<string | undefined, BotLogLine[]> {
  const streams = new Map<string | undefined, BotLogLine[]>();
  for (const line of lines) {
    streams.set(line.stream, [...(streams.get(line.stream) ?? []), line]);
  }
  return streams;
}

function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length; // numeric ids of different lengths
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function textLines(events: BotLogLine[]): TextLine[] {
  return [...events]
    .sort((a, b) => a.timestamp - b.timestamp || compareIds(a.id, b.id))
    .flatMap(event =>
      event.message
        .split(/\r?\n/)
        .map(line => ({ event, text: withoutPrefixes(line) })),
    );
}

function withoutPrefixes(line: string): string {
  let text = line.trim();
  for (;;) {
    const next = text
      .replace(/^CONSOLE:/, '')
      .replace(/^\*+\s/, '')
      .trim();
    if (next === text) return text;
    text = next;
  }
}

function kindOf(text: string): LineKind {
  if (BANNER.test(text)) return 'banner';
  if (MASKED_BANNER.test(text)) return 'masked-banner';
  if (RULER.test(text) || BANNER_TEXT.test(text)) return 'filler';
  if (SIGNING_KEY.test(text)) return 'signing-key';
  return 'other';
}

function bannersIn(lines: TextLine[]): PasswordBanner[] {
  const banners: PasswordBanner[] = [];
  lines.forEach((line, at) => {
    const kind = kindOf(line.text);
    if (kind === 'banner') banners.push(readBanner(lines, at));
    if (kind === 'masked-banner') {
      banners.push(
        unreadable(line, 'the banner line is masked: read the log with unmask'),
      );
    }
  });
  return banners;
}

function readBanner(lines: TextLine[], at: number): PasswordBanner {
  const banner = lines[at];
  const inline = inlineValueText(banner.text);
  if (inline !== undefined) {
    return fromReading(
      banner,
      banner,
      readValue(inline),
      'the value on the banner line',
    );
  }
  const window = lines.slice(at + 1, at + 1 + VALUE_WINDOW);
  const candidate = window.find(line => kindOf(line.text) !== 'filler');
  if (!candidate) {
    return unreadable(
      banner,
      window.length < VALUE_WINDOW
        ? `the log ends ${window.length} lines after the banner with no value (it may not have arrived yet)`
        : `no value within the ${VALUE_WINDOW} lines after the banner (a value read without unmask is asterisks, like a ruler)`,
    );
  }
  switch (kindOf(candidate.text)) {
    case 'banner':
    case 'masked-banner':
      return unreadable(banner, 'another banner follows before any value');
    case 'signing-key':
      return unreadable(
        banner,
        'the signing key block follows before any value',
      );
    default:
      return fromReading(
        banner,
        candidate,
        readValue(candidate.text),
        'the line after the banner',
      );
  }
}

/** What follows `GENERATED PASSWORD` on its own line, or undefined when nothing but `:` or `*` does. */
function inlineValueText(bannerText: string): string | undefined {
  const rest = bannerText.slice(
    bannerText.search(BANNER) + 'GENERATED PASSWORD'.length,
  );
  const value = rest.replace(/^[\s:]+/, '').trim();
  return RULER.test(value) ? undefined : value;
}

function readValue(text: string): ValueReading {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length !== 1)
    return { why: `it holds ${words.length} words, not one value` };
  const value = unquoted(words[0]);
  if (value.includes('"'))
    return { why: 'its double quotes do not enclose one value' };
  if (/^\*{2,}/.test(value)) {
    return {
      why: 'it starts with asterisks (a masked value, or a ruler run into it)',
    };
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    return { why: 'it holds characters that are not printable ASCII' };
  }
  if (value.length < MIN_LENGTH || value.length > MAX_LENGTH) {
    return {
      why: `it is ${value.length} characters long; a generated password has ${MIN_LENGTH} to ${MAX_LENGTH}`,
    };
  }
  if (/^[0-9a-f]+$/i.test(value)) {
    return { why: 'it is only hexadecimal digits, like the signing key block' };
  }
  return { value };
}

function unquoted(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"')
    ? word.slice(1, -1)
    : word;
}

function fromReading(
  banner: TextLine,
  valueLine: TextLine,
  reading: ValueReading,
  where: string,
): PasswordBanner {
  if ('why' in reading)
    return unreadable(banner, `${where} is not a password: ${reading.why}`);
  return {
    kind: 'password',
    value: reading.value,
    bannerId: banner.event.id,
    valueId: valueLine.event.id,
    timestamp: banner.event.timestamp,
    ...streamOf(banner),
  };
}

function unreadable(banner: TextLine, why: string): PasswordBanner {
  return {
    kind: 'unreadable',
    bannerId: banner.event.id,
    timestamp: banner.event.timestamp,
    ...streamOf(banner),
    why,
  };
}

function streamOf(line: TextLine): { stream?: string } {
  return line.event.stream === undefined ? {} : { stream: line.event.stream };
}
