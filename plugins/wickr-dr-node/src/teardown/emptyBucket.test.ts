import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { InputError } from '@backstage/errors';
import { MOTO_ACCOUNT_ID, MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { failKeys, inParallel, intercept, motoS3, recordCalls } from './__testUtils__/middleware';
import { emptyBucket } from './emptyBucket';
import { BucketProtectedError, TeardownError } from './errors';

/*
 * Real SDK clients (built by AwsClients) against moto_server 5.2.1 on loopback. moto's
 * S3 has versioning, delete markers, Object Lock with the governance bypass, legal
 * holds and bucket policies; it enforces neither MFA delete nor the 1,000-key limit of
 * DeleteObjects, so the limit is checked on the requests the client sent. What moto
 * cannot do is simulated by middleware in the client (./__testUtils__/middleware.ts):
 * per-key errors in a DeleteObjects answer, an MFA delete answer from
 * GetBucketVersioning (moto drops MFADelete), GetObjectRetention (moto answers it with
 * the object's body; the middleware answers it from moto's own HeadObject), and IAM
 * refusing the governance bypass (moto does not enforce IAM).
 */
describe('emptyBucket', () => {
  jest.setTimeout(120_000);
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  const bucketName = (deployment: string) => `${MOTO_ACCOUNT_ID}-${deployment}-wickrdr`;

  async function versionedBucket(s3: S3Client, bucket: string) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }

  /** A bucket of `keys` objects, each with `versions` versions and then a delete marker (deleted the way a user deletes). */
  async function filledBucket(s3: S3Client, bucket: string, keys: number, versions = 2) {
    await versionedBucket(s3, bucket);
    const names = Array.from({ length: keys }, (_, i) => `retention/2026/${String(i).padStart(4, '0')}.json`);
    // One round per version: moto can lose a version when two puts of one key overlap.
    for (let round = 0; round < versions; round++) {
      await inParallel(names, 16, Key => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `message ${round}` })));
    }
    for (let i = 0; i < names.length; i += 1000) {
      const Objects = names.slice(i, i + 1000).map(Key => ({ Key }));
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
    }
    return names;
  }

  /** What the bucket holds, read page by page without deleting anything. */
  async function contents(s3: S3Client, bucket: string) {
    const found = { versions: [] as Array<{ Key: string; VersionId: string }>, deleteMarkers: 0 };
    let markers = {};
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000, ...markers }));
      found.versions.push(...(page.Versions ?? []).map(v => ({ Key: v.Key!, VersionId: v.VersionId! })));
      found.deleteMarkers += page.DeleteMarkers?.length ?? 0;
      if (!page.IsTruncated) return found;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
  }

  const deleteObjectsCalls = (calls: Array<{ operation: string; input: any }>) => calls.filter(c => c.operation === 'DeleteObjects');

  it('deletes every version and delete marker of a bucket of 3,150, in the fewest batches of at most 1,000 keys, and aborts the unfinished upload', async () => {
    const s3 = await motoS3(moto);
    const bucket = bucketName('big');
    await filledBucket(s3, bucket, 1050);
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'retention/2026/upload.bin' }));
    const before = await contents(s3, bucket);
    expect({ versions: before.versions.length, deleteMarkers: before.deleteMarkers }).toEqual({ versions: 2100, deleteMarkers: 1050 });

    const calls = recordCalls(s3);
    const progress: number[] = [];
    const result = await emptyBucket(s3, bucket, { onProgress: n => progress.push(n) });

    expect(result).toMatchObject({ versionsDeleted: 2100, deleteMarkersDeleted: 1050, uploadsAborted: 1 });
    const sent = deleteObjectsCalls(calls).map(c => c.input.Delete.Objects.length);
    expect(sent).toEqual(result.batches);
    expect(sent.every(size => size <= 1000)).toBe(true);
    expect(sent).toHaveLength(Math.ceil(3150 / 1000));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(3150);
    expect(deleteObjectsCalls(calls).every(c => c.input.Delete.Quiet === true && !c.input.BypassGovernanceRetention)).toBe(true);
    expect(progress[progress.length - 1]).toBe(3150);
    expect(calls.filter(c => c.operation === 'ListObjectVersions').every(c => c.input.MaxKeys === 1000)).toBe(true);

    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(after.Versions ?? []).toEqual([]);
    expect(after.DeleteMarkers ?? []).toEqual([]);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
  });

  it('answers an empty result for a bucket that does not exist, and refuses a bucket that is not a Wickr data-retention one', async () => {
    const s3 = await motoS3(moto);
    expect(await emptyBucket(s3, bucketName('never-created'))).toEqual({ versionsDeleted: 0, deleteMarkersDeleted: 0, uploadsAborted: 0, batches: [] });
    await expect(emptyBucket(s3, 'someone-elses-bucket')).rejects.toThrow(InputError);
    await expect(emptyBucket(s3, 'someone-elses-bucket')).rejects.toThrow(
      "bucket: must be a Wickr data-retention bucket, <account id>-<deployment name>-wickrdr or <account id>-<deployment name>-wickrdrlogging; got \"someone-elses-bucket\"",
    );
    await expect(emptyBucket(s3, bucketName('x'), { concurrency: 0 })).rejects.toThrow('concurrency: must be a whole number from 1 to 16; got 0');
  });

  describe('per-key errors in a DeleteObjects answer (simulated: a middleware keeps the keys from moto and reports them as S3 does)', () => {
    it('tries throttled and internal per-key errors again, and then the bucket is empty', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('transient');
      const [, , , k3, , , , k7] = await filledBucket(s3, bucket, 10);
      const seen = new Map<string, number>();
      failKeys(s3, (key, versionId) => {
        const id = `${key} ${versionId}`;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (seen.get(id)! > 1) return undefined;
        if (key === k3) return { Code: 'InternalError', Message: 'We encountered an internal error. Please try again.' };
        if (key === k7) return { Code: 'SlowDown', Message: 'Please reduce your request rate.' };
        return undefined;
      });
      const result = await emptyBucket(s3, bucket);
      expect(result.versionsDeleted + result.deleteMarkersDeleted).toBe(30);
      expect(result.batches[0]).toBe(30);
      expect(result.batches.slice(1).reduce((a, b) => a + b, 0)).toBe(6);
      const after = await contents(s3, bucket);
      expect(after).toEqual({ versions: [], deleteMarkers: 0 });
    });

    it('reports keys S3 would not delete in one line naming the bucket, the count and the first errors, and leaves them', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('denied');
      const names = await filledBucket(s3, bucket, 10, 1);
      const denied = new Set([names[2], names[5]]);
      failKeys(s3, key => (denied.has(key) ? { Code: 'AccessDenied', Message: 'Access Denied' } : undefined));
      const error = await emptyBucket(s3, bucket).catch(e => e);
      expect(error).toBeInstanceOf(TeardownError);
      expect(error.message).not.toContain('\n');
      expect(error.message).toMatch(
        new RegExp(
          `^could not empty bucket '${bucket}': S3 DeleteObjects at http://127\\.0\\.0\\.1:\\d+/\\S* did not delete 4 keys ` +
            `\\(AccessDenied on "${names[2]}" version "[^"]+": Access Denied; AccessDenied on "${names[5]}" version "[^"]+": Access Denied; AccessDenied on "${names[2]}" version "[^"]+": Access Denied; and 1 more\\); ` +
            `16 versions and delete markers were deleted, the rest is still there$`,
        ),
      );
      const left = await contents(s3, bucket);
      expect(new Set(left.versions.map(v => v.Key))).toEqual(denied);
      expect(left.deleteMarkers).toBe(2);
    });

    it('gives up on a key that keeps failing after three attempts, and says so', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('stubborn');
      const names = await filledBucket(s3, bucket, 4, 1);
      let attempts = 0;
      failKeys(s3, key => {
        if (key !== names[1]) return undefined;
        attempts++;
        return { Code: 'InternalError', Message: 'We encountered an internal error. Please try again.' };
      });
      // names[1] has a version and a delete marker: both keep failing.
      const error = await emptyBucket(s3, bucket).catch(e => e);
      expect(error.message).toMatch(/did not delete 2 keys \(InternalError on .*\(after 3 attempts\); InternalError on .*\(after 3 attempts\)\); 6 versions and delete markers/);
      expect(attempts).toBe(6);
      const left = await contents(s3, bucket);
      expect(left.versions.map(v => v.Key)).toEqual([names[1]]);
    });
  });

  describe('refuses, before deleting anything, a bucket the portal cannot empty', () => {
    /** moto answers GetObjectRetention with the object's body; this answers it from moto's HeadObject, which reports the retention. */
    function retentionFromHeadObject(s3: S3Client) {
      intercept(s3, 'GetObjectRetention', async input => {
        const head = await s3.send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key, VersionId: input.VersionId }));
        if (!head.ObjectLockMode) {
          throw Object.assign(new Error('The specified object does not have a ObjectLock configuration'), {
            name: 'NoSuchObjectLockConfiguration',
            $metadata: { httpStatusCode: 404 },
          });
        }
        return { output: { Retention: { Mode: head.ObjectLockMode, RetainUntilDate: head.ObjectLockRetainUntilDate }, $metadata: { httpStatusCode: 200 } } };
      });
    }

    async function lockedBucket(s3: S3Client, bucket: string, mode?: 'COMPLIANCE' | 'GOVERNANCE', objects = 3) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
      if (mode) {
        await s3.send(
          new PutObjectLockConfigurationCommand({
            Bucket: bucket,
            ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: 1 } } },
          }),
        );
      }
      const versions = [];
      for (let i = 0; i < objects; i++) {
        versions.push(await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `retention/${i}.json`, Body: 'message' })));
      }
      retentionFromHeadObject(s3);
      return versions;
    }

    /** Empties a bucket that must be refused; checks the bucket is as it was and answers the error and the deletes sent. */
    async function refusedUntouched(s3: S3Client, bucket: string) {
      const before = await contents(s3, bucket);
      const calls = recordCalls(s3);
      const error = await emptyBucket(s3, bucket).catch(e => e);
      expect(error).toBeInstanceOf(BucketProtectedError);
      expect(error.message).toMatch(new RegExp(`^bucket '${bucket}' cannot be emptied by the portal: .*Nothing was deleted$`));
      expect(calls.filter(c => c.operation === 'AbortMultipartUpload')).toEqual([]);
      expect(await contents(s3, bucket)).toEqual(before);
      return { message: error.message as string, deletes: deleteObjectsCalls(calls) };
    }

    it('MFA delete on (GetBucketVersioning answers MFADelete Enabled; simulated, moto does not keep it)', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('mfa');
      await filledBucket(s3, bucket, 5);
      intercept(s3, 'GetBucketVersioning', async (_input, next, args) => {
        const answer = await next(args);
        return { ...answer, output: { ...answer.output, MFADelete: 'Enabled' } };
      });
      const { message, deletes } = await refusedUntouched(s3, bucket);
      expect(message).toMatch(/MFA delete is on.*turn MFA delete off \(the root user/);
      expect(deletes).toEqual([]);
    });

    it('versions retained in COMPLIANCE mode (moto applies the bucket default to each version)', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('compliance');
      await lockedBucket(s3, bucket, 'COMPLIANCE');
      const { message, deletes } = await refusedUntouched(s3, bucket);
      expect(message).toMatch(/3 object versions retained in COMPLIANCE mode until \d{4}-\d\d-\d\dT[\d:.]+Z at the latest \(first: "retention\/0\.json" version "[^"]+"\); no one, not even the root user, can delete them before; tear down again after that date/);
      expect(deletes).toEqual([]);
    });

    it('a version under a legal hold', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('legal-hold');
      const [, held] = await lockedBucket(s3, bucket);
      await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'retention/1.json', VersionId: held.VersionId, LegalHold: { Status: 'ON' } }));
      const { message, deletes } = await refusedUntouched(s3, bucket);
      expect(message).toMatch(/1 object version under a legal hold \(first: "retention\/1\.json" version "[^"]+"\).*remove the holds/);
      expect(deletes).toEqual([]);
    });

    it('GOVERNANCE retention when IAM refuses the bypass (simulated: AccessDenied for the one version tried)', async () => {
      const s3 = await motoS3(moto);
      const bucket = bucketName('governance-denied');
      await lockedBucket(s3, bucket, 'GOVERNANCE');
      failKeys(s3, () => ({ Code: 'AccessDenied', Message: 'Access Denied' }));
      const { message, deletes } = await refusedUntouched(s3, bucket);
      expect(message).toMatch(/3 object versions are retained in GOVERNANCE mode, and S3 refused to delete one with the bypass \(.*AccessDenied: Access Denied\); give the portal's role s3:BypassGovernanceRetention/);
      expect(deletes).toHaveLength(1);
      expect(deletes[0].input).toMatchObject({ BypassGovernanceRetention: true });
      expect(deletes[0].input.Delete.Objects).toHaveLength(1);
    });
  });

  it('empties a bucket under GOVERNANCE retention with the bypass (moto honours it), one version tried alone first', async () => {
    const s3 = await motoS3(moto);
    const bucket = bucketName('governance');
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
      }),
    );
    for (const Key of ['a', 'b', 'c', 'a']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `retention/${Key}`, Body: 'message' }));
    // Without the bypass moto refuses, as S3 does.
    const { Versions = [] } = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const refused = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: Versions[0].Key, VersionId: Versions[0].VersionId }] } }));
    expect(refused.Errors?.[0]?.Code).toBe('AccessDenied');
    intercept(s3, 'GetObjectRetention', async input => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key, VersionId: input.VersionId }));
      return { output: { Retention: { Mode: head.ObjectLockMode, RetainUntilDate: head.ObjectLockRetainUntilDate }, $metadata: {} } };
    });
    const calls = recordCalls(s3);
    const result = await emptyBucket(s3, bucket);
    expect(result).toMatchObject({ versionsDeleted: 4, deleteMarkersDeleted: 0, batches: [1, 3] });
    expect(deleteObjectsCalls(calls).every(c => c.input.BypassGovernanceRetention === true)).toBe(true);
    expect(await contents(s3, bucket)).toEqual({ versions: [], deleteMarkers: 0 });
  });

  it('stops when cancelled and says how far it got', async () => {
    const s3 = await motoS3(moto);
    const bucket = bucketName('cancelled');
    await filledBucket(s3, bucket, 510, 1);
    const controller = new AbortController();
    const error = await emptyBucket(s3, bucket, { concurrency: 1, signal: controller.signal, onProgress: () => controller.abort() }).catch(e => e);
    expect(error).toBeInstanceOf(TeardownError);
    expect(error.message).toBe(`emptying bucket '${bucket}' was cancelled after 1,000 versions and delete markers were deleted; the rest is still there`);
    const left = await contents(s3, bucket);
    expect(left.versions.length + left.deleteMarkers).toBe(20);
  });
});
