import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** Discovers Wickr data-retention stacks by their `wickr-dr:deployment` tag. */
      wickrDr?: {
        /**
         * (Optional) Accounts to look in; each must be configured under `aws.accounts`
         * (one that is not is reported at start-up and not looked in).
         * If not set, the main account (`aws.mainAccount`, or the SDK's default chain).
         */
        accounts?: string[];
        /** Regions to look in, for example the four Wickr Regions. */
        regions: string[];
        /** (Optional) Owner of a stack that has no `wickr-dr:owner` tag. Default: group:default/platform-team. */
        defaultOwner?: string;
        /** (Optional) How often to look. Default: every 10 minutes, 5-minute timeout. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
