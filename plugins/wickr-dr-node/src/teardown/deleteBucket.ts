import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { emptyBucket } from './emptyBucket';
import { couldNot, isAwsError, requireWholeNumber, TeardownError } from './errors';
import { requireWickrDrBucket } from './names';
import { realClock } from './pacing';

export const DEFAULT_DELETE_BUCKET_ATTEMPTS = 5;
const NOT_EMPTY_PAUSE_MS = 2000;

export interface DeleteBucketOptions {
  /** DeleteBucket calls in all (1 to 10), each after emptying again when S3 says the bucket is not empty. */
  attempts?: number;
}

/**
 * Delete an emptied bucket; on BucketNotEmpty (access logs arrive late) empty it
 * again and retry a bounded number of times. 'absent' when it does not exist.
 */
export async function deleteBucket(s3: S3Client, bucket: string, options: DeleteBucketOptions = {}): Promise<'deleted' | 'absent'> {
  requireWickrDrBucket(bucket);
  const attempts = requireWholeNumber('attempts', options.attempts ?? DEFAULT_DELETE_BUCKET_ATTEMPTS, 1, 10);
  for (let attempt = 1; ; attempt++) {
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      return 'deleted';
    } catch (error) {
      if (isAwsError(error, 'NoSuchBucket')) return 'absent';
      if (!isAwsError(error, 'BucketNotEmpty')) throw couldNot(`delete bucket '${bucket}'`, error);
      if (attempt >= attempts) {
        throw new TeardownError(
          `could not delete bucket '${bucket}': it was still not empty after ${attempts} attempts, each after emptying it again (something keeps writing to it: late access logs, or a writer the bucket policy does not stop); tear down again later`,
          { cause: error },
        );
      }
    }
    // A pause, so that logs already on their way land before the bucket is emptied again.
    await realClock.sleep(NOT_EMPTY_PAUSE_MS * attempt);
    await emptyBucket(s3, bucket);
  }
}
