import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DEPLOYMENT_ENTITY_TYPE,
  DeploymentTarget,
  deploymentTarget,
  DriftResult,
  driftFingerprint,
  SuppressionRule,
  UntrustedDeploymentError,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients, AwsTarget, awsErrorLine, isThrottling, listStacks } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import pLimit from 'p-limit';
import { DriftClock, DriftDetector } from './DriftDetector';
import { DriftStore } from './DriftStore';
import { pacedClient, RateLimiter } from './RateLimiter';

export interface DriftSettings {
  reuseWithinMs: number;
  detectionTimeoutMs: number;
  /** Detections running at once in one account and region. */
  maxConcurrentDetections: number;
  /** CloudFormation calls a second in one account and region. */
  callsPerSecond: number;
  suppressions: SuppressionRule[];
  /** Days of drift history kept; older checks are deleted after each scheduled run, never a deployment's latest. */
  historyDays: number;
  /** A "check now" this soon after the deployment's last finished check answers that check. */
  checkNowCooldownMs: number;
}

/** Where the registered deployments come from: the catalog, read with the plugin's own credentials. */
export interface DeploymentSource {
  deployments(): Promise<Entity[]>;
}

export interface DriftCheckerOptions {
  awsClients: AwsClients;
  store: DriftStore;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
  settings: DriftSettings;
  clock?: Partial<DriftClock>;
}

/** A deployment the portal may act on: its entity and where its stack is. */
interface Deployment {
  entity: Entity;
  entityRef: string;
  target: DeploymentTarget;
}

interface Group {
  target: AwsTarget;
  deployments: Deployment[];
}

const DAY = 86_400_000;

const realClock: DriftClock = {
  now: Date.now,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: Math.random,
};

const targetKey = (target: AwsTarget) => `${target.accountId ?? 'main'}/${target.region}`;

/** Why a check could not be made, in one line. */
function failureReason(error: unknown): string {
  if (error instanceof UntrustedDeploymentError) return error.message;
  if (isThrottling(error)) {
    return `throttled by AWS even after the SDK's retries: ${awsErrorLine(error)}; the next check tries again`;
  }
  return awsErrorLine(error);
}

/**
 * Checks every registered deployment's stack for drift: per account and region,
 * one paced stream of CloudFormation calls and at most N detections at once;
 * stores each result with its history, and tells an owner once about a new drift.
 * A deployment that cannot be checked fails on its own; the others are still checked.
 */
export class DriftChecker {
  private readonly clock: DriftClock;
  private readonly limiters = new Map<string, RateLimiter>();
  /** The "check now" under way per entity, which concurrent requests share. */
  private readonly running = new Map<string, Promise<DriftResult>>();

  constructor(private readonly options: DriftCheckerOptions) {
    this.clock = { ...realClock, ...options.clock };
  }

  /** The scheduled run: every deployment of the source, then the history is pruned. */
  async checkAll(source: DeploymentSource): Promise<{ checked: number; drifted: number; failed: number }> {
    const entities = await source.deployments();
    const { trusted, refused } = this.resolveTargets(entities);
    const refusals = await Promise.all(
      refused.map(({ entity, error }) =>
        this.refuse(entity, error).catch(e => this.failed(stringifyEntityRef(entity), e)),
      ),
    );
    const checks = (await Promise.all(this.groupByTarget(trusted).map(group => this.checkGroup(group)))).flat();
    const results = [...refusals, ...checks];
    const counts = {
      checked: results.length,
      drifted: results.filter(r => r.status === 'DRIFTED').length,
      failed: results.filter(r => r.status === 'CHECK_FAILED').length,
    };
    this.options.logger.info(
      `Drift check of ${counts.checked} deployments: ${counts.drifted} drifted, ${counts.failed} could not be checked`,
    );
    await this.pruneHistory();
    return counts;
  }

  /**
   * Checks one deployment now ("Check now"). Requests for an entity while its check
   * runs share that check; within the cooldown of its last finished check they get
   * that check's result, without a new detection.
   */
  checkOne(entity: Entity, target: DeploymentTarget): Promise<DriftResult> {
    const entityRef = stringifyEntityRef(entity);
    let check = this.running.get(entityRef);
    if (!check) {
      check = this.recentOrNewCheck({ entity, entityRef, target }).finally(() => this.running.delete(entityRef));
      this.running.set(entityRef, check);
    }
    return check;
  }

  private async recentOrNewCheck(deployment: Deployment): Promise<DriftResult> {
    const latest = await this.options.store.latest(deployment.entityRef);
    const age = latest ? this.clock.now() - Date.parse(latest.checkedAt) : Infinity;
    if (latest && age < this.options.settings.checkNowCooldownMs) return latest;
    const [result] = await this.checkGroup({
      target: deployment.target,
      deployments: [deployment],
    });
    return result;
  }

  private resolveTargets(entities: Entity[]) {
    const trusted: Deployment[] = [];
    const refused: Array<{ entity: Entity; error: unknown }> = [];
    for (const entity of entities) {
      try {
        const target = deploymentTarget(entity, this.options.awsClients.accounts);
        trusted.push({ entity, entityRef: stringifyEntityRef(entity), target });
      } catch (error) {
        refused.push({ entity, error });
      }
    }
    return { trusted, refused };
  }

  /** A deployment the portal may not act on: recorded and logged as a failed check, no AWS call. */
  private async refuse(entity: Entity, error: unknown): Promise<DriftResult> {
    const entityRef = stringifyEntityRef(entity);
    const result = this.failed(entityRef, error);
    await this.options.store.save(entityRef, '', result);
    return result;
  }

  private groupByTarget(deployments: Deployment[]): Group[] {
    const groups = new Map<string, Group>();
    for (const deployment of deployments) {
      const key = targetKey(deployment.target);
      if (!groups.has(key)) groups.set(key, { target: deployment.target, deployments: [] });
      groups.get(key)!.deployments.push(deployment);
    }
    return [...groups.values()];
  }

  private limiter(target: AwsTarget) {
    const key = targetKey(target);
    if (!this.limiters.has(key))
      this.limiters.set(key, new RateLimiter(this.options.settings.callsPerSecond, this.clock));
    return this.limiters.get(key)!;
  }

  private async checkGroup({ target, deployments }: Group): Promise<DriftResult[]> {
    const { settings } = this.options;
    let cloudformation: CloudFormationClient;
    let stacks: Map<string, Stack>;
    try {
      cloudformation = pacedClient(
        await this.options.awsClients.get(CloudFormationClient, target),
        this.limiter(target),
      );
      stacks = await this.describeStacks(cloudformation, deployments);
    } catch (error) {
      // Without the listing no deployment of this account and region can be checked.
      return Promise.all(
        deployments.map(deployment =>
          this.recordFailure(deployment, error).catch(e => this.failed(deployment.entityRef, e)),
        ),
      );
    }
    const detector = new DriftDetector(cloudformation, this.clock, {
      reuseWithinMs: settings.reuseWithinMs,
      timeoutMs: settings.detectionTimeoutMs,
      suppressions: settings.suppressions,
    });
    const limit = pLimit(settings.maxConcurrentDetections);
    return Promise.all(
      deployments.map(deployment =>
        limit(() =>
          // Even when the result cannot be stored, the other deployments are still checked.
          this.checkDeployment(detector, deployment, stacks).catch(error => this.failed(deployment.entityRef, error)),
        ),
      ),
    );
  }

  private async checkDeployment(detector: DriftDetector, deployment: Deployment, stacks: Map<string, Stack>) {
    const stack = stacks.get(deployment.target.stackArn);
    if (!stack) return this.recordFailure(deployment, new Error('the stack does not exist any more'));
    let result: DriftResult;
    try {
      result = await detector.check(stack);
    } catch (error) {
      return this.recordFailure(deployment, error);
    }
    await this.record(deployment, result);
    return result;
  }

  /** One DescribeStacks listing per account and region (100 stacks a call), stopped once every stack is found. */
  private async describeStacks(cloudformation: CloudFormationClient, deployments: Deployment[]) {
    const wanted = new Set(deployments.map(d => d.target.stackArn));
    const isWanted = (stack: Stack) => wanted.has(stack.StackId!);
    const { stacks } = await listStacks(cloudformation, {
      until: found => found.filter(isWanted).length >= wanted.size,
    });
    return new Map(stacks.filter(isWanted).map(stack => [stack.StackId!, stack]));
  }

  private failed(entityRef: string, error: unknown): DriftResult {
    const reason = failureReason(error);
    this.options.logger.warn(`Drift check of ${entityRef} failed: ${reason}`);
    return {
      status: 'CHECK_FAILED',
      driftedResources: 0,
      checkedAt: new Date(this.clock.now()).toISOString(),
      reused: false,
      reason,
      resources: [],
    };
  }

  private async recordFailure(deployment: Deployment, error: unknown): Promise<DriftResult> {
    const result = this.failed(deployment.entityRef, error);
    await this.record(deployment, result);
    return result;
  }

  private async record({ entity, entityRef, target }: Deployment, result: DriftResult) {
    await this.options.store.save(entityRef, target.stackArn, result);
    if (result.status === 'DRIFTED') await this.notifyOnce(entity, entityRef, result);
    else if (result.status === 'IN_SYNC') await this.options.store.setNotified(entityRef, undefined, result.checkedAt);
  }

  private async pruneHistory() {
    const { historyDays } = this.options.settings;
    const before = new Date(this.clock.now() - historyDays * DAY).toISOString();
    const pruned = await this.options.store.prune(before);
    if (pruned > 0) this.options.logger.info(`Deleted ${pruned} drift checks older than ${historyDays} days`);
  }

  private async notifyOnce(entity: Entity, entityRef: string, result: DriftResult) {
    const fingerprint = driftFingerprint(result.resources);
    if ((await this.options.store.notifiedFingerprint(entityRef)) === fingerprint) return;
    const owner = (entity.spec as { owner?: string })?.owner;
    const what = result.resources
      .filter(r => r.status === 'DELETED' || r.differences.some(d => !d.suppressedBy))
      .map(r => r.logicalId)
      .join(', ');
    this.options.logger.warn(
      `${entityRef} drifted: ${result.driftedResources} resources changed outside CloudFormation (${what})`,
    );
    if (owner) {
      try {
        await this.sendDriftNotification(entity, owner, result, what);
      } catch (error) {
        // Not marked as notified: the next check tries again.
        this.options.logger.warn(`Could not tell ${owner} that ${entityRef} drifted: ${error}`);
        return;
      }
    }
    await this.options.store.setNotified(entityRef, fingerprint, result.checkedAt);
  }

  private async sendDriftNotification(entity: Entity, owner: string, result: DriftResult, what: string) {
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef: owner },
      payload: {
        title: `Wickr data retention ${entity.metadata.name} drifted`,
        description: `${result.driftedResources} resources of its stack changed outside CloudFormation: ${what}.`,
        link: `/catalog/${entity.metadata.namespace ?? 'default'}/resource/${entity.metadata.name}`,
        severity: 'high',
        topic: 'wickr-dr-drift',
      },
    });
  }
}

/** The catalog's Wickr data-retention deployments. */
export const DEPLOYMENT_FILTER = {
  kind: 'Resource',
  'spec.type': DEPLOYMENT_ENTITY_TYPE,
};
