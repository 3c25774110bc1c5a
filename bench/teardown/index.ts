/**
 * bench/teardown: emptying a versioned bucket of 10,000 object versions and 10,000
 * delete markers (every object deleted once: a version and a marker each) on a
 * simulated S3 (simulatedS3.ts: 40-80 ms a call, S3's 3,500 writes a second per
 * prefix, DeleteObjects of at most 1,000 keys) reached through a real S3Client with
 * the portal's retry settings (5 attempts, adaptive). Side by side:
 *
 * - ours: emptyBucket (batches of 1,000 in parallel, paced to the rate), at several concurrencies;
 * - the AWS sample's cleanup: list every version, then one `delete-objects` of all of
 *   them (delete markers left out);
 * - one batch at a time, as the CDK's auto-delete handler does: list the first page,
 *   delete it, list again, until nothing is left.
 *
 * Goal: the fewest calls the 1,000-key limit allows (20 DeleteObjects for 20,000
 * versions and markers), batches in parallel within the rate, no SlowDown.
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_EMPTY_CONCURRENCY, emptyBucket } from '../../plugins/wickr-dr-node/src';
import { median, printTable } from '../lib/stats';
import { SimulatedS3, WRITES_PER_SECOND_PER_PREFIX } from './simulatedS3';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KEYS = 10_000;
const BUCKET = '123456789012-bench-wickrdr';
const CONCURRENCIES = (process.env.BENCH_TEARDOWN_CONCURRENCY ?? '1,2,3,4,8').split(',').map(Number);

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function client(): S3Client {
  return new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 5,
    retryMode: 'adaptive',
  });
}

type Strategy = (s3: S3Client) => Promise<void>;

const ours = (concurrency: number): Strategy => async s3 => {
  await emptyBucket(s3, BUCKET, { concurrency });
};

/** The AWS sample's cleanup: `list-object-versions` (the CLI reads every page) into one `delete-objects`. */
const awsSample: Strategy = async s3 => {
  const Objects: ObjectIdentifier[] = [];
  let markers = {};
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 1000, ...markers }));
    Objects.push(...(page.Versions ?? []).map(v => ({ Key: v.Key!, VersionId: v.VersionId })));
    if (!page.IsTruncated) break;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
  await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects, Quiet: true } }));
};

/** One batch at a time: the first page of what is left, deleted, and again (per-key errors ignored, as the CDK handler does). */
const oneAtATime: Strategy = async s3 => {
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 1000 }));
    const Objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map(v => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (Objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects, Quiet: true } }));
    if (!page.IsTruncated) return;
  }
};

async function measure(strategy: Strategy, seed: number) {
  const bucket = new SimulatedS3(KEYS, 1, seeded(seed));
  const s3 = bucket.attach(client());
  const started = Date.now();
  const outcome = await strategy(s3).then(
    () => 'emptied',
    (error: Error) => `fails: ${error.name}`,
  );
  const seconds = (Date.now() - started) / 1000;
  const { calls, deleteBatches, slowDowns } = bucket.stats;
  const left = bucket.left;
  return {
    outcome: left.versions + left.deleteMarkers === 0 ? outcome : `${outcome}; leaves ${left.versions.toLocaleString('en-US')} versions and ${left.deleteMarkers.toLocaleString('en-US')} delete markers`,
    deletes: deleteBatches.length,
    deleteCalls: calls.DeleteObjects ?? 0,
    slowDowns,
    lists: calls.ListObjectVersions ?? 0,
    total: Object.values(calls).reduce((a, b) => a + b, 0),
    seconds,
    largest: Math.max(0, ...deleteBatches),
  };
}

export async function run() {
  const strategies: Array<[string, Strategy]> = [
    ...CONCURRENCIES.map((c): [string, Strategy] => [`ours, ${c} at once${c === DEFAULT_EMPTY_CONCURRENCY ? ' (the default)' : ''}`, ours(c)]),
    ['AWS sample: one delete-objects of every version', awsSample],
    ['one batch at a time (list, delete, again)', oneAtATime],
  ];
  const results = new Map<string, Array<Awaited<ReturnType<typeof measure>>>>(strategies.map(([name]) => [name, []]));
  // Alternating runs, so that every strategy sees the same noise.
  for (let seed = 1; seed <= RUNS; seed++) {
    for (const [name, strategy] of strategies) results.get(name)!.push(await measure(strategy, seed));
  }
  const entries = 2 * KEYS;
  const rows = [['strategy', 'DeleteObjects done', 'DeleteObjects sent (with SlowDowns and refusals)', 'SlowDown answers', 'ListObjectVersions', 'calls in all', 'largest batch', 'time (s)', 'outcome']];
  for (const [name] of strategies) {
    const runs = results.get(name)!;
    const m = (key: 'deletes' | 'deleteCalls' | 'slowDowns' | 'lists' | 'total' | 'seconds' | 'largest') => median(runs.map(r => r[key]));
    rows.push([
      name,
      String(m('deletes')),
      String(m('deleteCalls')),
      String(m('slowDowns')),
      String(m('lists')),
      String(m('total')),
      m('largest').toLocaleString('en-US'),
      m('seconds').toFixed(2),
      runs[runs.length - 1].outcome,
    ]);
  }
  printTable(
    `bench/teardown: emptying ${KEYS.toLocaleString('en-US')} versions and ${KEYS.toLocaleString('en-US')} delete markers under one prefix, ` +
      `40-80 ms a call, ${WRITES_PER_SECOND_PER_PREFIX.toLocaleString('en-US')} writes a second per prefix, real S3Client (5 attempts, adaptive), ` +
      `medians of ${RUNS} runs. Fewest DeleteObjects possible: ${Math.ceil(entries / 1000)}; at that rate ${entries.toLocaleString('en-US')} keys take at least ` +
      `${(entries / WRITES_PER_SECOND_PER_PREFIX).toFixed(1)} s, and ${Math.floor((Math.ceil(entries / 1000) - 1) / Math.floor(WRITES_PER_SECOND_PER_PREFIX / 1000))} s in batches of 1,000 (three a second)`,
    rows,
  );
}
