import { S3Client } from '@aws-sdk/client-s3';
import { ConfigReader } from '@backstage/config';
import { MotoServer } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AwsClients } from '../../awsClients';

/*
 * What moto_server cannot do, simulated inside the real SDK client: a middleware
 * at the start of the client's stack sees each command's input and may answer in
 * moto's place or change what goes to moto and what comes back. Everything else is
 * the real SDK talking to moto on loopback.
 */

type Next = (args: { input: any }) => Promise<{ output: any; response?: unknown }>;
export type Interceptor = (input: any, next: Next, args: { input: any }) => Promise<{ output: any; response?: unknown }>;

interface StackOwner {
  middlewareStack: { add(middleware: unknown, options: object): void };
}

let count = 0;

/** Hands every call of one operation (DeleteObjects, ...) to `interceptor`. */
export function intercept(client: StackOwner, operation: string, interceptor: Interceptor): void {
  client.middlewareStack.add(
    (next: Next, context: { commandName?: string }) => async (args: { input: any }) =>
      context.commandName === `${operation}Command` ? interceptor(args.input, next, args) : next(args),
    { step: 'initialize', name: `teardownTest${operation}${++count}` },
  );
}

/** Every call the client makes, with its input, in order (before any interceptor answers it). */
export function recordCalls(client: StackOwner): Array<{ operation: string; input: any }> {
  const calls: Array<{ operation: string; input: any }> = [];
  client.middlewareStack.add(
    (next: Next, context: { commandName?: string }) => async (args: { input: any }) => {
      calls.push({ operation: String(context.commandName).replace(/Command$/, ''), input: args.input });
      return next(args);
    },
    { step: 'initialize', name: `teardownTestRecord${++count}`, priority: 'high' },
  );
  return calls;
}

/** A per-key error of a DeleteObjects answer, as S3 writes it. */
export interface KeyError {
  Code: string;
  Message: string;
}

/**
 * Per-key errors, which moto never answers: each key for which `errorFor` gives an
 * error is taken out of the request before it goes to moto (so it really stays in
 * the bucket) and put into the answer's Errors, as S3 reports a key it did not delete.
 */
export function failKeys(client: StackOwner, errorFor: (key: string, versionId?: string) => KeyError | undefined): void {
  intercept(client, 'DeleteObjects', async (input, next, args) => {
    const objects: Array<{ Key: string; VersionId?: string }> = input.Delete.Objects;
    const failed = objects.flatMap(o => {
      const error = errorFor(o.Key, o.VersionId);
      return error ? [{ Key: o.Key, VersionId: o.VersionId, ...error }] : [];
    });
    const kept = objects.filter(o => !failed.some(f => f.Key === o.Key && f.VersionId === o.VersionId));
    const answer = kept.length
      ? await next({ ...args, input: { ...input, Delete: { ...input.Delete, Objects: kept } } })
      : { output: { $metadata: { httpStatusCode: 200 } } };
    return { ...answer, output: { ...answer.output, Errors: [...(answer.output.Errors ?? []), ...failed] } };
  });
}

/**
 * AwsClients for moto's account with `wickrDr.endpoint` at moto: a new cache, so
 * middleware added in one test stays there. With the SDK's standard retries: moto's
 * threaded server fails a ListObjectVersions with HTTP 500 (a TypeError inside moto)
 * while a DeleteObjects changes the same bucket, and the SDK retries it as it retries
 * S3's own 500s.
 */
export function motoAwsClients(moto: MotoServer): AwsClients {
  return AwsClients.fromConfig(
    new ConfigReader({
      aws: { mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
      wickrDr: { endpoint: moto.endpoint, retry: { maxAttempts: 6, mode: 'standard' } },
    }),
  );
}

export async function motoS3(moto: MotoServer): Promise<S3Client> {
  return motoAwsClients(moto).get(S3Client, { region: 'us-east-1' });
}

/** Runs `work` over the items with at most `limit` at once. */
export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
