import {
  resolvePackagePath,
  type AuthService,
  type DatabaseService,
  type DiscoveryService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';

/** The stack a task deploys or changes. */
export interface LockedStack {
  stackName: string;
  region: string;
  /** Empty or undefined: the main account. */
  accountId?: string;
}

/**
 * Which task may write a stack: one at a time, across every backend replica. A task
 * takes a stack with its first step that writes and keeps it to its last; the same task
 * takes it again freely (a later step, a retry, a recovery on another replica).
 */
export interface StackLocks {
  /**
   * Takes the stack for the task, or confirms the task holds it. Throws a ConflictError
   * naming the task that holds it and its page when another task does and still runs.
   * Resolves with a line to log when the stack was taken over from a task that ended.
   */
  acquire(stack: LockedStack, taskId: string): Promise<string | undefined>;
  /** Gives the stack up, if the task holds it. */
  release(stack: LockedStack, taskId: string): Promise<void>;
}

/** account/region/stackName, `main` for the main account. */
export function stackLockKey(stack: LockedStack): string {
  return `${stack.accountId || 'main'}/${stack.region}/${stack.stackName}`;
}

/** "stack wickr-dr-prod in us-east-1 (account 123456789012)" */
export function stackDescription(stack: LockedStack): string {
  return `stack ${stack.stackName} in ${stack.region}${stack.accountId ? ` (account ${stack.accountId})` : ''}`;
}

/** What the lock reads of the task holding a stack: the scaffolder's own view of it. */
export interface HolderTask {
  /** open, processing, completed, failed, cancelled, skipped */
  status: string;
  /** ISO 8601: the last time the replica running it said it still does. */
  lastHeartbeatAt?: string;
}

/** Reads a scaffolder task; undefined when there is no such task. */
export interface TaskStatuses {
  get(taskId: string): Promise<HolderTask | undefined>;
}

const ENDED = new Set(['completed', 'failed', 'cancelled', 'skipped']);

/**
 * Scaffolder tasks through the scaffolder's own API (GET /v2/tasks/:id), as the
 * scaffolder plugin itself: a service token, which the permission framework allows.
 */
export class ScaffolderTaskStatuses implements TaskStatuses {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  async get(taskId: string): Promise<HolderTask | undefined> {
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const url = `${await this.deps.discovery.getBaseUrl('scaffolder')}/v2/tasks/${encodeURIComponent(taskId)}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
    const task = (await response.json()) as HolderTask;
    return { status: task.status, lastHeartbeatAt: task.lastHeartbeatAt };
  }
}

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const TABLE = 'wickr_dr_stack_locks';
/** Our own migrations table: the scaffolder's knex_migrations in the same database is its alone. */
export const STACK_LOCK_MIGRATIONS_TABLE = 'wickr_dr_knex_migrations';
const migrationsDir = resolvePackagePath('@wickr-dr/backstage-plugin-scaffolder-backend-module-wickr-dr', 'migrations');

function isoTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  // SQLite's CURRENT_TIMESTAMP: "YYYY-MM-DD HH:MM:SS", UTC.
  const date = new Date(/^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

export interface DatabaseStackLocksOptions {
  /** The scaffolder plugin's database (this module's coreServices.database). */
  database: Pick<DatabaseService, 'getClient' | 'migrations'>;
  tasks: TaskStatuses;
  /** The page of a task, for the refusal: `${app.baseUrl}/create/tasks/<id>`. */
  taskPageUrl: (taskId: string) => string;
  /**
   * How old a running holder's last heartbeat may be before its stack may be taken over;
   * undefined: never (the scaffolder's task recovery restarts or fails such a task itself).
   */
  staleAfterMs?: number;
  logger?: Pick<LoggerService, 'info'>;
  now?: () => number;
}

/**
 * The stack lock as a row of the scaffolder's database: (stack key, task id, acquired
 * at). Taking it is one INSERT that only one replica can win; taking it over from a task
 * that ended (completed, failed, cancelled, or gone) or stopped heart-beating is one
 * UPDATE conditional on the holder it read, which only one replica can win either. The
 * holder's state is the scaffolder's own, read through its API: no heartbeat of ours.
 */
export class DatabaseStackLocks implements StackLocks {
  static async create(options: DatabaseStackLocksOptions): Promise<DatabaseStackLocks> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir, tableName: STACK_LOCK_MIGRATIONS_TABLE });
    }
    return new DatabaseStackLocks(knex, options);
  }

  private constructor(private readonly knex: Knex, private readonly options: DatabaseStackLocksOptions) {}

  async acquire(stack: LockedStack, taskId: string): Promise<string | undefined> {
    const key = stackLockKey(stack);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await this.knex(TABLE)
        .insert({ stack_key: key, task_id: taskId, acquired_at: this.knex.fn.now() })
        .onConflict('stack_key')
        .ignore();
      const row = await this.knex(TABLE).where({ stack_key: key }).first();
      if (!row) continue; // released in between: insert again
      if (row.task_id === taskId) return undefined;

      const holder = row.task_id as string;
      const ended = await this.holderEnded(stack, holder, isoTime(row.acquired_at));
      const taken = await this.knex(TABLE)
        .where({ stack_key: key, task_id: holder })
        .update({ task_id: taskId, acquired_at: this.knex.fn.now() });
      if (Number(taken) === 1) {
        const line = `Took ${stackDescription(stack)} over from task ${holder}, which ${ended}`;
        this.options.logger?.info(`${line} (for task ${taskId})`);
        return line;
      }
      // Another task took it over, or the holder released it, in between: read it again.
    }
    throw new ConflictError(`${stackDescription(stack)} is contended by several tasks at once; try again`);
  }

  async release(stack: LockedStack, taskId: string): Promise<void> {
    await this.knex(TABLE).where({ stack_key: stackLockKey(stack), task_id: taskId }).delete();
  }

  /** Why the holder no longer holds the stack ("failed", "is gone", ...); throws when it still does. */
  private async holderEnded(stack: LockedStack, holder: string, since: string): Promise<string> {
    let task: HolderTask | undefined;
    try {
      task = await this.options.tasks.get(holder);
    } catch (error) {
      throw new ConflictError(
        `${stackDescription(stack)} is held by task ${holder} (${this.options.taskPageUrl(holder)}), and whether that task still runs could not be read: ${(error as Error).message}; try again`,
      );
    }
    if (!task) return 'is gone';
    if (ENDED.has(task.status)) return ['cancelled', 'skipped'].includes(task.status) ? `was ${task.status}` : `has ${task.status}`;
    const { staleAfterMs } = this.options;
    const heartbeat = task.lastHeartbeatAt ? Date.parse(task.lastHeartbeatAt) : NaN;
    const now = (this.options.now ?? Date.now)();
    if (staleAfterMs !== undefined && task.status === 'processing' && heartbeat + staleAfterMs < now) {
      return `stopped heart-beating at ${task.lastHeartbeatAt} (more than ${Math.round(staleAfterMs / 1000)} s ago)`;
    }
    throw new ConflictError(
      `${stackDescription(stack)} is being changed by task ${holder}, which is still ${task.status === 'open' ? 'waiting to run' : 'running'} (it took the stack at ${since}): ${this.options.taskPageUrl(holder)}; wait for it to finish, then try again`,
    );
  }
}

/** What holding a stack needs of an action's context. */
export interface HoldingContext {
  task: { id: string };
  isDryRun?: boolean;
  logger: Pick<LoggerService, 'info'>;
}

/** Takes the stack for the task, or confirms it holds it (a dry run takes nothing); see StackLocks.acquire. */
export async function takeStack(locks: StackLocks, ctx: HoldingContext, stack: LockedStack): Promise<void> {
  if (ctx.isDryRun) return;
  const note = await locks.acquire(stack, ctx.task.id);
  if (note) ctx.logger.info(note);
}

/**
 * Runs work holding the stack for the task (a dry run writes nothing and takes nothing).
 * With `release`, the stack is given up afterwards, whatever the outcome: for the last step
 * of a task that writes it. Otherwise the task keeps it, and it is free once the task ends.
 */
export async function holdingStack<T>(
  locks: StackLocks,
  ctx: HoldingContext,
  stack: LockedStack,
  work: () => Promise<T>,
  options: { release?: boolean } = {},
): Promise<T> {
  if (ctx.isDryRun) return work();
  await takeStack(locks, ctx, stack);
  try {
    return await work();
  } finally {
    if (options.release) await locks.release(stack, ctx.task.id);
  }
}
