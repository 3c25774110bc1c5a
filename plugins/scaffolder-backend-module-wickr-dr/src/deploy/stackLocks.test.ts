// The stack lock on real databases: SQLite always; PostgreSQL 15 when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names one (`npm test` starts one; Docker is not used).
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { DatabaseStackLocks, HolderTask, STACK_LOCK_MIGRATIONS_TABLE, TaskStatuses } from './stackLocks';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'], disableDocker: true });

const STACK = { stackName: 'wickr-dr-prod', region: 'us-east-1', accountId: '123456789012' };
const NOW = Date.parse('2026-12-10T12:00:00.000Z');

/** The scaffolder's view of its tasks, as GET /v2/tasks/:id answers it. */
class FakeTasks implements TaskStatuses {
  readonly tasks = new Map<string, HolderTask>();
  reads = 0;
  async get(taskId: string) {
    this.reads++;
    return this.tasks.get(taskId);
  }
  running(taskId: string, heartbeatSecondsAgo = 1) {
    this.tasks.set(taskId, { status: 'processing', lastHeartbeatAt: new Date(NOW - heartbeatSecondsAgo * 1000).toISOString() });
  }
}

describe.each(databases.eachSupportedId())('DatabaseStackLocks on %s', databaseId => {
  async function twoReplicas(options: { staleAfterMs?: number } = { staleAfterMs: 30_000 }) {
    const knex = await databases.init(databaseId);
    const tasks = new FakeTasks();
    const make = () =>
      DatabaseStackLocks.create({
        database: { getClient: async () => knex },
        tasks,
        taskPageUrl: id => `http://portal.example/create/tasks/${id}`,
        now: () => NOW,
        ...options,
      });
    // Two instances on one database, as two backend replicas have; the second's migration finds the table there.
    return { knex, tasks, a: await make(), b: await make() };
  }

  it('keeps its own migrations table beside the scaffolder one', async () => {
    const { knex } = await twoReplicas();
    expect(await knex.schema.hasTable(STACK_LOCK_MIGRATIONS_TABLE)).toBe(true);
    expect(await knex.schema.hasTable('knex_migrations')).toBe(false);
    expect(await knex.schema.hasTable('wickr_dr_stack_locks')).toBe(true);
  });

  it('lets only one of two tasks acquiring the same stack at once through, and refuses the other naming the winner and its page', async () => {
    const { a, b, tasks, knex } = await twoReplicas();
    tasks.running('task-a');
    tasks.running('task-b');
    const outcomes = await Promise.allSettled([a.acquire(STACK, 'task-a'), b.acquire(STACK, 'task-b')]);
    const won = outcomes.filter(o => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const [row] = await knex('wickr_dr_stack_locks').select();
    expect(row).toMatchObject({ stack_key: '123456789012/us-east-1/wickr-dr-prod' });
    const winner = row.task_id;
    expect(lost[0].reason).toBeInstanceOf(ConflictError);
    expect(lost[0].reason.message).toMatch(
      new RegExp(
        `^stack wickr-dr-prod in us-east-1 \\(account 123456789012\\) is being changed by task ${winner}, which is still running \\(it took the stack at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\): http://portal\\.example/create/tasks/${winner}; wait for it to finish, then try again$`,
      ),
    );
  });

  it('lets the same task acquire again, from either replica, without asking the scaffolder', async () => {
    const { a, b, tasks } = await twoReplicas();
    await a.acquire(STACK, 'task-a');
    await expect(b.acquire(STACK, 'task-a')).resolves.toBeUndefined();
    await expect(a.acquire(STACK, 'task-a')).resolves.toBeUndefined();
    expect(tasks.reads).toBe(0);
  });

  it('keeps stacks apart by account, region and name', async () => {
    const { a, tasks } = await twoReplicas();
    tasks.running('task-a');
    await a.acquire(STACK, 'task-a');
    await a.acquire({ ...STACK, accountId: undefined }, 'task-b');
    await a.acquire({ ...STACK, region: 'eu-west-2' }, 'task-c');
    await a.acquire({ ...STACK, stackName: 'wickr-dr-test' }, 'task-d');
    await expect(a.acquire(STACK, 'task-e')).rejects.toThrow(ConflictError);
  });

  it.each([
    ['completed', 'has completed'],
    ['failed', 'has failed'],
    ['cancelled', 'was cancelled'],
  ])('takes the stack over from a holder that %s', async (status, said) => {
    const { a, b, tasks, knex } = await twoReplicas();
    await a.acquire(STACK, 'task-a');
    tasks.tasks.set('task-a', { status, lastHeartbeatAt: new Date(NOW).toISOString() });
    await expect(b.acquire(STACK, 'task-b')).resolves.toBe(
      `Took stack wickr-dr-prod in us-east-1 (account 123456789012) over from task task-a, which ${said}`,
    );
    expect((await knex('wickr_dr_stack_locks').select('task_id')).map(r => r.task_id)).toEqual(['task-b']);
    // ...and the old holder, retried, is refused: the stack is the new task's now.
    tasks.running('task-b');
    await expect(a.acquire(STACK, 'task-a')).rejects.toThrow(/is being changed by task task-b/);
  });

  it('takes the stack over from a holder the scaffolder no longer has', async () => {
    const { a, b } = await twoReplicas();
    await a.acquire(STACK, 'task-a');
    await expect(b.acquire(STACK, 'task-b')).resolves.toMatch(/over from task task-a, which is gone$/);
  });

  it('takes the stack over from a running holder whose heartbeat is stale, not from one that beats', async () => {
    const { a, b, tasks } = await twoReplicas({ staleAfterMs: 30_000 });
    await a.acquire(STACK, 'task-a');
    tasks.running('task-a', 29);
    await expect(b.acquire(STACK, 'task-b')).rejects.toThrow(ConflictError);
    tasks.running('task-a', 31);
    await expect(b.acquire(STACK, 'task-b')).resolves.toBe(
      'Took stack wickr-dr-prod in us-east-1 (account 123456789012) over from task task-a, which stopped heart-beating at 2026-12-10T11:59:29.000Z (more than 30 s ago)',
    );
  });

  it("with the scaffolder's task recovery on, never takes over from a task still running or waiting, however stale", async () => {
    const { a, b, tasks } = await twoReplicas({ staleAfterMs: undefined });
    await a.acquire(STACK, 'task-a');
    tasks.running('task-a', 3600);
    await expect(b.acquire(STACK, 'task-b')).rejects.toThrow(/which is still running/);
    // Recovered: waiting for a replica to claim it again.
    tasks.tasks.set('task-a', { status: 'open', lastHeartbeatAt: new Date(NOW - 3_600_000).toISOString() });
    await expect(b.acquire(STACK, 'task-b')).rejects.toThrow(/which is still waiting to run/);
  });

  it('lets exactly one of two tasks take over an ended holder at once', async () => {
    const { a, b, tasks, knex } = await twoReplicas();
    await a.acquire(STACK, 'task-old');
    tasks.tasks.set('task-old', { status: 'failed' });
    tasks.running('task-a');
    tasks.running('task-b');
    const outcomes = await Promise.allSettled([a.acquire(STACK, 'task-a'), b.acquire(STACK, 'task-b')]);
    expect(outcomes.filter(o => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter(o => o.status === 'rejected')).toHaveLength(1);
    expect((await knex('wickr_dr_stack_locks').select('task_id')).map(r => r.task_id)).toEqual([
      outcomes[0].status === 'fulfilled' ? 'task-a' : 'task-b',
    ]);
  });

  it('refuses, naming the holder, when the scaffolder cannot say whether the holder still runs', async () => {
    const { a, b, tasks } = await twoReplicas();
    await a.acquire(STACK, 'task-a');
    jest.spyOn(tasks, 'get').mockRejectedValueOnce(new Error('GET .../v2/tasks/task-a: HTTP 503'));
    await expect(b.acquire(STACK, 'task-b')).rejects.toThrow(
      'stack wickr-dr-prod in us-east-1 (account 123456789012) is held by task task-a (http://portal.example/create/tasks/task-a), and whether that task still runs could not be read: GET .../v2/tasks/task-a: HTTP 503; try again',
    );
  });

  it('releases only for the task that holds the stack', async () => {
    const { a, b, tasks, knex } = await twoReplicas();
    tasks.running('task-a');
    await a.acquire(STACK, 'task-a');
    await b.release(STACK, 'task-b');
    expect(await knex('wickr_dr_stack_locks').select('task_id')).toEqual([{ task_id: 'task-a' }]);
    await b.release(STACK, 'task-a');
    expect(await knex('wickr_dr_stack_locks').select()).toEqual([]);
    await expect(b.acquire(STACK, 'task-b')).resolves.toBeUndefined();
    expect(tasks.reads).toBe(0);
  });
});
