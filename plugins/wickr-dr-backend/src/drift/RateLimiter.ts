import { isThrottlingError } from '@smithy/core/retry';

/**
 * Paces calls to at most `perSecond` a second (a token bucket holding one second's
 * worth), so a whole region's drift checks stay under CloudFormation's throttle
 * instead of bouncing off it.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  ) {
    this.tokens = perSecond;
    this.last = clock.now();
  }

  /** Resolves when the next call may go. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }

  /** After a throttling error: spend the bucket, so the next calls slow down at once. */
  drain() {
    this.tokens = 0;
    this.last = this.clock.now();
  }

  private async waitForToken() {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
    }
  }
}

/**
 * One AWS call, paced by the limiter; when throttled anyway, spends the bucket and
 * backs off with jitter (doubling to 30 s) before trying again.
 */
export async function pacedCall<T>(
  limiter: RateLimiter,
  clock: { sleep: (ms: number) => Promise<void>; random: () => number },
  send: () => Promise<T>,
): Promise<T> {
  let backoff = 1_000;
  for (;;) {
    await limiter.take();
    try {
      return await send();
    } catch (error) {
      if (!isThrottlingError(error as any)) throw error;
      limiter.drain();
      await clock.sleep(backoff * (0.5 + clock.random()));
      backoff = Math.min(backoff * 2, 30_000);
    }
  }
}
