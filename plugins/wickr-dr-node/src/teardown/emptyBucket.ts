import { AbortMultipartUploadCommand, DeleteMarkerEntry, ObjectVersion, S3Client } from '@aws-sdk/client-s3';
import { BatchDeleter, DeleteEntry } from './batchDeleter';
import { BucketProtectedError, couldNot, isAwsError, requireWholeNumber, TeardownError } from './errors';
import { multipartUploadPages, objectVersionPages } from './listing';
import { requireWickrDrBucket } from './names';
import { assertBucketCanBeEmptied, VersionRef, versionName } from './objectLock';
import { TaskPool, WritePacer } from './pacing';

export interface EmptyBucketResult {
  versionsDeleted: number;
  deleteMarkersDeleted: number;
  uploadsAborted: number;
  /** the size of every DeleteObjects batch sent, in order */
  batches: number[];
}

export interface EmptyBucketOptions {
  /** DeleteObjects batches in flight at once (1 to 16). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (deletedSoFar: number) => void;
}

/**
 * Batches in flight at once by default: within S3's write rate (below) three full
 * batches fit in a second, and more in flight only wait for the rate (bench/teardown:
 * 20,000 keys in 6.9 s at 2, 3, 4 or 8 at once, 7.0 s at 1).
 */
export const DEFAULT_EMPTY_CONCURRENCY = 3;
export const MAX_EMPTY_CONCURRENCY = 16;

/**
 * S3's documented rate: 3,500 writes a second per prefix, each key of a DeleteObjects
 * taken as one write. Which prefixes S3 has split a bucket into is not known, so the
 * whole bucket stays within one prefix's rate; a SlowDown past it is the SDK's to retry.
 */
export const S3_WRITES_PER_SECOND = 3500;

/**
 * Everything in a versioned bucket: every version and every delete marker
 * (ListObjectVersions, every page; DeleteObjects in batches of at most 1,000 keys,
 * Quiet, several batches at once within S3's request rate; every per-key error
 * checked and reported in one line naming the bucket, the key count and the first
 * errors), and unfinished multipart uploads aborted. Retries per-key errors that are
 * throttling/internal a bounded number of times. Throws a {@link BucketProtectedError}
 * before anything is deleted when MFA delete or Object Lock keeps the portal out. A
 * bucket that does not exist is empty.
 */
export async function emptyBucket(s3: S3Client, bucket: string, options: EmptyBucketOptions = {}): Promise<EmptyBucketResult> {
  requireWickrDrBucket(bucket);
  const concurrency = requireWholeNumber('concurrency', options.concurrency ?? DEFAULT_EMPTY_CONCURRENCY, 1, MAX_EMPTY_CONCURRENCY);
  const { signal, onProgress } = options;
  const findings = await assertBucketCanBeEmptied(s3, bucket, signal);
  if (findings === 'absent') return { versionsDeleted: 0, deleteMarkersDeleted: 0, uploadsAborted: 0, batches: [] };
  const { governed } = findings;
  const pacer = new WritePacer(S3_WRITES_PER_SECOND);
  const deleter = new BatchDeleter(s3, bucket, { concurrency, pacer, bypassGovernance: governed.length > 0, signal, onProgress });
  try {
    if (governed.length) await assertGovernanceBypass(deleter, bucket, governed);
    const uploadsAborted = await abortUploads(s3, bucket, { concurrency, pacer, signal });
    await deleteEveryVersion(s3, bucket, deleter, signal);
    return {
      versionsDeleted: deleter.versionsDeleted,
      deleteMarkersDeleted: deleter.deleteMarkersDeleted,
      uploadsAborted,
      batches: deleter.batches,
    };
  } catch (error) {
    if (signal?.aborted) {
      throw new TeardownError(
        `emptying bucket '${bucket}' was cancelled after ${deleter.deleted.toLocaleString('en-US')} versions and delete markers were deleted; the rest is still there`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * GOVERNANCE retention gives way to a request with the bypass header from a caller
 * who holds s3:BypassGovernanceRetention. Whether the portal's role holds it shows
 * only by trying: one version alone first, so that a refusal deletes nothing.
 */
async function assertGovernanceBypass(deleter: BatchDeleter, bucket: string, governed: VersionRef[]): Promise<void> {
  const refusal = await deleter.deleteAlone({ ...governed[0], deleteMarker: false });
  if (refusal?.Code === 'AccessDenied') {
    throw new BucketProtectedError(
      bucket,
      `${governed.length.toLocaleString('en-US')} object versions are retained in GOVERNANCE mode, and S3 refused to delete one with the bypass (${versionName(governed[0])}: AccessDenied${refusal.Message ? `: ${refusal.Message}` : ''})`,
      `give the portal's role s3:BypassGovernanceRetention on arn:aws:s3:::${bucket}/* for the teardown, or empty the bucket by hand, then tear down again`,
    );
  }
  if (refusal) {
    throw new TeardownError(`could not empty bucket '${bucket}': S3 DeleteObjects did not delete ${versionName(governed[0])}: ${refusal.Code}: ${refusal.Message ?? ''}`.trim());
  }
}

async function abortUploads(
  s3: S3Client,
  bucket: string,
  { concurrency, pacer, signal }: { concurrency: number; pacer: WritePacer; signal?: AbortSignal },
): Promise<number> {
  let aborted = 0;
  const pool = new TaskPool(concurrency);
  const abort = async (Key: string, UploadId: string) => {
    const release = await pacer.acquire(1);
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }), { abortSignal: signal });
      aborted++;
    } catch (error) {
      if (!isAwsError(error, 'NoSuchUpload')) throw error;
    } finally {
      release();
    }
  };
  try {
    for await (const page of multipartUploadPages(s3, bucket, signal)) {
      for (const upload of page.Uploads ?? []) await pool.run(() => abort(upload.Key!, upload.UploadId!));
    }
    await pool.drain();
  } catch (error) {
    throw couldNot(`abort the unfinished multipart uploads of bucket '${bucket}'`, error);
  }
  return aborted;
}

/**
 * Lists every page and hands its entries to the deleter while the next page is read.
 * The entry a page's markers name is deleted only once the next page is in: S3 reads
 * the markers as positions, but moto looks that version up and ends the listing early
 * when it is gone.
 */
async function deleteEveryVersion(s3: S3Client, bucket: string, deleter: BatchDeleter, signal?: AbortSignal): Promise<void> {
  let held: DeleteEntry | undefined;
  try {
    for await (const page of objectVersionPages(s3, bucket, signal)) {
      const entries = [...(page.Versions ?? []).map(v => entryOf(v, false)), ...(page.DeleteMarkers ?? []).map(m => entryOf(m, true))];
      if (held) entries.push(held);
      held = undefined;
      if (page.IsTruncated) {
        const marker = entries.findIndex(e => e.Key === page.NextKeyMarker && e.VersionId === page.NextVersionIdMarker);
        if (marker >= 0) held = entries.splice(marker, 1)[0];
      }
      await deleter.add(entries);
      if (deleter.stopped) break;
    }
  } catch (error) {
    await deleter.finish().catch(() => undefined);
    throw couldNot(`list the versions in bucket '${bucket}'`, error);
  }
  if (held && !deleter.stopped) await deleter.add([held]);
  await deleter.finish();
}

function entryOf(item: ObjectVersion | DeleteMarkerEntry, deleteMarker: boolean): DeleteEntry {
  return { Key: item.Key!, VersionId: item.VersionId, deleteMarker };
}
