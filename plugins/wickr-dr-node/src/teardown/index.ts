export { emptyBucket, DEFAULT_EMPTY_CONCURRENCY, S3_WRITES_PER_SECOND } from './emptyBucket';
export type { EmptyBucketOptions, EmptyBucketResult } from './emptyBucket';
export { denyNewWrites, stopAccessLogging, DENY_WRITES_SID } from './bucketSettings';
export { deleteBucket } from './deleteBucket';
export type { DeleteBucketOptions } from './deleteBucket';
export { deleteLogGroup, deleteSecretWithRecovery, scheduleKeyDeletion } from './retained';
export { deleteFileSystem } from './fileSystem';
export { BucketProtectedError, TeardownError } from './errors';
