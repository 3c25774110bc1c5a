import { ConfigReader } from '@backstage/config';
import { readDriftConfig } from './settings';

describe('readDriftConfig', () => {
  it('keeps 90 days of history and a 60-second "check now" cooldown by default', () => {
    const { settings } = readDriftConfig(new ConfigReader({}));
    expect(settings).toMatchObject({ historyDays: 90, checkNowCooldownMs: 60_000 });
  });

  it('reads wickrDr.drift.historyDays and checkNowCooldownSeconds', () => {
    const config = new ConfigReader({ wickrDr: { drift: { historyDays: 30, checkNowCooldownSeconds: 0 } } });
    expect(readDriftConfig(config).settings).toMatchObject({ historyDays: 30, checkNowCooldownMs: 0 });
  });

  it.each([
    [{ historyDays: 0 }, 'wickrDr.drift.historyDays must be a number of at least 1, not 0'],
    [{ checkNowCooldownSeconds: -5 }, 'wickrDr.drift.checkNowCooldownSeconds must be a number of at least 0, not -5'],
  ])('refuses %j, naming the key and the rule', (drift, message) => {
    expect(() => readDriftConfig(new ConfigReader({ wickrDr: { drift } }))).toThrow(message);
  });
});
