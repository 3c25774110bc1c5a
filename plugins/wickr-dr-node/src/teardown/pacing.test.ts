import { PacingClock, TaskPool, WritePacer } from './pacing';

/** A virtual clock: time moves only when every task waits for a timer. */
class ManualClock implements PacingClock {
  private time = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];

  now = () => this.time;

  sleep = (ms: number) => new Promise<void>(wake => this.timers.push({ at: this.time + Math.max(0, ms), wake }));

  /** Runs `work` to its end, moving time to the next timer whenever nothing else can run. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => (done = true));
    while (!done) {
      for (let i = 0; i < 20; i++) await Promise.resolve();
      if (done) break;
      this.timers.sort((a, b) => a.at - b.at);
      const timer = this.timers.shift();
      if (!timer) throw new Error('deadlock: nothing to wait for');
      this.time = timer.at;
      timer.wake();
    }
    return result;
  }
}

describe('WritePacer (on a virtual clock)', () => {
  /** Sends `sizes` through the pacer, `inFlight` at once, each answered after `latency` ms. */
  async function send(sizes: number[], inFlight: number, latency: (i: number) => number) {
    const clock = new ManualClock();
    const pacer = new WritePacer(3500, clock);
    const requests: Array<{ size: number; sentAt: number; doneAt: number }> = [];
    const pool = new TaskPool(inFlight);
    await clock.run(
      (async () => {
        for (const [i, size] of sizes.entries()) {
          await pool.run(async () => {
            const release = await pacer.acquire(size);
            const request = { size, sentAt: clock.now(), doneAt: NaN };
            requests.push(request);
            await clock.sleep(latency(i));
            request.doneAt = clock.now();
            release();
          });
        }
        await pool.drain();
      })(),
    );
    return requests;
  }

  /** The writes S3 may see in one second with a request: those sent before it and answered less than a second before it was sent. */
  const sharingASecond = (requests: Array<{ size: number; sentAt: number; doneAt: number }>) =>
    requests.map(r => requests.filter(o => o.sentAt <= r.sentAt && o.doneAt + 1000 > r.sentAt).reduce((sum, o) => sum + o.size, 0));

  it('never lets the writes that can share a second at S3 exceed 3,500, whatever the latency', async () => {
    const requests = await send(Array(20).fill(1000), 8, i => 40 + ((i * 37) % 41));
    expect(requests).toHaveLength(20);
    expect(Math.max(...sharingASecond(requests))).toBeLessThanOrEqual(3500);
    // Three full batches a second: the 20th goes out after six windows.
    expect(requests[19].sentAt).toBeGreaterThanOrEqual(6000);
    expect(requests[19].sentAt).toBeLessThan(6 * 1100);
  });

  it('sends in the order asked, and fills the rate with smaller requests', async () => {
    const sizes = [1000, 1000, 1000, 500, 1000, 200];
    const requests = await send(sizes, 6, () => 50);
    expect(requests.map(r => r.size)).toEqual(sizes);
    expect(requests.slice(0, 4).map(r => r.sentAt)).toEqual([0, 0, 0, 0]);
    expect(requests[4].sentAt).toBe(1050);
    expect(Math.max(...sharingASecond(requests))).toBeLessThanOrEqual(3500);
  });

  it('lets a request larger than the rate go alone instead of waiting for ever', async () => {
    const requests = await send([5000, 10], 2, () => 10);
    expect(requests.map(r => [r.size, r.sentAt])).toEqual([
      [5000, 0],
      [10, 1010],
    ]);
  });
});

describe('TaskPool', () => {
  it('runs at most its limit at once and throws the first failure on drain', async () => {
    const pool = new TaskPool(2);
    let running = 0;
    let most = 0;
    const task = (fail?: boolean) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise(resolve => setTimeout(resolve, 5));
      running--;
      if (fail) throw new Error('batch failed');
    };
    for (let i = 0; i < 5; i++) await pool.run(task(i === 3));
    await expect(pool.drain()).rejects.toThrow('batch failed');
    expect(most).toBe(2);
  });
});
