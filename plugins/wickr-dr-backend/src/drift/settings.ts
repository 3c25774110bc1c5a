import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { DEFAULT_SUPPRESSIONS } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { DriftSettings } from './DriftChecker';

export const DEFAULT_DRIFT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 6 },
  timeout: { hours: 1 },
  initialDelay: { minutes: 5 },
};

/** wickrDr.drift from app-config, with the defaults config.d.ts documents. */
export function readDriftConfig(config: Config): {
  enabled: boolean;
  schedule: SchedulerServiceTaskScheduleDefinition;
  settings: DriftSettings;
} {
  const drift = config.getOptionalConfig('wickrDr.drift');
  const minutes = (key: string, fallback: number) => (drift?.getOptionalNumber(key) ?? fallback) * 60_000;
  const atLeast = (key: string, min: number, fallback: number) => {
    const value = drift?.getOptionalNumber(key) ?? fallback;
    if (!(value >= min)) throw new Error(`wickrDr.drift.${key} must be a number of at least ${min}, not ${value}`);
    return value;
  };
  const extra = (drift?.getOptionalConfigArray('suppressions') ?? []).map(rule => ({
    resourceType: rule.getString('resourceType'),
    path: rule.getString('path'),
    reason: rule.getString('reason'),
  }));
  return {
    enabled: drift?.getOptionalBoolean('enabled') ?? true,
    schedule: drift?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(drift.getConfig('schedule'))
      : DEFAULT_DRIFT_SCHEDULE,
    settings: {
      reuseWithinMs: minutes('reuseWithinMinutes', 60),
      detectionTimeoutMs: minutes('detectionTimeoutMinutes', 15),
      maxConcurrentDetections: drift?.getOptionalNumber('maxConcurrentDetections') ?? 50,
      callsPerSecond: drift?.getOptionalNumber('callsPerSecond') ?? 5,
      suppressions: [...DEFAULT_SUPPRESSIONS, ...extra],
      historyDays: atLeast('historyDays', 1, 90),
      checkNowCooldownMs: atLeast('checkNowCooldownSeconds', 0, 60) * 1000,
    },
  };
}
