import {
  BANNER_FILTER_PATTERN,
  BotLogLine,
  isLoginSuccess,
  loginFailure,
  PasswordBanner,
  readPasswordBanners,
} from './botLog';
import {
  BANNER_LINE,
  BANNER_RULER,
  BANNER_TEXT_LINES,
  botLogLines,
  DO_NOT_LOSE_LINE,
  LOGIN_FAILURE_LINES,
  LOGIN_SUCCESS_LINES,
  NOT_LOGIN_LINES,
  ORDINARY_BOT_LINES,
  PASSWORD_SAMPLES,
  PasswordSample,
  RULER_LINES,
  SIGNING_KEY_LINES,
  TO_START_LINE,
  UNREADABLE_BANNER_SAMPLES,
  UNUSUAL_VALUE_SAMPLES,
} from './testUtils/botLogSamples';

const STARTUP = [
  'Starting WickrIO compliance bot 6.66.01.00',
  'Initializing',
  'Begin registration with password.',
  'Received registration',
];
const AFTER_LOGIN = [
  'Login successful',
  ...SIGNING_KEY_LINES,
  'Ready',
  'Messages_Rx 0',
];

function idOfEventWith(lines: BotLogLine[], text: string): string {
  const found = lines.find(line => line.message.includes(text));
  if (!found) throw new Error(`no event holds ${text}`);
  return found.id;
}

/** A fixed shuffle: the reader must sort by timestamp, then id. */
function shuffled<T>(items: T[]): T[] {
  const odd = items.filter((_, i) => i % 2 === 1);
  const even = items.filter((_, i) => i % 2 === 0);
  return [...odd.reverse(), ...even];
}

function passwordsOf(banners: PasswordBanner[]): string[] {
  return banners.map(b =>
    b.kind === 'password' ? b.value : `unreadable: ${b.why}`,
  );
}

describe('readPasswordBanners', () => {
  const forms = Object.entries({
    ...PASSWORD_SAMPLES,
    ...UNUSUAL_VALUE_SAMPLES,
  });

  it.each(forms)('reads %s', (_, sample: PasswordSample) => {
    const lines = botLogLines([...STARTUP, ...sample.events, ...AFTER_LOGIN], {
      stream: 'bot/bot/task1',
    });

    expect(readPasswordBanners(lines)).toEqual([
      {
        kind: 'password',
        value: sample.password,
        bannerId: idOfEventWith(lines, 'GENERATED PASSWORD'),
        valueId: idOfEventWith(lines, sample.password),
        timestamp: lines.find(l => l.message.includes('GENERATED PASSWORD'))!
          .timestamp,
        stream: 'bot/bot/task1',
      },
    ]);
  });

  it('reads lines that come in any order, and the same event twice once', () => {
    const lines = botLogLines([
      ...STARTUP,
      ...PASSWORD_SAMPLES.adminGuide.events,
      ...AFTER_LOGIN,
    ]);

    const banners = readPasswordBanners(
      shuffled([...lines, lines[6], lines[8]]),
    );

    expect(passwordsOf(banners)).toEqual([
      PASSWORD_SAMPLES.adminGuide.password,
    ]);
  });

  it('orders events of the same millisecond by id', () => {
    const lines = botLogLines(PASSWORD_SAMPLES.unquoted.events).map(l => ({
      ...l,
      timestamp: 1,
    }));

    expect(passwordsOf(readPasswordBanners(shuffled(lines)))).toEqual([
      PASSWORD_SAMPLES.unquoted.password,
    ]);
  });

  it('tells the banner event from the value event when they are split', () => {
    const lines = botLogLines(PASSWORD_SAMPLES.splitEvents.events);

    const [banner] = readPasswordBanners(lines);

    expect(banner).toMatchObject({
      kind: 'password',
      bannerId: lines[0].id,
      valueId: lines[1].id,
    });
    expect(lines[0].id).not.toBe(lines[1].id);
  });

  it('finds every banner of a rotation, oldest first, across streams', () => {
    const first = botLogLines(
      [...STARTUP, ...PASSWORD_SAMPLES.adminGuide.events, ...AFTER_LOGIN],
      {
        stream: 'bot/bot/task1',
        idPrefix: 'a',
      },
    );
    const second = botLogLines(
      ['Login successful', ...PASSWORD_SAMPLES.console.events, 'Ready'],
      {
        start: first[first.length - 1].timestamp + 60_000,
        stream: 'bot/bot/task2',
        idPrefix: 'b',
      },
    );
    const third = botLogLines(
      ['Login successful', ...PASSWORD_SAMPLES.inlineColonQuoted.events],
      {
        start: second[second.length - 1].timestamp + 60_000,
        stream: 'bot/bot/task2',
        idPrefix: 'c',
      },
    );

    const banners = readPasswordBanners(
      shuffled([...third, ...first, ...second]),
    );

    expect(passwordsOf(banners)).toEqual([
      PASSWORD_SAMPLES.adminGuide.password,
      PASSWORD_SAMPLES.console.password,
      PASSWORD_SAMPLES.inlineColonQuoted.password,
    ]);
    expect(banners.map(b => b.stream)).toEqual([
      'bot/bot/task1',
      'bot/bot/task2',
      'bot/bot/task2',
    ]);
    const timestamps = banners.map(b => b.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });

  it("reads a banner's value from its own stream only", () => {
    const banner = botLogLines([BANNER_LINE, DO_NOT_LOSE_LINE, TO_START_LINE], {
      stream: 'task1',
      idPrefix: 'a',
    });
    // Another task's line lands between the banner's lines and after them.
    const other = botLogLines(['FkOtherTask3Wq8Zx5Mn2Kp'], {
      start: banner[1].timestamp,
      stream: 'task2',
      idPrefix: 'b',
    });

    const banners = readPasswordBanners([...banner, ...other]);

    expect(banners).toEqual([
      expect.objectContaining({
        kind: 'unreadable',
        bannerId: banner[0].id,
        stream: 'task1',
      }),
    ]);
  });

  it('takes no ruler, banner text, signing key or ordinary line for a password', () => {
    const lines = botLogLines([
      ...STARTUP,
      ...RULER_LINES,
      ...BANNER_TEXT_LINES.filter(l => !l.includes('GENERATED')),
      ...AFTER_LOGIN,
      ...ORDINARY_BOT_LINES,
    ]);

    expect(readPasswordBanners(lines)).toEqual([]);
  });

  it('skips the rulers and banner text between the banner and its value', () => {
    const lines = botLogLines([
      BANNER_LINE,
      BANNER_RULER,
      '**** DO NOT LOOSE THIS PASSWORD,',
      '**** YOU WILL NEED TO ENTER IT EVERY TIME',
      TO_START_LINE,
      '',
      BANNER_RULER,
      ' "FkLateInWindow4Hq9Zs2Mx"',
    ]);

    expect(passwordsOf(readPasswordBanners(lines))).toEqual([
      'FkLateInWindow4Hq9Zs2Mx',
    ]);
  });

  describe('a banner whose value cannot be read', () => {
    const samples = Object.entries(UNREADABLE_BANNER_SAMPLES);

    it.each(samples)(
      'is unreadable, with a reason and no guess: %s',
      (_, events) => {
        const lines = botLogLines(events);

        const banners = readPasswordBanners(lines);

        expect(banners).toHaveLength(1);
        const [banner] = banners;
        expect(banner).toEqual({
          kind: 'unreadable',
          bannerId: lines.find(l => l.message.includes('GENERATED'))!.id,
          timestamp: lines.find(l => l.message.includes('GENERATED'))!
            .timestamp,
          why: expect.stringMatching(/\w{4}/),
        });
      },
    );

    it.each(samples)(
      'never puts what it read into the reason: %s',
      (_, events) => {
        const [banner] = readPasswordBanners(botLogLines(events));
        const why = banner.kind === 'unreadable' ? banner.why : '';

        const candidates = events
          .flatMap(event => event.split(/\s+/))
          .map(word => word.replace(/^"|"$/g, '').replace(/^\*+/, ''))
          .filter(word => /Fk|^[0-9a-f]{16,}$/i.test(word));
        for (const candidate of candidates) {
          expect(why).not.toContain(candidate);
          expect(why).not.toContain(candidate.slice(0, 6));
        }
      },
    );

    it('says why, in words', () => {
      const whys = Object.fromEntries(
        samples.map(([name, events]) => {
          const [banner] = readPasswordBanners(botLogLines(events));
          return [name, banner.kind === 'unreadable' ? banner.why : 'read'];
        }),
      );

      expect(whys).toEqual({
        twoWords:
          'the line after the banner is not a password: it holds 2 words, not one value',
        tooShort:
          'the line after the banner is not a password: it is 6 characters long; a generated password has 8 to 128',
        tooLong:
          'the line after the banner is not a password: it is 137 characters long; a generated password has 8 to 128',
        openQuote:
          'the line after the banner is not a password: its double quotes do not enclose one value',
        starsRunIn:
          'the line after the banner is not a password: it starts with asterisks (a masked value, or a ruler run into it)',
        nonAscii:
          'the line after the banner is not a password: it holds characters that are not printable ASCII',
        inlineTwoWords:
          'the value on the banner line is not a password: it holds 2 words, not one value',
        ordinaryLineNext:
          'the line after the banner is not a password: it holds 2 words, not one value',
        hexNext:
          'the line after the banner is not a password: it is only hexadecimal digits, like the signing key block',
        signingKeyNext: 'the signing key block follows before any value',
        nothingAfter:
          'the log ends 2 lines after the banner with no value (it may not have arrived yet)',
        onlyRulers:
          'no value within the 8 lines after the banner (a value read without unmask is asterisks, like a ruler)',
        maskedInline: 'the banner line is masked: read the log with unmask',
        maskedInlineQuoted:
          'the banner line is masked: read the log with unmask',
      });
    });

    it('is followed by the next banner, which is read on its own', () => {
      const lines = botLogLines([
        BANNER_LINE,
        DO_NOT_LOSE_LINE,
        ...PASSWORD_SAMPLES.unquoted.events,
      ]);

      const banners = readPasswordBanners(lines);

      expect(passwordsOf(banners)).toEqual([
        'unreadable: another banner follows before any value',
        PASSWORD_SAMPLES.unquoted.password,
      ]);
    });
  });
});

describe('BANNER_FILTER_PATTERN', () => {
  it('is one term that every banner line holds, masked or not', () => {
    const bannerEvents = [
      ...Object.values(PASSWORD_SAMPLES).flatMap(s => s.events),
      ...Object.values(UNREADABLE_BANNER_SAMPLES).flat(),
    ].filter(event => /GENERATED/.test(event));

    expect(BANNER_FILTER_PATTERN).toMatch(/^[A-Z]+$/);
    expect(bannerEvents.length).toBeGreaterThan(
      Object.keys(PASSWORD_SAMPLES).length,
    );
    for (const event of bannerEvents)
      expect(event).toContain(BANNER_FILTER_PATTERN);
    for (const line of ORDINARY_BOT_LINES)
      expect(line).not.toContain(BANNER_FILTER_PATTERN);
  });
});

describe('login lines', () => {
  it.each(LOGIN_SUCCESS_LINES)('%s is a successful login', line => {
    expect(isLoginSuccess(line)).toBe(true);
    expect(loginFailure(line)).toBeUndefined();
  });

  it.each(LOGIN_FAILURE_LINES)('%s is a failed login: %s', (line, why) => {
    expect(loginFailure(line)).toBe(why);
    expect(isLoginSuccess(line)).toBe(false);
  });

  it.each([...NOT_LOGIN_LINES, ...SIGNING_KEY_LINES, ...RULER_LINES])(
    '%j says neither',
    line => {
      expect(isLoginSuccess(line)).toBe(false);
      expect(loginFailure(line)).toBeUndefined();
    },
  );

  it.each([
    'Login failure: cannot reach the server',
    'Login failed: connect ETIMEDOUT 10.80.1.23:443',
    'Login failed: network unavailable, retrying',
  ])('%j is no refused password: the server was not reached', line => {
    expect(loginFailure(line)).toBeUndefined();
  });

  it('reads "not successful" as no success', () => {
    expect(isLoginSuccess('Login unsuccessful')).toBe(false);
    expect(loginFailure('Login unsuccessful')).toBe(
      'the bot reported a failed login',
    );
  });

  it('never repeats the line in the reason', () => {
    const why = loginFailure('Login failed with password FkEchoed7Qw2Zx9Mn');

    expect(why).toBe('the bot reported a failed login');
    expect(why).not.toContain('Fk');
  });
});
