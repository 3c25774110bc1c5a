/** A throttle's token bucket: `perSecond` calls a second, a second's worth held, refilled by the clock given. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly perSecond: number, now: number) {
    this.tokens = perSecond;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
