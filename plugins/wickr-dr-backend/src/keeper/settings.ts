import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';

export interface KeeperSettings {
  /** CloudWatch Logs calls a second in one account and region (Secrets Manager and CloudFormation get as many). */
  callsPerSecond: number;
  /** Deployments looked at at once in one account and region. */
  concurrency: number;
}

export const DEFAULT_KEEPER_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 15 },
  initialDelay: { minutes: 1 },
};

export const DEFAULT_KEEPER_SETTINGS: KeeperSettings = { callsPerSecond: 5, concurrency: 10 };

const KEY = 'wickrDr.passwordKeeper';

/** A number of at least `min`, or the default; throws naming the key otherwise. */
function atLeast(keeper: Config, key: keyof KeeperSettings, min: number): number {
  const value = keeper.getOptionalNumber(key) ?? DEFAULT_KEEPER_SETTINGS[key];
  if (!(value >= min)) throw new Error(`${KEY}.${key} must be a number of at least ${min}, not ${value}`);
  return value;
}

/** The scheduler's own reading of a schedule, its errors naming where the schedule is. */
function readSchedule(schedule: object): SchedulerServiceTaskScheduleDefinition {
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(new ConfigReader(schedule as any, KEY));
  } catch (error) {
    throw new Error(`${KEY}: ${(error as Error).message}`);
  }
}

/**
 * wickrDr.passwordKeeper from app-config: `false` turns the keeper off; otherwise its
 * schedule (each of frequency, timeout and initialDelay defaults on its own) and pacing.
 */
export function readKeeperConfig(config: Config):
  | { enabled: false }
  | { enabled: true; schedule: SchedulerServiceTaskScheduleDefinition; settings: KeeperSettings } {
  const value = config.getOptional(KEY);
  // A boolean or its spelling ("false" from an environment variable); anything else must be an object.
  const onOff = typeof value === 'boolean' || typeof value === 'string';
  if (onOff && !config.getBoolean(KEY)) return { enabled: false };
  const keeper = value === undefined || onOff ? new ConfigReader({}) : config.getConfig(KEY);
  const given = (['frequency', 'timeout', 'initialDelay'] as const).filter(key => keeper.has(key));
  const schedule = readSchedule({ ...DEFAULT_KEEPER_SCHEDULE, ...Object.fromEntries(given.map(key => [key, keeper.get(key)])) });
  return {
    enabled: true,
    schedule,
    settings: { callsPerSecond: atLeast(keeper, 'callsPerSecond', 0.1), concurrency: atLeast(keeper, 'concurrency', 1) },
  };
}
