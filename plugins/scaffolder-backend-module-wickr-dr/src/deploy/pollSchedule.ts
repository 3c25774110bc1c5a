/** What the last poll saw. */
export type PollOutcome = 'events' | 'idle';

export interface PollScheduleOptions {
  /** Delay after activity. */
  initialMs?: number;
  /** The longest delay when nothing happens. */
  maxMs?: number;
  /** Idle polls at the initial delay before backing off. */
  quickPolls?: number;
  random?: () => number;
}

/**
 * Delays between polls of a running stack operation: about 2 s while resources
 * change, doubling with jitter up to 20 s while nothing happens, and at least
 * doubling on throttling (bench/deploy compares these settings with the CLI's,
 * the CDK's and rain's polling). Each delay is jittered by up to a quarter either way so
 * that many watchers do not poll in step.
 */
export class PollSchedule {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly quickPolls: number;
  private readonly random: () => number;
  private base: number;
  private idlePolls = 0;

  constructor(options: PollScheduleOptions = {}) {
    this.initialMs = options.initialMs ?? 2_000;
    this.maxMs = options.maxMs ?? 20_000;
    this.quickPolls = options.quickPolls ?? 0;
    this.random = options.random ?? Math.random;
    this.base = this.initialMs;
  }

  /** The delay before the next poll, given what this one saw. */
  next(outcome: PollOutcome): number {
    if (outcome === 'events') {
      this.idlePolls = 0;
      this.base = this.initialMs;
    } else if (++this.idlePolls > this.quickPolls) {
      this.base = Math.min(this.maxMs, this.base * 2);
    }
    return this.jittered(this.base);
  }

  private jittered(ms: number): number {
    return Math.min(this.maxMs, Math.round(ms * (0.75 + this.random() * 0.5)));
  }
}
