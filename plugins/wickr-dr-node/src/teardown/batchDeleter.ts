import { DeleteObjectsCommand, S3Client, _Error as S3KeyError } from '@aws-sdk/client-s3';
import { couldNot, shown, TeardownError } from './errors';
import { S3_PAGE_SIZE } from './listing';
import { VersionRef, versionName } from './objectLock';
import { PacingClock, realClock, TaskPool, WritePacer } from './pacing';

/** A version or a delete marker to delete. */
export interface DeleteEntry extends VersionRef {
  deleteMarker: boolean;
}

interface Pending extends DeleteEntry {
  attempt: number;
}

/** A key S3 would not delete, with what it said the last time. */
export interface KeyFailure {
  entry: Pending;
  error: S3KeyError;
}

/** Per-key errors worth another try: S3 asked to slow down, or failed inside. */
const RETRYABLE_KEY_ERRORS = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable']);
export const MAX_KEY_ATTEMPTS = 3;
const KEY_RETRY_DELAY_MS = 500;
const ERRORS_SHOWN = 3;

export interface BatchDeleterOptions {
  concurrency: number;
  pacer: WritePacer;
  bypassGovernance: boolean;
  signal?: AbortSignal;
  onProgress?: (deletedSoFar: number) => void;
  clock?: PacingClock;
}

/**
 * Deletes versions and delete markers with DeleteObjects: batches of at most 1,000
 * keys in Quiet mode, several at once, paced to S3's write rate. Every per-key error
 * is checked: throttling and internal errors are tried again (at most
 * {@link MAX_KEY_ATTEMPTS} times in all), any other stops new batches and is
 * reported by {@link finish}.
 */
export class BatchDeleter {
  readonly batches: number[] = [];
  versionsDeleted = 0;
  deleteMarkersDeleted = 0;
  private buffer: Pending[] = [];
  private readonly failures: KeyFailure[] = [];
  private readonly retries = new Set<Promise<void>>();
  private readonly pool: TaskPool;
  private readonly clock: PacingClock;
  private endpoint?: string;

  constructor(private readonly s3: S3Client, private readonly bucket: string, private readonly options: BatchDeleterOptions) {
    this.pool = new TaskPool(options.concurrency);
    this.clock = options.clock ?? realClock;
  }

  get deleted(): number {
    return this.versionsDeleted + this.deleteMarkersDeleted;
  }

  /** True once a key could not be deleted for good: no new entry is sent, only keys already tried get their remaining attempts. */
  get stopped(): boolean {
    return this.failures.length > 0 || this.pool.failed;
  }

  /** Queues entries; sends every full batch (waiting for a free place and for the rate). */
  async add(entries: DeleteEntry[]): Promise<void> {
    if (this.stopped) return;
    this.buffer.push(...entries.map(entry => ({ ...entry, attempt: 1 })));
    while (this.buffer.length >= S3_PAGE_SIZE && !this.stopped) await this.sendNext();
  }

  /** Sends what is left, waits for every batch and retry, and throws if any key or request failed. */
  async finish(): Promise<void> {
    for (;;) {
      if (this.stopped) this.buffer = this.buffer.filter(entry => entry.attempt > 1 && !this.pool.failed);
      if (this.buffer.length) await this.sendNext();
      else if (this.retries.size) await Promise.race(this.retries);
      else if (this.pool.busy) await this.pool.next();
      else break;
    }
    this.pool.throwIfFailed();
    if (this.failures.length) throw new TeardownError(this.failuresLine());
  }

  /** Deletes one entry on its own, now, and answers why S3 would not, if it would not. */
  async deleteAlone(entry: DeleteEntry): Promise<S3KeyError | undefined> {
    const release = await this.options.pacer.acquire(1);
    this.batches.push(1);
    try {
      const [failure] = await this.deleteBatch([{ ...entry, attempt: MAX_KEY_ATTEMPTS }], false);
      return failure?.error;
    } finally {
      release();
    }
  }

  private async sendNext(): Promise<void> {
    this.options.signal?.throwIfAborted();
    const batch = this.buffer.splice(0, S3_PAGE_SIZE);
    await this.pool.run(async () => {
      const release = await this.options.pacer.acquire(batch.length);
      this.batches.push(batch.length);
      try {
        await this.deleteBatch(batch, true);
      } finally {
        release();
      }
    });
  }

  /** One DeleteObjects; answers the keys that failed for good (and records them when `record`). */
  private async deleteBatch(batch: Pending[], record: boolean): Promise<KeyFailure[]> {
    const command = new DeleteObjectsCommand({
      Bucket: this.bucket,
      Delete: { Quiet: true, Objects: batch.map(({ Key, VersionId }) => ({ Key, VersionId })) },
      ...(this.options.bypassGovernance && { BypassGovernanceRetention: true }),
    });
    recordEndpoint(command, url => (this.endpoint ??= url));
    const output = await this.s3.send(command, { abortSignal: this.options.signal }).catch(error => {
      throw couldNot(`delete ${batch.length} versions and delete markers in bucket '${this.bucket}'`, error);
    });
    const failed: KeyFailure[] = [];
    const errors = errorsByEntry(this.bucket, batch, output.Errors ?? []);
    for (const entry of batch) {
      const error = errors.get(entry);
      if (!error) this.countDeleted(entry);
      else if (RETRYABLE_KEY_ERRORS.has(error.Code ?? '') && entry.attempt < MAX_KEY_ATTEMPTS) this.retryLater(entry);
      else failed.push({ entry, error });
    }
    if (record) this.failures.push(...failed);
    this.options.onProgress?.(this.deleted);
    return failed;
  }

  private countDeleted(entry: Pending): void {
    if (entry.deleteMarker) this.deleteMarkersDeleted++;
    else this.versionsDeleted++;
  }

  /** Back into the queue after a pause that doubles with each attempt. */
  private retryLater(entry: Pending): void {
    const retry: Promise<void> = this.clock
      .sleep(KEY_RETRY_DELAY_MS * 2 ** (entry.attempt - 1))
      .then(() => {
        this.buffer.push({ ...entry, attempt: entry.attempt + 1 });
      })
      .finally(() => this.retries.delete(retry));
    this.retries.add(retry);
  }

  private failuresLine(): string {
    const first = this.failures.slice(0, ERRORS_SHOWN).map(({ entry, error }) => {
      const message = error.Message ? `: ${error.Message.replace(/\s+/g, ' ').trim()}` : '';
      const tries = entry.attempt > 1 ? ` (after ${entry.attempt} attempts)` : '';
      return `${error.Code ?? 'an error without a code'} on ${versionName(entry)}${message}${tries}`;
    });
    const more = this.failures.length > ERRORS_SHOWN ? `; and ${this.failures.length - ERRORS_SHOWN} more` : '';
    const where = this.endpoint ? ` at ${this.endpoint}` : '';
    return (
      `could not empty bucket '${this.bucket}': S3 DeleteObjects${where} did not delete ${this.failures.length.toLocaleString('en-US')} ` +
      `key${this.failures.length === 1 ? '' : 's'} (${first.join('; ')}${more}); ` +
      `${this.deleted.toLocaleString('en-US')} versions and delete markers were deleted, the rest is still there`
    );
  }
}

/**
 * Matches each per-key error to the entry it is about: by key and version id, or by
 * key alone when S3 (or an emulator: moto leaves it out) names no version.
 */
function errorsByEntry(bucket: string, batch: Pending[], errors: S3KeyError[]): Map<Pending, S3KeyError> {
  const matched = new Map<Pending, S3KeyError>();
  for (const error of errors) {
    const entry =
      batch.find(e => !matched.has(e) && e.Key === error.Key && error.VersionId !== undefined && e.VersionId === error.VersionId) ??
      batch.find(e => !matched.has(e) && e.Key === error.Key && error.VersionId === undefined);
    if (entry) matched.set(entry, error);
    else throw new TeardownError(`S3 DeleteObjects on bucket '${bucket}' answered an error for a key it was not sent: ${shown(error.Key ?? '')} (${error.Code})`);
  }
  return matched;
}

/** Notes the URL a command goes to, for messages about its answer. */
function recordEndpoint(command: DeleteObjectsCommand, record: (url: string) => void): void {
  command.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      const url = context.endpointV2?.url;
      if (url) record(String(url));
      return next(args);
    },
    { step: 'build', name: 'wickrDrTeardownEndpoint' },
  );
}
