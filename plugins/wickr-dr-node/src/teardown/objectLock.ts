import {
  GetBucketVersioningCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  ObjectVersion,
  S3Client,
} from '@aws-sdk/client-s3';
import { BucketProtectedError, couldNot, isAwsError, shown } from './errors';
import { objectVersionPages } from './listing';
import { TaskPool } from './pacing';

/** A version of an object, as DeleteObjects names it. */
export interface VersionRef {
  Key: string;
  VersionId?: string;
}

/** What Object Lock keeps: versions that only a GOVERNANCE bypass can delete (COMPLIANCE and legal holds stop the teardown). */
export interface LockFindings {
  governed: VersionRef[];
}

/** S3's answers for a version that has no retention or no legal hold. */
const NO_LOCK = ['NoSuchObjectLockConfiguration', 'ObjectLockConfigurationNotFoundError'];
const LOCK_CHECKS_AT_ONCE = 16;

/**
 * Throws a {@link BucketProtectedError}, before anything is deleted, when the portal
 * cannot empty the bucket: MFA delete on, or versions under a legal hold or a
 * COMPLIANCE retention that has not ended. Answers the versions under a GOVERNANCE
 * retention, which need the bypass; 'absent' when there is no such bucket.
 */
export async function assertBucketCanBeEmptied(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<LockFindings | 'absent'> {
  let versioning;
  try {
    versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }), { abortSignal: signal });
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return 'absent';
    throw couldNot(`read the versioning of bucket '${bucket}'`, error);
  }
  if (versioning.MFADelete === 'Enabled') {
    throw new BucketProtectedError(
      bucket,
      "MFA delete is on, so S3 deletes its versions only in requests that carry the root user's MFA code, which the portal cannot give",
      'turn MFA delete off (the root user, with put-bucket-versioning and its MFA device), or empty the bucket by hand, then tear down again',
    );
  }
  if (!(await objectLockEnabled(s3, bucket, signal))) return { governed: [] };
  return lockFindings(bucket, await lockedVersions(s3, bucket, signal));
}

async function objectLockEnabled(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const { ObjectLockConfiguration } = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }), { abortSignal: signal });
    return ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
  } catch (error) {
    if (isAwsError(error, ...NO_LOCK)) return false;
    throw couldNot(`read the Object Lock configuration of bucket '${bucket}'`, error);
  }
}

interface VersionLock {
  version: VersionRef;
  legalHold: boolean;
  mode?: string;
  retainUntil?: Date;
}

/** Every version's legal hold and retention (delete markers carry neither). */
async function lockedVersions(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<VersionLock[]> {
  const locks: VersionLock[] = [];
  const pool = new TaskPool(LOCK_CHECKS_AT_ONCE);
  try {
    for await (const page of objectVersionPages(s3, bucket, signal)) {
      for (const version of page.Versions ?? []) {
        // Kept in listing order, whatever order the checks end in: "first" in a refusal is the listing's first.
        const at = locks.length;
        locks.length += 1;
        await pool.run(async () => {
          locks[at] = await versionLock(s3, bucket, refOf(version), signal);
        });
      }
    }
    await pool.drain();
  } catch (error) {
    throw couldNot(`read the Object Lock state of the versions in bucket '${bucket}'`, error);
  }
  return locks;
}

function refOf(version: ObjectVersion): VersionRef {
  return { Key: version.Key!, VersionId: version.VersionId };
}

async function versionLock(s3: S3Client, bucket: string, version: VersionRef, signal?: AbortSignal): Promise<VersionLock> {
  const input = { Bucket: bucket, Key: version.Key, VersionId: version.VersionId };
  const [hold, retention] = await Promise.all([
    s3.send(new GetObjectLegalHoldCommand(input), { abortSignal: signal }).catch(noLock),
    s3.send(new GetObjectRetentionCommand(input), { abortSignal: signal }).catch(noLock),
  ]);
  return {
    version,
    legalHold: hold?.LegalHold?.Status === 'ON',
    mode: retention?.Retention?.Mode,
    retainUntil: retention?.Retention?.RetainUntilDate,
  };
}

function noLock(error: unknown): undefined {
  if (isAwsError(error, ...NO_LOCK)) return undefined;
  throw error;
}

function lockFindings(bucket: string, locks: VersionLock[], now = new Date()): LockFindings {
  const held = locks.filter(lock => lock.legalHold);
  if (held.length) {
    throw new BucketProtectedError(
      bucket,
      `${count(held.length, 'object version')} under a legal hold (first: ${versionName(held[0].version)}), which no one can delete while the hold lasts`,
      'remove the holds (put-object-legal-hold with Status OFF, which needs s3:PutObjectLegalHold) if your records policy allows it, then tear down again',
    );
  }
  const retained = locks.filter(lock => lock.retainUntil && lock.retainUntil > now);
  const compliance = retained.filter(lock => lock.mode === 'COMPLIANCE');
  if (compliance.length) {
    const until = new Date(Math.max(...compliance.map(lock => lock.retainUntil!.getTime())));
    throw new BucketProtectedError(
      bucket,
      `${count(compliance.length, 'object version')} retained in COMPLIANCE mode until ${until.toISOString()} at the latest (first: ${versionName(compliance[0].version)}); no one, not even the root user, can delete them before`,
      'tear down again after that date, or keep the bucket',
    );
  }
  return { governed: retained.filter(lock => lock.mode === 'GOVERNANCE').map(lock => lock.version) };
}

function count(n: number, thing: string): string {
  return `${n.toLocaleString('en-US')} ${thing}${n === 1 ? '' : 's'}`;
}

export function versionName(version: VersionRef): string {
  return `${shown(version.Key)}${version.VersionId ? ` version ${shown(version.VersionId, 80)}` : ''}`;
}
