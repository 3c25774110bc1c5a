import { ConfigReader } from '@backstage/config';
import { readOperationsConfig } from './settings';

describe('readOperationsConfig', () => {
  it('keeps a year of operation records by default', () => {
    expect(readOperationsConfig(new ConfigReader({}))).toEqual({ historyDays: 365 });
  });

  it('reads wickrDr.operations.historyDays', () => {
    const config = new ConfigReader({ wickrDr: { operations: { historyDays: 30 } } });
    expect(readOperationsConfig(config)).toEqual({ historyDays: 30 });
  });

  it('refuses fewer than one day, naming the key and the rule', () => {
    const config = new ConfigReader({ wickrDr: { operations: { historyDays: 0 } } });
    expect(() => readOperationsConfig(config)).toThrow(
      'wickrDr.operations.historyDays must be a number of at least 1, not 0',
    );
  });
});
