/**
 * bench/entity-page: a deployment's entity page in Chromium with our card and
 * without it, and our plugin's share of the app bundle.
 *
 * The page: one moto_server with one seeded deployment, and two portals from the
 * same build and the same configuration but for one line, the second's
 * `app.extensions` turning the card off (`entity-card:wickr-dr/deployment: false`),
 * so the same app shows the same entity page minus our card. Each run opens a fresh
 * browser context (empty cache and storage), signs in as the guest, then loads the
 * entity page twice: the first visit after sign-in (the app's initial chunks cached
 * by the sign-in, the entity page's own chunks and the card's fetched now), and a
 * repeat visit (everything cached). Runs alternate between the portals, which goes
 * first alternating too; the first two visits of each portal are a warm-up and
 * not counted.
 *
 * Measured in the page (./probe), from navigation start: the page header (the
 * entity's title), the About card with its Description, the Links card, and with
 * the card our card's stack status line (the state read from the backend, which
 * reads moto). Time to content: the last of those that the page has. Beside them
 * the largest contentful paint, when the card sent its state request and how long
 * the answer took, and the JS that came over the wire. Medians; ratios with / without.
 *
 * The bundle: ./bundle, from packages/app/dist's source maps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { deploymentEntityName } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MOTO_ACCOUNT_ID, motoClientConfig, MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { launchChromium, signInAsGuest } from '../../packages/e2e-tests/src/__testUtils__/browser';
import {
  motoPortalConfig,
  motoTemplateLocation,
  seedDeployment,
} from '../../packages/e2e-tests/src/__testUtils__/motoDeployment';
import { repoRoot, RunningPortal, startPortal } from '../../packages/e2e-tests/src/__testUtils__/portal';
import { median, printTable, ratio } from '../lib/stats';
import { APP_DIST, Chunk, readChunks } from './bundle';
import { Milestone, probeScript, ProbeResult } from './probe';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WARM_UP_VISITS = 2;
const GOAL_RATIO = 1.2;
const DEPLOYMENT = 'bench';
const REGION = 'us-east-1';
const CARD_TITLE = 'Wickr data retention';
const CARD_OFF = { 'entity-card:wickr-dr/deployment': false };

type Variant = 'without' | 'with';
type Visit = 'first' | 'repeat';

interface Sample {
  header: number;
  about: number;
  links: number;
  cardShell?: number;
  cardState?: number;
  content: number;
  lcp: number;
  /** When the card sent its state request, and how long the answer took (request to response end). */
  stateSentAt?: number;
  stateReadMs?: number;
  /** Bytes of JS that came over the wire (not from the cache). */
  jsFetchedBytes: number;
  /** Every JS chunk the document loaded, from the network or the cache. */
  jsLoaded: string[];
}

function milestones(title: string, stackStatus: string): Milestone[] {
  return [
    { name: 'header', text: title, selector: '.bui-HeaderTitle' },
    { name: 'about', text: 'Description', card: 'About' },
    { name: 'links', text: 'CloudFormation stack', card: 'Links' },
    { name: 'cardShell', text: CARD_TITLE, card: CARD_TITLE },
    { name: 'cardState', text: stackStatus, card: CARD_TITLE },
  ];
}

const CONTENT: Record<Variant, string[]> = {
  without: ['header', 'about', 'links'],
  with: ['header', 'about', 'links', 'cardState'],
};

/** app.extensions of app-config.yaml, which an extra config file's list would replace. */
function appExtensions(): unknown[] {
  const config = parse(fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'));
  return config?.app?.extensions ?? [];
}

interface Target {
  variant: Variant;
  portal: RunningPortal;
  url: string;
}

/** Loads the entity page in the page and waits until its content is there; the probe's figures. */
async function load(page: Page, target: Target, timeoutMs: number): Promise<Sample> {
  await page.goto(target.url, { waitUntil: 'commit' });
  const required = CONTENT[target.variant];
  await page.waitForFunction(
    (names: string[]) => {
      const bench = (window as any).__entityPageBench;
      return !!bench && names.every(n => bench.marks[n] !== undefined);
    },
    required,
    { polling: 100, timeout: timeoutMs },
  );
  const { probe, resources } = await page.evaluate(() => ({
    probe: (window as any).__entityPageBench as ProbeResult,
    resources: performance.getEntriesByType('resource').map(e => {
      const r = e as PerformanceResourceTiming;
      return { name: r.name, startTime: r.startTime, responseEnd: r.responseEnd, transferSize: r.transferSize };
    }),
  }));
  const { marks } = probe;
  if (target.variant === 'without' && marks.cardShell !== undefined) {
    throw new Error(`the portal without the card shows the card (${target.portal.baseUrl})`);
  }
  const scripts = resources.filter(r => /\/static\/[^/]+\.js$/.test(new URL(r.name).pathname));
  const fetched = scripts.filter(r => r.transferSize > 0);
  const stateRead = resources.find(r => /\/api\/wickr-dr\/v1\/deployments\/[^/]+\/[^/]+\/state$/.test(new URL(r.name).pathname));
  return {
    header: marks.header,
    about: marks.about,
    links: marks.links,
    cardShell: marks.cardShell,
    cardState: marks.cardState,
    content: Math.max(...required.map(n => marks[n])),
    lcp: probe.lcp,
    stateSentAt: stateRead?.startTime,
    stateReadMs: stateRead && stateRead.responseEnd - stateRead.startTime,
    jsFetchedBytes: fetched.reduce((sum, r) => sum + r.transferSize, 0),
    jsLoaded: scripts.map(r => path.basename(new URL(r.name).pathname)),
  };
}

/** One run: a fresh context, the guest's sign-in, the first visit and a repeat visit. */
async function visit(browser: Browser, target: Target, probe: string, timeoutMs = 60_000): Promise<Record<Visit, Sample>> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(probe);
    const page = await context.newPage();
    await signInAsGuest(page, target.portal.baseUrl);
    const first = await load(page, target, timeoutMs);
    const repeat = await load(page, target, timeoutMs);
    return { first, repeat };
  } finally {
    await context.close();
  }
}

/**
 * The entity's title as its page header shows it, once the portal's discovery has put
 * the deployment in its catalog (until then the page says the entity is not found).
 */
async function entityTitle(browser: Browser, target: Target): Promise<string> {
  const context = await browser.newContext();
  const deadline = Date.now() + 120_000;
  try {
    const page = await context.newPage();
    await signInAsGuest(page, target.portal.baseUrl);
    for (;;) {
      await page.goto(target.url);
      try {
        await page.getByText('About', { exact: true }).first().waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
    const header = await page.locator('.bui-HeaderTitle').first().textContent();
    return header!.replace(/\s+/g, ' ').trim();
  } finally {
    await context.close();
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(0));
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)}%`;

function medianOf(samples: Sample[], pick: (s: Sample) => number | undefined): number | undefined {
  const values = samples.map(pick);
  return values.some(v => v === undefined) ? undefined : median(values as number[]);
}

function pageTable(samples: Record<Variant, Record<Visit, Sample[]>>): string[] {
  const columns: Array<[string, (s: Sample) => number | undefined]> = [
    ['page header', s => s.header],
    ['About and Links cards', s => Math.max(s.about, s.links)],
    ["our card's stack status", s => s.cardState],
    ['time to content', s => s.content],
    ['largest contentful paint', s => s.lcp],
    ["card's state request sent", s => s.stateSentAt],
    ["card's state request took", s => s.stateReadMs],
  ];
  const rows: string[][] = [['page', 'visit', ...columns.map(([name]) => `${name} (ms)`), 'JS over the wire (KiB)']];
  const verdicts: string[] = [];
  for (const visitKind of ['first', 'repeat'] as Visit[]) {
    const label = visitKind === 'first' ? 'first after sign-in' : 'repeat (cached)';
    const without = samples.without[visitKind];
    const withCard = samples.with[visitKind];
    for (const [name, runs] of [['without our card', without], ['with our card', withCard]] as const) {
      rows.push([
        name,
        label,
        ...columns.map(([, pick]) => ms(medianOf(runs, pick))),
        kib(medianOf(runs, s => s.jsFetchedBytes)!),
      ]);
    }
    rows.push([
      'ratio (with / without)',
      label,
      ...columns.map(([, pick]) => {
        const a = medianOf(withCard, pick);
        const b = medianOf(without, pick);
        return a === undefined || b === undefined ? '' : ratio(a, b);
      }),
      '',
    ]);
    const r = medianOf(withCard, s => s.content)! / medianOf(without, s => s.content)!;
    verdicts.push(`${label} ${r.toFixed(2)}x ${r <= GOAL_RATIO ? 'MET' : 'NOT MET'}`);
  }
  printTable(
    `bench/entity-page: the deployment's entity page in Chromium, ${RUNS} runs each (alternating), medians, ms from navigation start`,
    rows,
  );
  process.stdout.write(`\ngoal: time to content with the card at most ${GOAL_RATIO}x the page without it: ${verdicts.join('; ')}\n`);
  // Chunks every visit with the card loaded and no visit without it.
  const visits = (variant: Variant) => [...samples[variant].first, ...samples[variant].repeat];
  const loadedWithout = new Set(visits('without').flatMap(s => s.jsLoaded));
  const onlyWith = visits('with')
    .map(s => s.jsLoaded)
    .reduce((common, loaded) => common.filter(f => loaded.includes(f)))
    .filter(f => !loadedWithout.has(f))
    .sort();
  process.stdout.write(`JS chunks every visit loaded with the card and none without it: ${onlyWith.join(', ') || 'none'}\n`);
  return onlyWith;
}

/** The bundle's table; onlyWithCard: the chunks the entity page loads only with the card. */
function bundleTable(chunks: Chunk[], onlyWithCard: string[]) {
  const sum = (list: Chunk[], pick: (c: Chunk) => number) => list.reduce((total, c) => total + pick(c), 0);
  const all = { raw: sum(chunks, c => c.raw), gzip: sum(chunks, c => c.gzip), brotli: sum(chunks, c => c.brotli) };
  const initial = chunks.filter(c => c.initial);
  const allInitial = { raw: sum(initial, c => c.raw), gzip: sum(initial, c => c.gzip), brotli: sum(initial, c => c.brotli) };
  const whole = (list: Chunk[]) => ({ raw: sum(list, c => c.raw), gzip: sum(list, c => c.gzip), brotli: sum(list, c => c.brotli) });
  const card = chunks.filter(c => c.allOurs && c.card);
  const fields = chunks.filter(c => c.allOurs && !c.card);
  const shared = chunks.filter(c => !c.allOurs && c.oursRaw > 0);
  const inShared = { raw: sum(shared, c => c.oursRaw), gzip: sum(shared, c => c.oursGzip), brotli: sum(shared, c => c.oursBrotli) };
  const ours = {
    raw: whole([...card, ...fields]).raw + inShared.raw,
    gzip: whole([...card, ...fields]).gzip + inShared.gzip,
    brotli: whole([...card, ...fields]).brotli + inShared.brotli,
  };
  const pulled = chunks.filter(c => onlyWithCard.includes(c.file) && !c.allOurs);
  const names = (list: Chunk[]) => list.map(c => c.file).join(', ') || 'none';
  const oursInitial = shared.filter(c => c.initial);
  const row = (part: string, where: string, b: { raw: number; gzip: number; brotli: number }, initialShare = '') => [
    part,
    where,
    kib(b.raw),
    kib(b.gzip),
    kib(b.brotli),
    `${percent(b.raw, all.raw)} / ${percent(b.gzip, all.gzip)}`,
    initialShare,
  ];
  const built = fs.statSync(path.join(APP_DIST, 'index.html')).mtime.toISOString();
  printTable(`bench/entity-page: @wickr-dr/backstage-plugin-wickr-dr (with -common) in packages/app/dist (built ${built})`, [
    ['part', 'chunks', 'raw (KiB)', 'gzip (KiB)', 'brotli q4 (KiB)', 'share of all JS (raw / gzip)', 'share of initial JS (raw / gzip)'],
    row('the card (lazy, on deployment pages)', names(card), whole(card)),
    row('our form fields (lazy, on the Create form)', names(fields), whole(fields)),
    row(
      'ours inside shared chunks (registration, API client, menu items, -common)',
      shared.map(c => `${c.file} (${c.sources.filter(s => /plugins\/wickr-dr/.test(s)).length} of its ${c.sources.length} modules)`).join(', '),
      inShared,
      oursInitial.length === shared.length
        ? `${percent(inShared.raw, allInitial.raw)} / ${percent(inShared.gzip, allInitial.gzip)}`
        : '',
    ),
    row('all of ours', `${card.length + fields.length + shared.length} chunks`, ours),
    row("others' code loaded only with the card", names(pulled), whole(pulled)),
    row('initial JS (index.html)', `${initial.length} chunks`, allInitial, '100.00% / 100.00%'),
    row('all JS', `${chunks.length} chunks`, all),
  ]);
  process.stdout.write(
    '\nWhole chunks compressed one by one; our part of a shared chunk is its mapped bytes, compressed alone (an estimate).\n' +
      `Others' chunks the page loads only with the card: ${pulled.map(c => `${c.file} (${[...new Set(c.sources.map(packageOf))].join(', ')})`).join('; ') || 'none'}.\n`,
  );
}

/** The npm package a webpack source path belongs to ("@material-ui/lab"), or the path's folder. */
function packageOf(source: string): string {
  const match = /node_modules\/((@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(source);
  return match ? match[1] : path.dirname(source.replace(/^webpack:\/\/[^/]+\//, ''));
}

async function stackStatusOf(moto: MotoServer, stackName: string): Promise<string> {
  const client = new CloudFormationClient(motoClientConfig(moto, REGION));
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks![0].StackStatus!;
  } finally {
    client.destroy();
  }
}

/** index.html's modification time: a rebuild of packages/app/dist during the run voids it. */
const distBuiltAt = () => fs.statSync(path.join(APP_DIST, 'index.html')).mtimeMs;

export async function run() {
  const builtAt = distBuiltAt();
  const chunks = readChunks();
  const started = Date.now();
  let moto: MotoServer | undefined;
  const portals: RunningPortal[] = [];
  let browser: Browser | undefined;
  try {
    moto = await startMoto();
    await seedDeployment(moto, DEPLOYMENT, `wickr-dr-${DEPLOYMENT}`);
    const stackStatus = await stackStatusOf(moto, `wickr-dr-${DEPLOYMENT}`);
    const config = motoPortalConfig(moto, motoTemplateLocation());
    const extensions = appExtensions();
    // Same build, same configuration, but for the one line that turns the card off.
    // One after the other (each stopped at the end even if the next fails), given time on a busy machine.
    const withPortal = await startPortal({ config: { ...config, app: { extensions } }, timeoutMs: 300_000 });
    portals.push(withPortal);
    const withoutPortal = await startPortal({
      config: { ...config, app: { extensions: [...extensions, CARD_OFF] } },
      timeoutMs: 300_000,
    });
    portals.push(withoutPortal);
    browser = await launchChromium();
    const entityPath = `/catalog/default/resource/${deploymentEntityName(DEPLOYMENT, MOTO_ACCOUNT_ID, REGION)}`;
    const targets: Record<Variant, Target> = {
      with: { variant: 'with', portal: withPortal, url: `${withPortal.baseUrl}${entityPath}` },
      without: { variant: 'without', portal: withoutPortal, url: `${withoutPortal.baseUrl}${entityPath}` },
    };
    const [title] = await Promise.all([entityTitle(browser, targets.with), entityTitle(browser, targets.without)]);
    const probe = probeScript(milestones(title, stackStatus));
    for (const target of Object.values(targets)) {
      for (let i = 0; i < WARM_UP_VISITS; i++) await visit(browser, target, probe);
    }
    process.stderr.write(`entity-page: portals up and warm in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

    const samples: Record<Variant, Record<Visit, Sample[]>> = {
      without: { first: [], repeat: [] },
      with: { first: [], repeat: [] },
    };
    for (let i = 0; i < RUNS; i++) {
      const order: Variant[] = i % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
      for (const variant of order) {
        const { first, repeat } = await visit(browser, targets[variant], probe);
        samples[variant].first.push(first);
        samples[variant].repeat.push(repeat);
      }
      process.stderr.write(`entity-page: run ${i + 1} of ${RUNS} done\n`);
    }
    if (distBuiltAt() !== builtAt) {
      throw new Error('packages/app/dist was rebuilt during the run: the portals served two builds; run the bench again');
    }
    const onlyWithCard = pageTable(samples);
    bundleTable(chunks, onlyWithCard);
  } finally {
    await browser?.close();
    await Promise.all(portals.map(p => p.stop()));
    await moto?.stop();
  }
}
