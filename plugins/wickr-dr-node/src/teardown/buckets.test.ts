import {
  CreateBucketCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { MOTO_ACCOUNT_ID, MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { intercept, motoS3, recordCalls } from './__testUtils__/middleware';
import { denyNewWrites, DENY_WRITES_SID, stopAccessLogging } from './bucketSettings';
import { deleteBucket } from './deleteBucket';
import { TeardownError } from './errors';

/*
 * Real SDK clients (built by AwsClients) against moto_server on loopback; moto
 * evaluates bucket policies, so the deny statement is seen to refuse a PutObject.
 * Access logs arriving late are simulated: a middleware writes one into the bucket
 * just before DeleteBucket reaches moto, which then answers BucketNotEmpty itself.
 */
describe('bucket teardown steps', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  const retentionBucket = (deployment: string) => `${MOTO_ACCOUNT_ID}-${deployment}-wickrdr`;
  const logBucket = (deployment: string) => `${MOTO_ACCOUNT_ID}-${deployment}-wickrdrlogging`;

  async function versionedBucket(s3: S3Client, bucket: string) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }

  const policyOf = async (s3: S3Client, bucket: string) => JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!);

  describe('denyNewWrites', () => {
    it('adds one statement denying s3:PutObject to everyone, keeps the existing ones, and adds it only once', async () => {
      const s3 = await motoS3(moto);
      const bucket = retentionBucket('deny');
      await versionedBucket(s3, bucket);
      const existing = {
        Sid: 'AllowServerAccessLogDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/retention-bucket/*`,
        Condition: { StringEquals: { 'aws:SourceAccount': MOTO_ACCOUNT_ID } },
      };
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [existing] }) }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'before.json', Body: 'x' }));

      await denyNewWrites(s3, bucket);
      const calls = recordCalls(s3);
      await denyNewWrites(s3, bucket);
      expect(calls.map(c => c.operation)).toEqual(['GetBucketPolicy']);

      expect(await policyOf(s3, bucket)).toEqual({
        Version: '2012-10-17',
        Statement: [
          existing,
          { Sid: DENY_WRITES_SID, Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` },
        ],
      });
      const refused = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after.json', Body: 'x' })).catch(e => e);
      expect(refused.$metadata.httpStatusCode).toBe(403);
    });

    it('writes a policy of its own on a bucket without one, with the partition of the region', async () => {
      const s3 = await motoS3(moto);
      const bucket = retentionBucket('no-policy');
      await versionedBucket(s3, bucket);
      await denyNewWrites(s3, bucket);
      expect((await policyOf(s3, bucket)).Statement).toEqual([
        { Sid: DENY_WRITES_SID, Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` },
      ]);
    });

    it('leaves alone a bucket that does not exist, and refuses a bucket not of the template', async () => {
      const s3 = await motoS3(moto);
      await expect(denyNewWrites(s3, retentionBucket('gone'))).resolves.toBeUndefined();
      await expect(denyNewWrites(s3, 'my-bucket')).rejects.toThrow(/^bucket: must be a Wickr data-retention bucket/);
    });
  });

  describe('stopAccessLogging', () => {
    it('turns server access logging off', async () => {
      const s3 = await motoS3(moto);
      const source = retentionBucket('logged');
      const target = logBucket('logged');
      await versionedBucket(s3, source);
      await versionedBucket(s3, target);
      // As the template does: the access-log bucket lets S3's log delivery write (moto checks it).
      await s3.send(
        new PutBucketPolicyCommand({
          Bucket: target,
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${target}/*` }],
          }),
        }),
      );
      await s3.send(
        new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: 'retention-bucket/' } } }),
      );
      expect((await s3.send(new GetBucketLoggingCommand({ Bucket: source }))).LoggingEnabled?.TargetBucket).toBe(target);
      await stopAccessLogging(s3, source);
      expect((await s3.send(new GetBucketLoggingCommand({ Bucket: source }))).LoggingEnabled).toBeUndefined();
      await expect(stopAccessLogging(s3, retentionBucket('gone'))).resolves.toBeUndefined();
    });
  });

  describe('deleteBucket', () => {
    it("deletes an empty bucket and answers 'absent' for one that does not exist", async () => {
      const s3 = await motoS3(moto);
      const bucket = logBucket('empty');
      await versionedBucket(s3, bucket);
      expect(await deleteBucket(s3, bucket)).toBe('deleted');
      expect((await s3.send(new HeadBucketCommand({ Bucket: bucket })).catch(e => e)).name).toBe('NotFound');
      expect(await deleteBucket(s3, bucket)).toBe('absent');
    });

    it('empties the bucket again when S3 says it is not empty (a late access log, simulated), then deletes it', async () => {
      const s3 = await motoS3(moto);
      const bucket = logBucket('late-logs');
      await versionedBucket(s3, bucket);
      let lateLogs = 1;
      intercept(s3, 'DeleteBucket', async (input, next, args) => {
        if (lateLogs-- > 0) await s3.send(new PutObjectCommand({ Bucket: input.Bucket, Key: 'retention-bucket/2026-12-01-late', Body: 'log' }));
        return next(args);
      });
      const calls = recordCalls(s3);
      expect(await deleteBucket(s3, bucket)).toBe('deleted');
      expect(calls.filter(c => c.operation === 'DeleteBucket')).toHaveLength(2);
      expect(calls.filter(c => c.operation === 'DeleteObjects').map(c => c.input.Delete.Objects.map((o: any) => o.Key))).toEqual([
        ['retention-bucket/2026-12-01-late'],
      ]);
    });

    it('gives up after the attempts allowed when logs keep arriving, saying so in one line', async () => {
      const s3 = await motoS3(moto);
      const bucket = logBucket('endless-logs');
      await versionedBucket(s3, bucket);
      let n = 0;
      intercept(s3, 'DeleteBucket', async (input, next, args) => {
        await s3.send(new PutObjectCommand({ Bucket: input.Bucket, Key: `retention-bucket/late-${n++}`, Body: 'log' }));
        return next(args);
      });
      const error = await deleteBucket(s3, bucket, { attempts: 2 }).catch(e => e);
      expect(error).toBeInstanceOf(TeardownError);
      expect(error.message).toBe(
        `could not delete bucket '${bucket}': it was still not empty after 2 attempts, each after emptying it again (something keeps writing to it: late access logs, or a writer the bucket policy does not stop); tear down again later`,
      );
      expect(n).toBe(2);
      await expect(deleteBucket(s3, bucket, { attempts: 0 })).rejects.toThrow('attempts: must be a whole number from 1 to 10; got 0');
    });
  });
});
