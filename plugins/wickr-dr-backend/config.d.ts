import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  wickrDr?: {
    /** Scheduled drift checks of every registered deployment's stack. */
    drift?: {
      /** (Optional) Set to false to turn the scheduled checks off. Default: true. */
      enabled?: boolean;
      /** (Optional) How often, and how long a whole run may take. Default: every 6 hours, 1-hour timeout. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** (Optional) Reuse CloudFormation's own result when its last check is this recent. Default: 60. */
      reuseWithinMinutes?: number;
      /** (Optional) Give up on one stack's detection after this long. Default: 15. */
      detectionTimeoutMinutes?: number;
      /**
       * (Optional) Detections running at once in one account and region. Default: 50, enough
       * to keep the call rate near callsPerSecond while detections take their 10 to 60 s
       * (see bench/drift); lower it to spare the services the detections read.
       */
      maxConcurrentDetections?: number;
      /**
       * (Optional) CloudFormation calls a second in one account and region. Default: 5, the
       * throttle DescribeStacks is reported to have; lower it if other tools share the account.
       */
      callsPerSecond?: number;
      /**
       * (Optional) Days of drift history kept. After each scheduled run, older checks are
       * deleted, except each deployment's latest one. At least 1. Default: 90.
       */
      historyDays?: number;
      /**
       * (Optional) A "check now" this many seconds after the deployment's last finished
       * check (scheduled or not) answers that check instead of starting a new detection;
       * requests while a check runs always share it. 0 turns the cooldown off. Default: 60.
       */
      checkNowCooldownSeconds?: number;
      /**
       * (Optional) Known false positives to mark as suppressed, on top of the defaults. A
       * suppressed difference stays visible, marked, and never hides another one.
       */
      suppressions?: Array<{
        /** A resource type such as AWS::EC2::SecurityGroup, or * for any. */
        resourceType: string;
        /** A property path such as /Tags/*; a trailing /* matches everything below it. */
        path: string;
        /** Why this is not real drift; shown beside the suppressed difference. */
        reason: string;
      }>;
    };
    /**
     * The password keeper: on a schedule, stores the password each deployment's bot
     * generated (printed in its log) in the bot's secret. Set to false to turn it off.
     * One runner across backend replicas.
     */
    passwordKeeper?:
      | boolean
      | {
          /** (Optional) How often it looks at every bot's log. Default: every 5 minutes. */
          frequency?: SchedulerServiceTaskScheduleDefinitionConfig['frequency'];
          /** (Optional) How long one run may take. Default: 15 minutes. */
          timeout?: SchedulerServiceTaskScheduleDefinitionConfig['timeout'];
          /** (Optional) How long after the backend starts it first runs. Default: 1 minute. */
          initialDelay?: SchedulerServiceTaskScheduleDefinitionConfig['initialDelay'];
          /**
           * (Optional) CloudWatch Logs calls a second in one account and region (and as many
           * Secrets Manager and CloudFormation calls). Default: 5. FilterLogEvents is throttled
           * per account and region (see the account's Service Quotas): lower it if other tools
           * search the logs of the account.
           */
          callsPerSecond?: number;
          /** (Optional) Deployments looked at at once in one account and region. Default: 10. */
          concurrency?: number;
        };
    /** The records of day-two operations (preview, apply, stop, start, teardown, ...) the scaffolder sends. */
    operations?: {
      /**
       * (Optional) Days an operation record is kept. Each new record deletes the older
       * ones (of every deployment), and older ones are never answered. Records outlive
       * their deployment's entity: age alone removes them. At least 1. Default: 365.
       */
      historyDays?: number;
    };
  };
}
