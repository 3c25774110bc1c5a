// Several real backend processes on one PostgreSQL, as a portal with replicas runs: each
// started with startPortal (the backend's TypeScript entry serving the built app), the same
// configuration, one database prefix for all of them (pluginDivisionMode `database`: one
// database per plugin, PREFIX + plugin id), one shared scaffolder working directory, and
// each replica's AWS and Wickr admin API calls through a fault proxy of its own, so a test
// can tell which replica called, and pause or break a call of one replica.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { FaultProxy, startFaultProxy, testPostgres } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { RunningPortal, startPortal } from './portal';

export interface ReplicasOptions {
  /** How many backend processes. Default 2. */
  count?: number;
  /** Configuration every replica gets (e.g. motoPortalConfig(...)), under the harness's own. */
  config?: Record<string, unknown>;
  /** Where AWS calls go (moto's endpoint): each replica reaches it through its own proxy. */
  awsTarget: string;
  /** Where the Wickr admin API's calls go (the fake's endpoint), likewise through a proxy per replica. */
  wickrTarget?: string;
  /** The scaffolder's task recovery: on, with a task stale after this many seconds without a heartbeat. */
  recovery?: { staleTimeoutSeconds: number };
  /** Extra environment variables for every replica. */
  env?: Record<string, string>;
}

/** One line a replica printed (JSON in production), with the fields tests look at. */
export interface LogLine {
  message: string;
  level?: string;
  plugin?: string;
  timestamp?: string;
  [field: string]: unknown;
}

export interface Replica {
  /** A, B, ... */
  readonly name: string;
  readonly baseUrl: string;
  readonly portal: RunningPortal;
  /** This replica's AWS calls (wickrDr.endpoint). */
  readonly aws: FaultProxy;
  /** This replica's Wickr admin API calls (wickrDr.endpoints.wickr), when a wickrTarget was given. */
  readonly wickr?: FaultProxy;
  /** Whether the process still runs. */
  alive(): boolean;
  /** Ends the process at once (SIGKILL): no shutdown hook runs, its tasks are left `processing`. */
  kill(): Promise<void>;
  /** Every line it printed so far. */
  logLines(): LogLine[];
}

/** A scaffolder task as GET /api/scaffolder/v2/tasks/:id answers it. */
export interface TaskView {
  id: string;
  status: 'open' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  lastHeartbeatAt?: string;
  createdAt: string;
}

/** One event of GET /api/scaffolder/v2/tasks/:id/events. */
export interface TaskEvent {
  id: number;
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  body: { message?: string; stepId?: string; status?: string; error?: { name: string; message: string }; [k: string]: unknown };
  createdAt: string;
}

export interface Replicas {
  readonly replicas: Replica[];
  /** The database prefix they share. */
  readonly prefix: string;
  /** The scaffolder working directory they share. */
  readonly workingDirectory: string;
  /** A guest's token (the test overlay's guest sign-in), from the first replica alive. */
  token(): Promise<string>;
  /** POST /api/scaffolder/v2/tasks on a replica; resolves with the task id. */
  createTask(replica: Replica, body: { templateRef: string; values: Record<string, unknown>; secrets?: Record<string, string> }): Promise<string>;
  /** GET /api/scaffolder/v2/tasks/:id through a replica (any replica alive by default). */
  task(taskId: string, replica?: Replica): Promise<TaskView>;
  /** GET /api/scaffolder/v2/tasks/:id/events. */
  events(taskId: string, replica?: Replica): Promise<TaskEvent[]>;
  /** Waits until the task has ended (completed, failed, cancelled), through any replica alive. */
  waitForEnd(taskId: string, timeoutMs?: number): Promise<TaskView>;
  /** A connection to one plugin's database of the shared PostgreSQL (destroy it when done). */
  pluginDatabase(pluginId: string): Knex;
  /** Stops every replica and proxy, and drops the databases under the prefix (once; later calls wait for it). */
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** b over a, objects merged key by key, anything else replaced. */
export function mergeConfig(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [key, value] of Object.entries(b)) {
    out[key] = isObject(value) && isObject(out[key]) ? mergeConfig(out[key] as Json, value) : value;
  }
  return out;
}

function parseLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter(line => line.trim())
    .map(line => {
      try {
        const parsed = JSON.parse(line);
        if (isObject(parsed) && typeof parsed.message === 'string') return parsed as LogLine;
      } catch {
        // not JSON: a line printed before the logger was set up
      }
      return { message: line };
    });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Test backends share the server: a prefix of their own keeps their databases apart. */
const uniquePrefix = () => `e2e_rep_${crypto.randomBytes(4).toString('hex')}_`;

/** Starts `count` replicas on one fresh database prefix. */
export async function startReplicas(options: ReplicasOptions): Promise<Replicas> {
  const postgres = testPostgres();
  const prefix = uniquePrefix();
  const workingDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-replicas-'));
  const connection = { host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password };
  const replicas: Replica[] = [];
  const proxies: FaultProxy[] = [];

  const connect = (database: string) => knexFactory({ client: 'pg', connection: { ...connection, database }, pool: { min: 0, max: 1 } });

  const stopAll = async () => {
    // WICKR_DR_REPLICA_LOGS=<dir> keeps what each replica printed, for a look afterwards.
    const logDir = process.env.WICKR_DR_REPLICA_LOGS;
    if (logDir) {
      fs.mkdirSync(logDir, { recursive: true });
      replicas.forEach(r => fs.writeFileSync(path.join(logDir, `${prefix}${r.name}.log`), r.portal.output()));
    }
    await Promise.all(replicas.map(r => r.portal.stop()));
    await Promise.all(proxies.map(p => p.stop()));
    const admin = connect('postgres');
    try {
      const rows = await admin('pg_database').select('datname').where('datname', 'like', `${prefix.replace(/_/g, '\\_')}%`);
      for (const { datname } of rows) await admin.raw('DROP DATABASE ?? WITH (FORCE)', [datname]);
    } finally {
      await admin.destroy();
    }
    fs.rmSync(workingDirectory, { recursive: true, force: true });
  };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopAll());

  const startOne = async (i: number): Promise<Replica> => {
    const aws = await startFaultProxy({ target: options.awsTarget });
    proxies.push(aws);
    const wickr = options.wickrTarget ? await startFaultProxy({ target: options.wickrTarget }) : undefined;
    if (wickr) proxies.push(wickr);
    const own: Json = {
      backend: { database: { client: 'pg', connection, prefix }, workingDirectory },
      wickrDr: { endpoint: aws.endpoint, ...(wickr && { endpoints: { wickr: wickr.endpoint } }) },
      ...(options.recovery && {
        scaffolder: { taskRecovery: { enabled: true, staleTimeout: { seconds: options.recovery.staleTimeoutSeconds } } },
      }),
    };
    const portal = await startPortal({ config: mergeConfig(options.config ?? {}, own), env: options.env });
    let killed = false;
    return {
      name: String.fromCharCode(65 + i),
      baseUrl: portal.baseUrl,
      portal,
      aws,
      wickr,
      alive: () => !killed,
      async kill() {
        killed = true;
        process.kill(portal.pid, 'SIGKILL');
        // Until the OS has reaped it, the process (and its port) may still be there.
        for (let n = 0; n < 100; n++) {
          try {
            process.kill(portal.pid, 0);
          } catch {
            return;
          }
          await sleep(50);
        }
      },
      logLines: () => parseLines(portal.output()),
    };
  };

  // One after another: replicas started together on a fresh database race on the plugins'
  // first migrations, and one loses with knex's MigrationLocked and exits.
  try {
    for (let i = 0; i < (options.count ?? 2); i++) replicas.push(await startOne(i));
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const anyAlive = () => {
    const replica = replicas.find(r => r.alive());
    if (!replica) throw new Error('no replica is running');
    return replica;
  };

  let cachedToken: string | undefined;
  const token = async () => {
    if (cachedToken) return cachedToken;
    const res = await fetch(`${anyAlive().baseUrl}/api/auth/guest/refresh`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
    if (!res.ok) throw new Error(`guest sign-in answered ${res.status}: ${await res.text()}`);
    cachedToken = (await res.json()).backstageIdentity.token as string;
    return cachedToken;
  };

  const get = async <T>(replica: Replica, url: string): Promise<T> => {
    const res = await fetch(`${replica.baseUrl}${url}`, { headers: { authorization: `Bearer ${await token()}` } });
    if (!res.ok) throw new Error(`GET ${url} on replica ${replica.name}: HTTP ${res.status}: ${await res.text()}`);
    return res.json() as Promise<T>;
  };

  const task = (taskId: string, replica = anyAlive()) => get<TaskView>(replica, `/api/scaffolder/v2/tasks/${taskId}`);

  return {
    replicas,
    prefix,
    workingDirectory,
    token,
    async createTask(replica, body) {
      const res = await fetch(`${replica.baseUrl}/api/scaffolder/v2/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`POST /api/scaffolder/v2/tasks on replica ${replica.name}: HTTP ${res.status}: ${await res.text()}`);
      return (await res.json()).id as string;
    },
    task,
    events: (taskId, replica = anyAlive()) => get<TaskEvent[]>(replica, `/api/scaffolder/v2/tasks/${taskId}/events`),
    async waitForEnd(taskId, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const view = await task(taskId).catch(() => undefined);
        if (view && ['completed', 'failed', 'cancelled'].includes(view.status)) return view;
        if (Date.now() > deadline) throw new Error(`task ${taskId} did not end within ${timeoutMs} ms; it is ${view?.status}`);
        await sleep(250);
      }
    },
    pluginDatabase: pluginId => connect(`${prefix}${pluginId}`),
    stop,
  };
}

/** Waits until `check` answers something other than undefined. */
export async function poll<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}
