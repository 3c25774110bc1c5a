/**
 * Paces calls to at most `perSecond` a second (a token bucket holding one second's
 * worth), so a whole region's drift checks stay under CloudFormation's throttle
 * instead of bouncing off it. Pacing is proactive; retrying a call that is throttled
 * anyway is the SDK's job (AwsClients configures its retry mode).
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

interface SendingClient {
  send(...args: any[]): Promise<any>;
}

/**
 * The client with every `send` paced by the limiter. It keeps the client as its
 * prototype, so the SDK's paginators, which check `instanceof`, take it as it is.
 */
export function pacedClient<C extends SendingClient>(client: C, limiter: RateLimiter): C {
  const paced = Object.create(client) as C;
  const send = (...args: any[]) => limiter.take().then(() => client.send(...args));
  Object.defineProperty(paced, 'send', { value: send });
  return paced;
}
