import {
  ListMultipartUploadsCommand,
  ListMultipartUploadsCommandOutput,
  ListObjectVersionsCommand,
  ListObjectVersionsCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { TeardownError } from './errors';

/*
 * The SDK ships no paginator for ListObjectVersions or ListMultipartUploads: S3's
 * model marks neither as paginated, because each pages with two markers (a key and
 * a version or upload id), which the SDK's paginator factory (one token) cannot
 * carry. These two loops are the only hand-written page loops of the teardown.
 */

/** S3's largest page, and the most keys one DeleteObjects takes. */
export const S3_PAGE_SIZE = 1000;

export async function* objectVersionPages(
  s3: S3Client,
  bucket: string,
  signal?: AbortSignal,
): AsyncGenerator<ListObjectVersionsCommandOutput> {
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    signal?.throwIfAborted();
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: S3_PAGE_SIZE, ...markers }), { abortSignal: signal });
    yield page;
    if (!page.IsTruncated) return;
    const next = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    if (!next.KeyMarker || sameMarkers(next, markers)) throw stuck('ListObjectVersions', bucket);
    markers = next;
  }
}

export async function* multipartUploadPages(
  s3: S3Client,
  bucket: string,
  signal?: AbortSignal,
): AsyncGenerator<ListMultipartUploadsCommandOutput> {
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    signal?.throwIfAborted();
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: S3_PAGE_SIZE, ...markers }), { abortSignal: signal });
    yield page;
    if (!page.IsTruncated) return;
    const next = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    if (!next.KeyMarker || sameMarkers(next, markers)) throw stuck('ListMultipartUploads', bucket);
    markers = next;
  }
}

function sameMarkers(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  return Object.keys(a).every(key => a[key] === b[key]);
}

/** A truncated page whose markers do not move on would be listed for ever. */
function stuck(operation: string, bucket: string): TeardownError {
  return new TeardownError(`S3 ${operation} of bucket '${bucket}' answered a truncated page without new markers; stopped instead of listing the same page again`);
}
