/** Time, injectable so that the pacing can be tested on a virtual clock. */
export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PacingClock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

const WINDOW_MS = 1000;

interface Use {
  count: number;
  /** When the request came back; undefined while it is in flight. */
  doneAt?: number;
}

/**
 * Keeps writes within a rate of `perSecond` over any one second. A request counts
 * from the moment it is sent until one second after its answer: S3 handles it
 * somewhere in between, so a new request sent after that can never share a second
 * with it at S3, whatever the latency. Requests wait their turn in order.
 */
export class WritePacer {
  private readonly uses = new Set<Use>();
  private queue: Promise<unknown> = Promise.resolve();
  private wakeOnRelease: Array<() => void> = [];

  constructor(readonly perSecond: number, private readonly clock: PacingClock = realClock) {}

  /** Waits until `count` more writes fit, counts them, and gives the function to call when their answer is in. */
  acquire(count: number): Promise<() => void> {
    const turn = this.queue.then(() => this.waitFor(count));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitFor(count: number): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      for (const use of this.uses) if (use.doneAt !== undefined && use.doneAt + WINDOW_MS <= now) this.uses.delete(use);
      const used = [...this.uses].reduce((sum, use) => sum + use.count, 0);
      // A request larger than the rate cannot wait for room that never comes: it goes alone.
      if (used + count <= this.perSecond || this.uses.size === 0) return this.take(count);
      const leaving = [...this.uses].flatMap(use => (use.doneAt === undefined ? [] : [use.doneAt + WINDOW_MS]));
      await (leaving.length ? this.clock.sleep(Math.min(...leaving) - now) : this.nextRelease());
    }
  }

  private take(count: number): () => void {
    const use: Use = { count };
    this.uses.add(use);
    return () => {
      if (use.doneAt !== undefined) return;
      use.doneAt = this.clock.now();
      const waiting = this.wakeOnRelease;
      this.wakeOnRelease = [];
      waiting.forEach(wake => wake());
    };
  }

  private nextRelease(): Promise<void> {
    return new Promise(resolve => this.wakeOnRelease.push(resolve));
  }
}

/** Runs tasks with at most `limit` at once; `run` waits for a free place. The first failure is thrown by the next `run` or `drain`. */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure?: { error: unknown };

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();
    const running: Promise<void> = task()
      .then(
        () => undefined,
        error => {
          this.failure ??= { error };
        },
      )
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Waits for one running task to end. */
  async next(): Promise<void> {
    if (this.running.size) await Promise.race(this.running);
  }

  /** Waits until every task has ended, then throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.race(this.running);
    this.throwIfFailed();
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
