/**
 * A discrete-event clock for simulations: sleeps are timers on virtual time, and
 * `run` advances time to the next timer whenever every task is waiting, so many
 * concurrent tasks see the same timeline and a simulated hour takes milliseconds.
 */
export class VirtualClock {
  now = Date.UTC(2026, 10, 28, 12, 0, 0);
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;

  sleep = (ms: number): Promise<void> =>
    new Promise(resolve => {
      this.timers.push({ at: this.now + Math.max(0, ms), seq: this.seq++, resolve });
    });

  random = () => 0.5;

  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const outcome = work.finally(() => {
      settled = true;
    });
    outcome.catch(() => undefined);
    while (!settled) {
      await idle();
      if (settled) break;
      if (this.timers.length === 0) {
        await idle();
        if (!settled && this.timers.length === 0)
          throw new Error('the simulation is stuck: every task waits and no timer is set');
        continue;
      }
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const timer = this.timers.shift()!;
      this.now = Math.max(this.now, timer.at);
      timer.resolve();
    }
    return outcome;
  }
}

/** Lets every pending promise chain run to its next wait. */
function idle() {
  return new Promise(resolve => setImmediate(resolve));
}
