import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { BotConfig, botConfigFromOutputs, DeploymentTarget, deploymentTarget } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  AwsClients,
  AwsTarget,
  awsErrorLine,
  captureGeneratedPassword,
  CaptureOutcome,
  describeSecret,
  describeStack,
  secretNotOfStack,
  stackOutputs,
} from '@wickr-dr/backstage-plugin-wickr-dr-node';
import pLimit from 'p-limit';
import type { DeploymentSource } from '../drift/DriftChecker';
import { pacedClient, RateLimiter } from '../drift/RateLimiter';
import { knownBannerId, nextRecord, nextSince } from './nextRecord';
import { KeeperRecord, RegistrationStore } from './RegistrationStore';
import type { KeeperSettings } from './settings';

export interface KeeperClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface PasswordKeeperOptions {
  awsClients: AwsClients;
  store: RegistrationStore;
  logger: LoggerService;
  settings: KeeperSettings;
  clock?: Partial<KeeperClock>;
}

/** A deployment whose bot the keeper looks after: trusted, with a log group and a secret. */
export interface KeptDeployment {
  entityRef: string;
  target: DeploymentTarget & { botLogGroup: string; botSecretArn: string };
}

/** What one look at a bot's log found, and what the keeper now remembers. */
interface Look {
  outcome: CaptureOutcome;
  record: KeeperRecord;
}

/** Counts of one scheduled run. */
export interface KeeperRunSummary {
  looked: number;
  captured: number;
  failed: number;
  skipped: number;
}

/** Thrown when a deployment has nowhere to look: its stack has no bot log group or secret output. */
export class NothingToKeepError extends Error {
  constructor(entityRef: string) {
    super(`${entityRef} has no bot log group or secret: its stack has no BotLogGroupName or BotSecretArn output`);
    this.name = 'NothingToKeepError';
  }
}

const realClock: KeeperClock = {
  now: Date.now,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

const targetKey = (target: AwsTarget) => `${target.accountId ?? 'main'}/${target.region}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** The deployment the keeper can look after, or throws why not. */
export function keptDeployment(entityRef: string, target: DeploymentTarget): KeptDeployment {
  const { botLogGroup, botSecretArn } = target;
  if (!botLogGroup || !botSecretArn) throw new NothingToKeepError(entityRef);
  return { entityRef, target: { ...target, botLogGroup, botSecretArn } };
}

/** Bots that have not registered yet first: theirs are the banners that are due. */
function waitingFirst(records: Map<string, KeeperRecord>) {
  const rank = (d: KeptDeployment) => (records.get(d.entityRef)?.status === 'registered' ? 1 : 0);
  return (a: KeptDeployment, b: KeptDeployment) => rank(a) - rank(b);
}

/**
 * Keeps every deployment's secret holding the password its bot generated: on a schedule,
 * for each deployment of the catalog, one look at its log for a generated-password banner
 * since the last look (one FilterLogEvents call when there is none), and when there is a
 * new one, its value stored as the secret's new version. Calls are paced per account and
 * region; a deployment that fails fails on its own, with one warning.
 */
export class PasswordKeeper {
  private readonly clock: KeeperClock;
  private readonly limiters = new Map<string, RateLimiter>();
  /** The look under way per entity, which the scheduled run and "capture now" share. */
  private readonly running = new Map<string, Promise<Look>>();
  /** Why each skipped entity was skipped, so that a reason is logged once, not every run. */
  private readonly skipped = new Map<string, string>();

  constructor(private readonly options: PasswordKeeperOptions) {
    this.clock = { ...realClock, ...options.clock };
  }

  /** The scheduled run over every deployment of the source. */
  async keepAll(source: DeploymentSource): Promise<KeeperRunSummary> {
    const { kept, skipped } = this.resolve(await source.deployments());
    const records = await this.options.store.all();
    const groups = new Map<string, KeptDeployment[]>();
    for (const deployment of kept.sort(waitingFirst(records))) {
      const key = targetKey(deployment.target);
      groups.set(key, [...(groups.get(key) ?? []), deployment]);
    }
    const outcomes = (await Promise.all([...groups.values()].map(group => this.keepGroup(group)))).flat();
    const summary = {
      looked: outcomes.length,
      captured: outcomes.filter(o => o === 'captured').length,
      failed: outcomes.filter(o => o === 'failed').length,
      skipped,
    };
    // Every 5 minutes by default: a run that changed nothing and failed nowhere is not news.
    const log = summary.captured || summary.failed ? 'info' : 'debug';
    this.options.logger[log](
      `Password keeper looked at ${summary.looked} bots: stored ${summary.captured} new passwords, ${summary.failed} looks failed, ${summary.skipped} deployments skipped`,
    );
    return summary;
  }

  /**
   * Looks at one deployment's log now ("capture now"), without trusting the last banner
   * handled. Requests while a look runs share it. Throws when the look fails.
   */
  keepOne(deployment: KeptDeployment): Promise<KeeperRecord> {
    return this.look(deployment, { trustKnownBanner: false }).then(({ record }) => record);
  }

  private resolve(entities: Entity[]) {
    const kept: KeptDeployment[] = [];
    let skipped = 0;
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      try {
        kept.push(keptDeployment(entityRef, deploymentTarget(entity, this.options.awsClients.accounts)));
        this.skipped.delete(entityRef);
      } catch (error) {
        skipped += 1;
        this.warnSkipped(entityRef, (error as Error).message);
      }
    }
    return { kept, skipped };
  }

  private warnSkipped(entityRef: string, why: string) {
    if (this.skipped.get(entityRef) === why) return;
    this.skipped.set(entityRef, why);
    this.options.logger.warn(`Password keeper skips ${entityRef}: ${why}`);
  }

  private async keepGroup(deployments: KeptDeployment[]) {
    const limit = pLimit(this.options.settings.concurrency);
    return Promise.all(
      deployments.map(deployment =>
        limit(async () => {
          try {
            return (await this.look(deployment, { trustKnownBanner: true })).outcome.outcome;
          } catch (error) {
            this.options.logger.warn(`Password keeper could not look after ${deployment.entityRef}: ${awsErrorLine(error)}`);
            return 'failed' as const;
          }
        }),
      ),
    );
  }

  private look(deployment: KeptDeployment, options: { trustKnownBanner: boolean }): Promise<Look> {
    let look = this.running.get(deployment.entityRef);
    if (!look) {
      look = this.lookOnce(deployment, options).finally(() => this.running.delete(deployment.entityRef));
      this.running.set(deployment.entityRef, look);
    }
    return look;
  }

  private async lookOnce({ entityRef, target }: KeptDeployment, options: { trustKnownBanner: boolean }): Promise<Look> {
    const { store, logger } = this.options;
    const previous = await store.get(entityRef);
    const clients = {
      logs: await this.client(CloudWatchLogsClient, target),
      secrets: await this.client(SecretsManagerClient, target),
    };
    const lookedAt = this.clock.now();
    const outcome = await captureGeneratedPassword(
      clients,
      { logGroupName: target.botLogGroup, secretId: target.botSecretArn, config: () => this.botConfig(target, clients.secrets) },
      {
        since: options.trustKnownBanner ? nextSince(previous) : 0,
        knownBannerId: options.trustKnownBanner ? knownBannerId(previous) : undefined,
        // "Capture now" repairs a secret the bot refused, even if it changed after the banner.
        repair: !options.trustKnownBanner,
      },
    );
    const now = this.clock.now();
    const record = nextRecord(previous, outcome, lookedAt, now);
    await store.save(entityRef, record, now);
    if (outcome.outcome === 'captured') {
      logger.info(`Stored the password the bot of ${entityRef} generated at ${iso(outcome.bannerAt)} in its secret`);
    }
    return { record, outcome };
  }

  /**
   * The rest of the secret's value, from the stack's outputs, asked only before a password
   * is stored. The entity's annotations are what discovery last saw: the stack must still
   * name this log group and secret, and the secret must be the stack's own.
   */
  private async botConfig(target: KeptDeployment['target'], secrets: SecretsManagerClient): Promise<BotConfig> {
    const stack = await describeStack(await this.client(CloudFormationClient, target), target.stackArn);
    if (!stack) throw new Error(`the stack ${target.stackName} does not exist any more; no password stored`);
    const outputs = stackOutputs(stack);
    if (outputs.BotLogGroupName !== target.botLogGroup || outputs.BotSecretArn !== target.botSecretArn) {
      throw new Error(
        `the stack ${target.stackName} no longer names the log group ${target.botLogGroup} and the secret ${target.botSecretArn} (discovery has not caught up); no password stored`,
      );
    }
    const notOurs = secretNotOfStack(await describeSecret(secrets, target.botSecretArn), {
      stackId: stack.StackId!,
      deploymentName: target.deploymentName,
    });
    if (notOurs) throw new Error(`${notOurs}; no password stored`);
    return botConfigFromOutputs(outputs, target.region);
  }

  /** A client of the target whose calls are paced with the other calls to that service there. */
  private async client<C extends { send(...args: any[]): Promise<any> }>(
    Client: new (config: any) => C,
    target: AwsTarget,
  ): Promise<C> {
    const key = `${Client.name}/${targetKey(target)}`;
    if (!this.limiters.has(key)) {
      this.limiters.set(key, new RateLimiter(this.options.settings.callsPerSecond, this.clock));
    }
    return pacedClient(await this.options.awsClients.get(Client, target), this.limiters.get(key)!);
  }
}
