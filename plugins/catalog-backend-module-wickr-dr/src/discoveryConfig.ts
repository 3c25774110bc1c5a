import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { AllowedAccounts, deploymentFieldRules } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { DiscoveryTarget } from './WickrDrEntityProvider';

export const CONFIG_KEY = 'catalog.providers.wickrDr';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
};

export interface DiscoveryConfig {
  regions: string[];
  /** undefined: the main account only. */
  accounts?: string[];
  defaultOwner: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/** `catalog.providers.wickrDr`, or undefined when it is not there. */
export function readDiscoveryConfig(config: Config): DiscoveryConfig | undefined {
  const providerConfig = config.getOptionalConfig(CONFIG_KEY);
  if (!providerConfig) return undefined;
  const schedule = providerConfig.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(providerConfig.getConfig('schedule'))
    : DEFAULT_SCHEDULE;
  return {
    regions: [...new Set(providerConfig.getStringArray('regions'))],
    accounts: providerConfig.has('accounts') ? [...new Set(providerConfig.getStringArray('accounts'))] : undefined,
    defaultOwner: providerConfig.getOptionalString('defaultOwner') ?? 'group:default/platform-team',
    schedule: { scope: 'global', ...schedule },
  };
}

const ACCOUNT_ID = new RegExp(deploymentFieldRules.accountId.pattern);

/** Why discovery may not look in an account, naming the setting; undefined when it may. */
export function accountProblem(accountId: string, allowed: AllowedAccounts): string | undefined {
  if (!ACCOUNT_ID.test(accountId)) {
    return `${CONFIG_KEY}.accounts: ${JSON.stringify(accountId)} is not ${deploymentFieldRules.accountId.rule}; its stacks are not discovered`;
  }
  if (allowed.configured.includes(accountId)) return undefined;
  const configured = allowed.configured.length ? `only ${allowed.configured.join(', ')} are` : 'none is';
  return `${CONFIG_KEY}.accounts: ${accountId} is not configured under aws.accounts (${configured}), so its stacks are not discovered; add it to aws.accounts or remove it from ${CONFIG_KEY}.accounts`;
}

/**
 * Every account and region to look in. An account that is not configured under
 * aws.accounts (AwsClients would refuse it) is reported once and left out; the
 * others are still discovered.
 */
export function discoveryTargets(
  discovery: DiscoveryConfig,
  allowed: AllowedAccounts,
  report: (problem: string) => void,
): DiscoveryTarget[] {
  const accounts = discovery.accounts ?? [undefined];
  return accounts.flatMap(accountId => {
    const problem = accountId === undefined ? undefined : accountProblem(accountId, allowed);
    if (problem) {
      report(problem);
      return [];
    }
    return discovery.regions.map(region => (accountId ? { accountId, region } : { region }));
  });
}
