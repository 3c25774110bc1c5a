import { PollSchedule } from './pollSchedule';

describe('PollSchedule', () => {
  const steady = () => new PollSchedule({ random: () => 0.5 });

  it('starts near 2 s and stays there while events come', () => {
    const schedule = steady();
    expect([1, 2, 3].map(() => schedule.next('events'))).toEqual([2_000, 2_000, 2_000]);
  });

  it('backs off by doubling while nothing happens, to 20 s at most', () => {
    const schedule = steady();
    const delays = Array.from({ length: 6 }, () => schedule.next('idle'));
    expect(delays).toEqual([4_000, 8_000, 16_000, 20_000, 20_000, 20_000]);
  });

  it('can wait a few idle polls before backing off', () => {
    const schedule = new PollSchedule({ random: () => 0.5, quickPolls: 2, maxMs: 30_000 });
    const delays = Array.from({ length: 5 }, () => schedule.next('idle'));
    expect(delays).toEqual([2_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('returns to 2 s as soon as something happens', () => {
    const schedule = steady();
    for (let i = 0; i < 6; i++) schedule.next('idle');
    expect(schedule.next('events')).toBe(2_000);
  });

  it('jitters each delay by up to a quarter either way', () => {
    const low = new PollSchedule({ random: () => 0 });
    const high = new PollSchedule({ random: () => 0.999 });
    expect(low.next('events')).toBe(1_500);
    expect(high.next('events')).toBe(2_499);
  });
});
