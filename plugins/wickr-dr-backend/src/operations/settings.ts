import type { Config } from '@backstage/config';

export const DEFAULT_OPERATIONS_HISTORY_DAYS = 365;

/** wickrDr.operations from app-config, with the default config.d.ts documents. */
export function readOperationsConfig(config: Config): { historyDays: number } {
  const key = 'wickrDr.operations.historyDays';
  const historyDays = config.getOptionalNumber(key) ?? DEFAULT_OPERATIONS_HISTORY_DAYS;
  if (!(historyDays >= 1)) throw new Error(`${key} must be a number of at least 1, not ${historyDays}`);
  return { historyDays };
}
