/**
 * A simulated S3 bucket for bench/teardown, answering inside a real S3Client: a
 * middleware at the start of the client's deserialize step answers each command, so
 * everything above it runs as against S3 (the input checks, serialization, checksums,
 * signing and, above all, the SDK's own retry strategy, which retries a 503 SlowDown).
 *
 * What it models: 40-80 ms a call (the request is handled halfway through); the
 * ListObjectVersions order and its markers read as positions (S3's behaviour); a
 * DeleteObjects of more than 1,000 keys, or none, refused with 400 MalformedXML; and
 * S3's rate of 3,500 writes a second per prefix (the key up to its first `/`), each
 * key of a DeleteObjects taken as one write (unconfirmed: S3 documents the rate per
 * request): a request that would take a prefix past 3,500 in the last second is
 * refused whole with 503 SlowDown.
 */
import { S3Client } from '@aws-sdk/client-s3';

export const WRITES_PER_SECOND_PER_PREFIX = 3500;
const MAX_KEYS = 1000;

interface Entry {
  Key: string;
  VersionId: string;
  deleteMarker: boolean;
  dead: boolean;
}

export interface SimulatedS3Stats {
  calls: Record<string, number>;
  /** DeleteObjects answered, with the number of keys of each. */
  deleteBatches: number[];
  slowDowns: number;
  malformed: number;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function s3Error(name: string, status: number, message: string) {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

export class SimulatedS3 {
  private readonly entries: Entry[] = [];
  private readonly byVersionId = new Map<string, number>();
  private readonly writes = new Map<string, Array<{ at: number; count: number }>>();
  readonly stats: SimulatedS3Stats = { calls: {}, deleteBatches: [], slowDowns: 0, malformed: 0 };

  /** `keys` objects under `retention/`, each with `versions` versions and then a delete marker (listed newest first, as S3 does). */
  constructor(keys: number, versions: number, private readonly random: () => number) {
    for (let k = 0; k < keys; k++) {
      const Key = `retention/2026/${String(k).padStart(6, '0')}.json`;
      this.push({ Key, VersionId: `m${k}`, deleteMarker: true });
      for (let v = versions - 1; v >= 0; v--) this.push({ Key, VersionId: `v${k}.${v}`, deleteMarker: false });
    }
  }

  private push(entry: Omit<Entry, 'dead'>) {
    this.byVersionId.set(entry.VersionId, this.entries.length);
    this.entries.push({ ...entry, dead: false });
  }

  get left(): { versions: number; deleteMarkers: number } {
    const live = this.entries.filter(e => !e.dead);
    return { versions: live.filter(e => !e.deleteMarker).length, deleteMarkers: live.filter(e => e.deleteMarker).length };
  }

  /** Routes every call of the client to this bucket. */
  attach(client: S3Client): S3Client {
    client.middlewareStack.add(
      (_next: unknown, context: { commandName?: string }) => async (args: { input: any }) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        this.stats.calls[operation] = (this.stats.calls[operation] ?? 0) + 1;
        const latency = 40 + this.random() * 40;
        await sleep(latency / 2);
        try {
          return { output: { $metadata: { httpStatusCode: 200 }, ...this.answer(operation, args.input) }, response: { statusCode: 200, headers: {} } };
        } finally {
          await sleep(latency / 2);
        }
      },
      { step: 'deserialize', name: 'simulatedS3', priority: 'high' },
    );
    return client;
  }

  private answer(operation: string, input: any): object {
    switch (operation) {
      case 'GetBucketVersioning':
        return { Status: 'Enabled' };
      case 'GetObjectLockConfiguration':
        throw s3Error('ObjectLockConfigurationNotFoundError', 404, 'Object Lock configuration does not exist for this bucket');
      case 'ListMultipartUploads':
        return { Uploads: [], IsTruncated: false };
      case 'ListObjectVersions':
        return this.listVersions(input);
      case 'DeleteObjects':
        return this.deleteObjects(input);
      default:
        throw s3Error('NotImplemented', 501, `the simulated S3 does not answer ${operation}`);
    }
  }

  private listVersions(input: { KeyMarker?: string; VersionIdMarker?: string; MaxKeys?: number }) {
    const max = Math.min(input.MaxKeys ?? MAX_KEYS, MAX_KEYS);
    let i = input.VersionIdMarker ? this.byVersionId.get(input.VersionIdMarker)! + 1 : 0;
    const page: Entry[] = [];
    for (; i < this.entries.length && page.length < max; i++) if (!this.entries[i].dead) page.push(this.entries[i]);
    while (i < this.entries.length && this.entries[i].dead) i++;
    const truncated = i < this.entries.length;
    const last = page[page.length - 1];
    const shape = (e: Entry) => ({ Key: e.Key, VersionId: e.VersionId });
    return {
      Versions: page.filter(e => !e.deleteMarker).map(shape),
      DeleteMarkers: page.filter(e => e.deleteMarker).map(shape),
      IsTruncated: truncated,
      ...(truncated && { NextKeyMarker: last.Key, NextVersionIdMarker: last.VersionId }),
    };
  }

  private deleteObjects(input: { Delete: { Objects: Array<{ Key: string; VersionId?: string }> } }) {
    const objects = input.Delete.Objects;
    if (objects.length === 0 || objects.length > MAX_KEYS) {
      this.stats.malformed++;
      throw s3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
    }
    this.takeWrites(objects.map(o => o.Key));
    for (const object of objects) {
      const index = object.VersionId ? this.byVersionId.get(object.VersionId) : undefined;
      if (index !== undefined && this.entries[index].Key === object.Key) this.entries[index].dead = true;
    }
    this.stats.deleteBatches.push(objects.length);
    return { Errors: [] };
  }

  /** Counts the writes per prefix over the last second, or refuses the whole request. */
  private takeWrites(keys: string[]) {
    const now = Date.now();
    const perPrefix = new Map<string, number>();
    for (const key of keys) perPrefix.set(key.split('/')[0], (perPrefix.get(key.split('/')[0]) ?? 0) + 1);
    for (const [prefix, count] of perPrefix) {
      const recent = (this.writes.get(prefix) ?? []).filter(w => w.at > now - 1000);
      this.writes.set(prefix, recent);
      if (recent.reduce((sum, w) => sum + w.count, 0) + count > WRITES_PER_SECOND_PER_PREFIX) {
        this.stats.slowDowns++;
        throw s3Error('SlowDown', 503, 'Please reduce your request rate.');
      }
    }
    for (const [prefix, count] of perPrefix) this.writes.get(prefix)!.push({ at: now, count });
  }
}
