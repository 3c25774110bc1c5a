import type { BotLogLine } from '../botLog';

// Sample lines of the bot's log, in the forms the references describe (the admin guide's banner,
// Wickr IO material, the CDK sample's capture). The closed image's exact output is unconfirmed, so
// every form is here. Each form carries its own fake password, so a test that reads the wrong one
// says which. awslogs sends one event per line: a sample is a list of events, and an event with
// "\n" in it is one that holds several lines.

/** A `****` ruler as the banner draws it, and the other rulers seen. */
export const BANNER_RULER = '*'.repeat(64);
export const RULER_LINES = [
  BANNER_RULER,
  '****',
  '**** ****',
  `CONSOLE: ${BANNER_RULER}`,
  ` ${'*'.repeat(24)}`,
];

export const BANNER_LINE = '**** GENERATED PASSWORD';
export const DO_NOT_LOSE_LINE =
  '**** DO NOT LOSE THIS PASSWORD, YOU WILL NEED TO ENTER IT EVERY TIME';
export const TO_START_LINE = '**** TO START THE BOT';

/** The banner's text lines (no value in them), in every spelling and prefix seen. */
export const BANNER_TEXT_LINES = [
  BANNER_LINE,
  DO_NOT_LOSE_LINE,
  TO_START_LINE,
  'GENERATED PASSWORD',
  '**** GENERATED PASSWORD:',
  '**** DO NOT LOOSE THIS PASSWORD, YOU WILL NEED TO ENTER IT EVERY TIME',
  '**** DO NOT LOSE THIS PASSWORD,',
  '**** YOU WILL NEED TO ENTER IT EVERY TIME',
  `CONSOLE: ${BANNER_LINE}`,
  `CONSOLE: ${DO_NOT_LOSE_LINE}`,
  `CONSOLE: ${TO_START_LINE}`,
];

/** What the bot prints after login: a header and one-word hex lines that are no password. */
export const SIGNING_KEY_LINES = [
  'USER SIGNING KEY:',
  '3082010a0282010100c4f57a9be1d2306f',
  'b8e4a61c09d3f75e2a8c4b6d0e1f3a5c',
  '7D2E9F04A1B3C5D7E9F0A2B4C6D8E0F1',
  '0e1f3a5c7d2e9f04a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9',
  '00112233445566778899',
];

/** Lines the bot prints that hold no password: none of them may be masked or read as one. */
export const ORDINARY_BOT_LINES = [
  'Begin registration with password.',
  'Received registration',
  'Login successful',
  'Messages_Rx 12 Messages_Saved 12 Files_Saved 0',
  'Login_Failures 0',
  'Starting WickrIO compliance bot 6.66.01.00',
  'Bot name: compliance_bot_1234',
  'WICKRIO_BOT_NAME=compliance_bot_1234',
  'Using secret arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-bot-AbCdEf',
  'Uploading to s3://111111111111-acme-wickrdr/data-retention/2024/05/01/messages.json',
  '    at Object.<anonymous> (/usr/lib/wickr/integrations/compliance/index.js:42:17)',
  'Error: connect ETIMEDOUT 10.80.1.23:443',
  'Initializing',
  'Ready',
  'Connected',
  'Registering',
  'Started',
  'Done.',
  'compliance_bot_1234',
  'v6.66.01.00',
  '2024-05-01T12:00:00.000Z',
  '2024-05-01 12:00:00',
  '1714564800000',
  '{"level":"info","message":"Login successful"}',
  '{"status":"Ready"}',
  '{"Messages_Rx":12,"Messages_Saved":12}',
  'CONSOLE: Initializing',
  'CONSOLE: Ready',
  'CONSOLE: Login successful',
  '**** Initializing',
  '',
  '   ',
];

export const LOGIN_SUCCESS_LINES = [
  'Login successful',
  'CONSOLE: Login successful',
  '2024-05-01T12:00:05.000Z Login successful',
  'Logged in successfully',
  '{"level":"info","message":"Login succeeded"}',
];

/** Lines that say the login failed, each with the reason {@link loginFailure} gives. */
export const LOGIN_FAILURE_LINES: Array<[string, string]> = [
  ['Login failed', 'the bot reported a failed login'],
  [
    'CONSOLE: Login failure: unknown user or password',
    'the bot reported a failed login',
  ],
  ['Failed to login: invalid credentials', 'the bot reported a failed login'],
  ['Wrong password', 'the bot reported a wrong or rejected password'],
  [
    'Invalid password for compliance_bot_1234',
    'the bot reported a wrong or rejected password',
  ],
  [
    'The password was rejected by the server',
    'the bot reported a wrong or rejected password',
  ],
  ['Password has expired', 'the bot reported an expired password'],
  [
    'Registration failed: the initial password is no longer valid',
    'the bot reported a failed registration',
  ],
];

/** Lines that neither say the login worked nor that it failed. */
export const NOT_LOGIN_LINES = [
  'Begin registration with password.',
  'Received registration',
  'Login_Failures 0',
  'Logins 1 Login_Failures 0',
  'Messages_Rx 12',
  DO_NOT_LOSE_LINE,
  BANNER_LINE,
];

/** One printed form of the generated password. */
export interface PasswordSample {
  /** What the form is, for test names. */
  form: string;
  /** The log events, oldest first; an event may hold several lines. */
  events: string[];
  /** The fake password the events carry. */
  password: string;
}

function standardBanner(valueLine: string, prefix = ''): string[] {
  return [
    BANNER_RULER,
    BANNER_LINE,
    DO_NOT_LOSE_LINE,
    TO_START_LINE,
    valueLine,
    BANNER_RULER,
  ].map(line => `${prefix}${line}`);
}

/** Every form of the printed password: each is read, and each is masked by the log group's policy. */
export const PASSWORD_SAMPLES: Record<string, PasswordSample> = {
  adminGuide: {
    form: 'the admin guide: own line, leading space, double quotes',
    events: standardBanner(' "FkAdminGuide7Qx2Lm9Zp4Wn"'),
    password: 'FkAdminGuide7Qx2Lm9Zp4Wn',
  },
  quotedNoSpace: {
    form: 'own line, double quotes, no leading space',
    events: standardBanner('"FkQuotedBare3Hs8Kd1Vt6Yr"'),
    password: 'FkQuotedBare3Hs8Kd1Vt6Yr',
  },
  unquoted: {
    form: 'own line, no quotes',
    events: standardBanner('FkUnquoted5Rg2Tw7Jm4Xc9B'),
    password: 'FkUnquoted5Rg2Tw7Jm4Xc9B',
  },
  unquotedLeadingSpace: {
    form: 'own line, no quotes, leading space',
    events: standardBanner(' FkLeadSpace8Nq3Gv6Hx1Zs'),
    password: 'FkLeadSpace8Nq3Gv6Hx1Zs',
  },
  starPrefixQuoted: {
    form: 'own line after "**** ", double quotes',
    events: standardBanner('**** "FkStarQuoted4Mw9Pj2Ty"'),
    password: 'FkStarQuoted4Mw9Pj2Ty',
  },
  starPrefixUnquoted: {
    form: 'own line after "**** ", no quotes',
    events: standardBanner('**** FkStarBare6Lk1Rq8Wz3U'),
    password: 'FkStarBare6Lk1Rq8Wz3U',
  },
  console: {
    form: 'every line after "CONSOLE:", value quoted with a leading space',
    events: standardBanner(' "FkConsoleQuote2Vb7Nh4Ks"', 'CONSOLE: '),
    password: 'FkConsoleQuote2Vb7Nh4Ks',
  },
  consoleUnquoted: {
    form: 'every line after "CONSOLE:", value unquoted',
    events: standardBanner('FkConsoleBare9Tx4Qm1Wg6', 'CONSOLE: '),
    password: 'FkConsoleBare9Tx4Qm1Wg6',
  },
  consoleStarQuoted: {
    form: 'value after "CONSOLE: **** ", quoted',
    events: standardBanner('**** "FkConsoleStar5Jr8Yw3Pn"', 'CONSOLE: '),
    password: 'FkConsoleStar5Jr8Yw3Pn',
  },
  misspelled: {
    form: '"DO NOT LOOSE" and the advice on two lines',
    events: [
      BANNER_RULER,
      BANNER_LINE,
      '**** DO NOT LOOSE THIS PASSWORD,',
      '**** YOU WILL NEED TO ENTER IT EVERY TIME',
      TO_START_LINE,
      BANNER_RULER,
      ' "FkLooseSpell3Zk7Xq2Hm8R"',
      BANNER_RULER,
    ],
    password: 'FkLooseSpell3Zk7Xq2Hm8R',
  },
  valueRightAfterBanner: {
    form: 'the value on the line right after the banner',
    events: [BANNER_LINE, ' "FkRightAfter1Wq6Ts9Lp4N"', BANNER_RULER],
    password: 'FkRightAfter1Wq6Ts9Lp4N',
  },
  inlineColonQuoted: {
    form: 'on the banner line: **** GENERATED PASSWORD: "..."',
    events: [
      BANNER_RULER,
      '**** GENERATED PASSWORD: "FkInlineColon8Rv3Mx6Gt"',
      DO_NOT_LOSE_LINE,
      BANNER_RULER,
    ],
    password: 'FkInlineColon8Rv3Mx6Gt',
  },
  inlineQuoted: {
    form: 'on the banner line: GENERATED PASSWORD "..."',
    events: ['GENERATED PASSWORD "FkInlineSpace2Kp7Wn5Bz"'],
    password: 'FkInlineSpace2Kp7Wn5Bz',
  },
  inlineUnquotedConsole: {
    form: 'on the banner line after "CONSOLE:", unquoted',
    events: ['CONSOLE: **** GENERATED PASSWORD: FkInlineCons4Hy9Qs2Vr'],
    password: 'FkInlineCons4Hy9Qs2Vr',
  },
  oneEvent: {
    form: 'the whole banner in one event of several lines',
    events: [standardBanner(' "FkOneEvent6Mz1Xr8Kw3Tq"').join('\n')],
    password: 'FkOneEvent6Mz1Xr8Kw3Tq',
  },
  oneEventConsole: {
    form: 'one event of "CONSOLE:" lines, the value right after the banner',
    events: [
      'CONSOLE: **** GENERATED PASSWORD\nCONSOLE:  "FkOneConsole7Gq2Ws5Np"\nCONSOLE: ****',
    ],
    password: 'FkOneConsole7Gq2Ws5Np',
  },
  splitEvents: {
    form: 'the banner in one event, the value and the ruler in the next',
    events: [
      [BANNER_RULER, BANNER_LINE, DO_NOT_LOSE_LINE, TO_START_LINE].join('\n'),
      [' "FkSplitEvent9Lx4Rt7Jv2"', BANNER_RULER].join('\n'),
    ],
    password: 'FkSplitEvent9Lx4Rt7Jv2',
  },
  splitEventsUnquoted: {
    form: 'the banner in one event, the unquoted value in the next',
    events: [
      [BANNER_LINE, DO_NOT_LOSE_LINE, TO_START_LINE].join('\n'),
      'FkSplitBare3Wm8Hq1Ys6',
    ],
    password: 'FkSplitBare3Wm8Hq1Ys6',
  },
};

/** Values the parser reads but that are not in the form the open Wickr IO client generates. */
export const UNUSUAL_VALUE_SAMPLES: Record<string, PasswordSample> = {
  shortest: {
    form: 'an 8-character value',
    events: standardBanner(' "Fk8Zq2Wx"'),
    password: 'Fk8Zq2Wx',
  },
  longest: {
    form: 'a 128-character value',
    events: standardBanner(` "${'FkLongest9'.repeat(12)}Fk8Zq2Wx"`),
    password: `${'FkLongest9'.repeat(12)}Fk8Zq2Wx`,
  },
  symbols: {
    form: 'a value with punctuation',
    events: standardBanner(' "Fk!Sym#bols-9Q_x=@/;,.+?"'),
    password: 'Fk!Sym#bols-9Q_x=@/;,.+?',
  },
  quotedLetters: {
    form: 'a quoted value of lower-case letters only',
    events: standardBanner(' "fkquotedlettersonly"'),
    password: 'fkquotedlettersonly',
  },
  lowercase: {
    form: 'a lower-case value with digits',
    events: standardBanner('fklowercase7q2x9m4z1w6r'),
    password: 'fklowercase7q2x9m4z1w6r',
  },
};

/** Banners whose value cannot be read: each must be reported unreadable, never guessed. */
export const UNREADABLE_BANNER_SAMPLES: Record<string, string[]> = {
  twoWords: [
    BANNER_LINE,
    DO_NOT_LOSE_LINE,
    TO_START_LINE,
    ' "FkTwo Words4Kq"',
    BANNER_RULER,
  ],
  tooShort: [BANNER_LINE, TO_START_LINE, ' "Fk7Qx2"', BANNER_RULER],
  tooLong: [
    BANNER_LINE,
    TO_START_LINE,
    `FkTooLong${'x9'.repeat(64)}`,
    BANNER_RULER,
  ],
  openQuote: [BANNER_LINE, TO_START_LINE, ' "FkOpenQuote5Vb8Nm2', BANNER_RULER],
  starsRunIn: [
    BANNER_LINE,
    TO_START_LINE,
    '****FkStarsRunIn3Qw7',
    BANNER_RULER,
  ],
  nonAscii: [
    BANNER_LINE,
    TO_START_LINE,
    ' "FkNonAscii\u00e94Qw7Zx"',
    BANNER_RULER,
  ],
  inlineTwoWords: ['**** GENERATED PASSWORD: FkInline Two8Words'],
  ordinaryLineNext: [
    BANNER_LINE,
    DO_NOT_LOSE_LINE,
    TO_START_LINE,
    BANNER_RULER,
    'Login successful',
  ],
  hexNext: [BANNER_LINE, TO_START_LINE, '3082010a0282010100c4f57a9be1d2306f'],
  signingKeyNext: [
    BANNER_LINE,
    TO_START_LINE,
    BANNER_RULER,
    ...SIGNING_KEY_LINES,
  ],
  nothingAfter: [BANNER_RULER, BANNER_LINE, DO_NOT_LOSE_LINE, TO_START_LINE],
  onlyRulers: [
    BANNER_LINE,
    ...Array.from({ length: 10 }, () => BANNER_RULER),
    '"FkTooLate2Wq8Zx5Mn"',
  ],
  maskedInline: ['**** GENERATED ************************'],
  maskedInlineQuoted: ['**** GENERATED ****************************"'],
};

/**
 * The messages as log events of one stream, one millisecond apart from `start`, with ids that
 * sort in the same order (as CloudWatch's do).
 */
export function botLogLines(
  messages: string[],
  options: { start?: number; stream?: string; idPrefix?: string } = {},
): BotLogLine[] {
  const { start = Date.UTC(2024, 4, 1, 12), stream, idPrefix = 'e' } = options;
  return messages.map((message, index) => ({
    id: `${idPrefix}${String(index).padStart(6, '0')}`,
    timestamp: start + index,
    message,
    ...(stream === undefined ? {} : { stream }),
  }));
}
