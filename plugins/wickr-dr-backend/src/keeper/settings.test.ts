import { ConfigReader } from '@backstage/config';
import { readKeeperConfig } from './settings';

describe('readKeeperConfig', () => {
  it('runs every 5 minutes by default, a minute after start, for at most 15 minutes a run', () => {
    expect(readKeeperConfig(new ConfigReader({}))).toEqual({
      enabled: true,
      schedule: { frequency: { minutes: 5 }, timeout: { minutes: 15 }, initialDelay: { minutes: 1 }, scope: undefined },
      settings: { callsPerSecond: 5, concurrency: 10 },
    });
  });

  it.each([[false], ['false']])('is off with passwordKeeper: %j', value => {
    expect(readKeeperConfig(new ConfigReader({ wickrDr: { passwordKeeper: value } }))).toEqual({ enabled: false });
  });

  it('takes each schedule key on its own, the others keeping their defaults', () => {
    const config = new ConfigReader({
      wickrDr: { passwordKeeper: { frequency: { cron: '*/2 * * * *' }, callsPerSecond: 2 } },
    });
    expect(readKeeperConfig(config)).toMatchObject({
      schedule: { frequency: { cron: '*/2 * * * *' }, timeout: { minutes: 15 }, initialDelay: { minutes: 1 } },
      settings: { callsPerSecond: 2, concurrency: 10 },
    });
    expect(readKeeperConfig(new ConfigReader({ wickrDr: { passwordKeeper: true } }))).toMatchObject({ enabled: true });
  });

  it.each([
    [{ concurrency: 0 }, 'wickrDr.passwordKeeper.concurrency must be a number of at least 1, not 0'],
    [{ callsPerSecond: -1 }, 'wickrDr.passwordKeeper.callsPerSecond must be a number of at least 0.1, not -1'],
  ])('refuses %j, naming the key and the rule', (passwordKeeper, message) => {
    expect(() => readKeeperConfig(new ConfigReader({ wickrDr: { passwordKeeper } }))).toThrow(message);
  });

  it('names the key of a duration it cannot read', () => {
    const config = new ConfigReader({ wickrDr: { passwordKeeper: { timeout: 'soon' } } });
    expect(() => readKeeperConfig(config)).toThrow(/wickrDr\.passwordKeeper.*timeout/);
  });
});
