import { BANNER_FILTER_PATTERN, readPasswordBanners } from '../botLog';
import { loadBotTemplate } from '../__testUtils__/botTemplateFile';
import {
  BANNER_TEXT_LINES,
  botLogLines,
  ORDINARY_BOT_LINES,
  PASSWORD_SAMPLES,
  RULER_LINES,
  SIGNING_KEY_LINES,
  UNUSUAL_VALUE_SAMPLES,
} from '../testUtils/botLogSamples';

// The bot log group's data protection policy: within CloudWatch Logs' limits (project reference
// day2.md, "CloudWatch Logs data protection"), it masks the generated password in every printed
// form and none of the bot's other lines. moto has no data protection, so the patterns run here as
// JavaScript regular expressions, built with `new RegExp(pattern)` and no flags. For the constructs
// the limits leave (character classes with \s \w \W and ranges, negated classes, ? * + {m,},
// ^ and $ for the start and end of the event, | between whole alternatives) CloudWatch's syntax
// and meaning match JavaScript's; matching is case-sensitive. CloudWatch masks every match of
// every identifier, so a password is masked when the matches together cover it.

const MAX_IDENTIFIERS = 10;
const MAX_NAME_LENGTH = 128;
const MAX_PATTERN_LENGTH = 200;
/** Letters, digits, `_ # = @ / ; , -`, space and `^ $ ? [ ] { } | \ * + .`: nothing else. */
const ALLOWED_PATTERN = /^[A-Za-z0-9_#=@/;,\- ^$?[\]{}|\\*+.]+$/;

interface Identifier {
  Name: string;
  Regex: string;
}

interface Statement {
  Sid?: string;
  DataIdentifier: string[];
  Operation: { Audit?: unknown; Deidentify?: { MaskConfig?: unknown } };
}

function botLogPolicy(): Record<string, any> {
  const group = loadBotTemplate().Resources.BotLogGroup;
  if (group?.Type !== 'AWS::Logs::LogGroup')
    throw new Error('the template has no log group BotLogGroup');
  return group.Properties?.DataProtectionPolicy;
}

const policy = botLogPolicy();
const identifiers: Identifier[] = policy.Configuration.CustomDataIdentifier;
const statements: Statement[] = policy.Statement;
const patterns = identifiers.map(id => ({
  name: id.Name,
  regex: new RegExp(id.Regex, 'g'),
}));

/** Which characters of the text the policy masks. */
function maskedPositions(text: string): boolean[] {
  const masked = Array.from(text, () => false);
  for (const { regex } of patterns) {
    for (const match of text.matchAll(regex)) {
      for (let i = match.index!; i < match.index! + match[0].length; i++)
        masked[i] = true;
    }
  }
  return masked;
}

/** The text as a reader without logs:Unmask sees it: every masked character an asterisk. */
function asMasked(text: string): string {
  const masked = maskedPositions(text);
  return Array.from(text, (c, i) => (masked[i] ? '*' : c)).join('');
}

/** The same, had CloudWatch masked with one identifier after another, each on the last one's result. */
function asMaskedInTurn(text: string): string {
  return patterns.reduce(
    (masked, { regex }) =>
      masked.replace(regex, match => '*'.repeat(match.length)),
    text,
  );
}

function matchedBy(line: string): string[] {
  return patterns
    .filter(({ regex }) => new RegExp(regex.source).test(line))
    .map(p => p.name);
}

function statementWith(operation: 'Audit' | 'Deidentify'): Statement {
  const found = statements.filter(s => s.Operation[operation] !== undefined);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the bot log group data protection policy', () => {
  describe("within CloudWatch Logs' limits", () => {
    it('keeps the policy shape', () => {
      expect(policy).toMatchObject({
        Name: expect.any(String),
        Version: '2021-06-01',
      });
      expect(statements).toHaveLength(2);
    });

    it(`has 1 to ${MAX_IDENTIFIERS} custom identifiers with unique names of at most ${MAX_NAME_LENGTH} characters`, () => {
      expect(identifiers.length).toBeGreaterThan(0);
      expect(identifiers.length).toBeLessThanOrEqual(MAX_IDENTIFIERS);
      for (const { Name } of identifiers) {
        expect(Name).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(Name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
      }
      expect(new Set(identifiers.map(id => id.Name)).size).toBe(
        identifiers.length,
      );
    });

    it.each(identifiers.map(id => [id.Name, id.Regex]))(
      `%s: at most ${MAX_PATTERN_LENGTH} characters, allowed ones only`,
      (_, regex) => {
        expect(regex.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
        expect(regex).toMatch(ALLOWED_PATTERN);
        expect(regex).not.toMatch(/["()]/);
      },
    );

    it('audits and masks the same identifiers, all of them, with an empty MaskConfig', () => {
      const names = identifiers.map(id => id.Name).sort();

      expect([...statementWith('Audit').DataIdentifier].sort()).toEqual(names);
      expect([...statementWith('Deidentify').DataIdentifier].sort()).toEqual(
        names,
      );
      expect(statementWith('Deidentify').Operation.Deidentify).toEqual({
        MaskConfig: {},
      });
    });
  });

  describe('masks the generated password', () => {
    it.each(Object.entries(PASSWORD_SAMPLES))('in the form %s', (_, sample) => {
      const event = sample.events.find(e => e.includes(sample.password));
      if (!event)
        throw new Error(`no event of ${sample.form} holds its password`);
      const at = event.indexOf(sample.password);

      const masked = asMasked(event);

      expect(masked.slice(at, at + sample.password.length)).toBe(
        '*'.repeat(sample.password.length),
      );
    });

    it.each(Object.entries(PASSWORD_SAMPLES))(
      'and leaves the rest of the banner readable: %s',
      (_, sample) => {
        const others = sample.events.filter(e => !e.includes(sample.password));

        for (const event of others) expect(asMasked(event)).toBe(event);
      },
    );

    it('also of 8 and 128 characters, of letters only when quoted, and lower-case with digits', () => {
      for (const sample of [
        UNUSUAL_VALUE_SAMPLES.shortest,
        UNUSUAL_VALUE_SAMPLES.longest,
        UNUSUAL_VALUE_SAMPLES.quotedLetters,
        UNUSUAL_VALUE_SAMPLES.lowercase,
      ]) {
        const event = sample.events.find(e => e.includes(sample.password))!;
        expect(asMasked(event)).not.toContain(sample.password.slice(0, 4));
      }
    });

    it('but not a value with punctuation (the README says so)', () => {
      const sample = UNUSUAL_VALUE_SAMPLES.symbols;
      const event = sample.events.find(e => e.includes(sample.password))!;

      expect(asMasked(event)).toBe(event);
    });

    it('so that a masked log yields no password, while its banners are still found', () => {
      const samples = Object.values(PASSWORD_SAMPLES);
      for (const [sample, mask] of samples.flatMap(
        s =>
          [
            [s, asMasked],
            [s, asMaskedInTurn],
          ] as const,
      )) {
        const masked = sample.events.map(mask);

        expect(masked.join('\n')).not.toContain(sample.password);
        expect(readPasswordBanners(botLogLines(masked))).toEqual([
          expect.objectContaining({ kind: 'unreadable' }),
        ]);
        expect(masked.some(e => e.includes(BANNER_FILTER_PATTERN))).toBe(true);
      }
    });
  });

  describe('masks nothing else the bot prints', () => {
    const lines: Array<[string, string]> = [
      ...ORDINARY_BOT_LINES.map(
        l => ['an ordinary line', l] as [string, string],
      ),
      ...RULER_LINES.map(l => ['a ruler', l] as [string, string]),
      ...BANNER_TEXT_LINES.map(l => ['banner text', l] as [string, string]),
      ...SIGNING_KEY_LINES.map(l => ['the signing key', l] as [string, string]),
    ];

    it.each(lines)('%s: %j', (_, line) => {
      expect(matchedBy(line)).toEqual([]);
    });

    it('nor those lines as one event', () => {
      const event = lines.map(([, l]) => l).join('\n');

      expect(asMasked(event)).toBe(event);
    });
  });

  it('masks these single words too, as the README says', () => {
    const alsoMasked = [
      'WickrReady', // a lower-case letter, then an upper-case one
      'Build20240501', // letters and digits
      'ipv6enabled',
      '[Initializing]', // a word of 8 or more between punctuation
      '"Starting"',
      'CONSOLE: MessagesRx',
      'WICKRIO_BOT_PASSWORD=FkEnvValue1', // after PASSWORD
      'PASSWORD REQUIRED',
    ];

    for (const word of alsoMasked) expect(matchedBy(word)).not.toEqual([]);
  });
});
