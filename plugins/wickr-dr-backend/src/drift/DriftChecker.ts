import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { parse as parseArn } from '@aws-sdk/util-arn-parser';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ANNOTATIONS,
  DEPLOYMENT_ENTITY_TYPE,
  DriftResult,
  driftFingerprint,
  SuppressionRule,
} from '@internal/plugin-wickr-dr-common';
import type { AwsClients, AwsTarget } from '@internal/plugin-wickr-dr-node';
import pLimit from 'p-limit';
import { DriftClock, DriftDetector } from './DriftDetector';
import { DriftStore } from './DriftStore';
import { pacedCall, RateLimiter } from './RateLimiter';

export interface DriftSettings {
  reuseWithinMs: number;
  detectionTimeoutMs: number;
  /** Detections running at once in one account and region. */
  maxConcurrentDetections: number;
  /** CloudFormation calls a second in one account and region. */
  callsPerSecond: number;
  suppressions: SuppressionRule[];
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

interface Group {
  target: AwsTarget;
  entities: Entity[];
}

const realClock: DriftClock = {
  now: Date.now,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: Math.random,
};

function targetOf(entity: Entity): AwsTarget {
  const annotations = entity.metadata.annotations!;
  const { accountId, region } = parseArn(annotations[ANNOTATIONS.arn]);
  return { accountId: annotations[ANNOTATIONS.accountId] ?? accountId, region };
}

/**
 * Checks every registered deployment's stack for drift: per account and region,
 * one paced stream of CloudFormation calls and at most N detections at once;
 * stores each result with its history, and tells an owner once about a new drift.
 */
export class DriftChecker {
  private readonly clock: DriftClock;
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly options: DriftCheckerOptions) {
    this.clock = { ...realClock, ...options.clock };
  }

  async checkAll(source: DeploymentSource): Promise<{ checked: number; drifted: number; failed: number }> {
    const entities = await source.deployments();
    const groups = this.groupByTarget(entities);
    const results = (await Promise.all(groups.map(group => this.checkGroup(group)))).flat();
    const counts = {
      checked: results.length,
      drifted: results.filter(r => r.status === 'DRIFTED').length,
      failed: results.filter(r => r.status === 'CHECK_FAILED').length,
    };
    this.options.logger.info(
      `Drift check of ${counts.checked} deployments: ${counts.drifted} drifted, ${counts.failed} could not be checked`,
    );
    return counts;
  }

  /** Checks one deployment now ("Check now"). */
  async checkOne(entity: Entity): Promise<DriftResult> {
    const [result] = await this.checkGroup({ target: targetOf(entity), entities: [entity] });
    return result;
  }

  private groupByTarget(entities: Entity[]): Group[] {
    const groups = new Map<string, Group>();
    for (const entity of entities) {
      const target = targetOf(entity);
      const key = `${target.accountId}/${target.region}`;
      if (!groups.has(key)) groups.set(key, { target, entities: [] });
      groups.get(key)!.entities.push(entity);
    }
    return [...groups.values()];
  }

  private limiter(target: AwsTarget) {
    const key = `${target.accountId}/${target.region}`;
    if (!this.limiters.has(key)) this.limiters.set(key, new RateLimiter(this.options.settings.callsPerSecond, this.clock));
    return this.limiters.get(key)!;
  }

  private async checkGroup({ target, entities }: Group): Promise<DriftResult[]> {
    const { settings } = this.options;
    const cloudformation = await this.options.awsClients.get(CloudFormationClient, target);
    const limiter = this.limiter(target);
    const detector = new DriftDetector(cloudformation, limiter, this.clock, {
      reuseWithinMs: settings.reuseWithinMs,
      timeoutMs: settings.detectionTimeoutMs,
      suppressions: settings.suppressions,
    });
    const stacks = await this.describeStacks(cloudformation, limiter, entities);
    const limit = pLimit(settings.maxConcurrentDetections);
    return Promise.all(
      entities.map(entity =>
        limit(async () => {
          const arn = entity.metadata.annotations![ANNOTATIONS.arn];
          const stack = stacks.get(arn);
          const result = stack
            ? await detector.check(stack).catch(error => this.failed(error))
            : this.failed(new Error('the stack does not exist any more'));
          await this.record(entity, arn, result);
          return result;
        }),
      ),
    );
  }

  /** One listing per region (100 stacks a call) instead of a DescribeStacks per stack. */
  private async describeStacks(cloudformation: CloudFormationClient, limiter: RateLimiter, entities: Entity[]) {
    const wanted = new Set(entities.map(e => e.metadata.annotations![ANNOTATIONS.arn]));
    const found = new Map<string, Stack>();
    let next: string | undefined;
    do {
      const token = next;
      const page = await pacedCall(limiter, this.clock, () =>
        cloudformation.send(new DescribeStacksCommand({ NextToken: token })),
      );
      for (const stack of page.Stacks ?? []) if (wanted.has(stack.StackId!)) found.set(stack.StackId!, stack);
      next = found.size < wanted.size ? page.NextToken : undefined;
    } while (next);
    return found;
  }

  private failed(error: unknown): DriftResult {
    return {
      status: 'CHECK_FAILED',
      driftedResources: 0,
      checkedAt: new Date(this.clock.now()).toISOString(),
      reused: false,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      resources: [],
    };
  }

  private async record(entity: Entity, arn: string, result: DriftResult) {
    const entityRef = stringifyEntityRef(entity);
    await this.options.store.save(entityRef, arn, result);
    if (result.status === 'DRIFTED') await this.notifyOnce(entity, entityRef, result);
    else if (result.status === 'IN_SYNC') await this.options.store.setNotified(entityRef, undefined, result.checkedAt);
  }

  private async notifyOnce(entity: Entity, entityRef: string, result: DriftResult) {
    const fingerprint = driftFingerprint(result.resources);
    if ((await this.options.store.notifiedFingerprint(entityRef)) === fingerprint) return;
    const owner = (entity.spec as { owner?: string })?.owner;
    const what = result.resources
      .filter(r => r.status === 'DELETED' || r.differences.some(d => !d.suppressedBy))
      .map(r => r.logicalId)
      .join(', ');
    this.options.logger.warn(`${entityRef} drifted: ${result.driftedResources} resources changed outside CloudFormation (${what})`);
    if (owner) {
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
    await this.options.store.setNotified(entityRef, fingerprint, result.checkedAt);
  }
}

/** The catalog's Wickr data-retention deployments. */
export const DEPLOYMENT_FILTER = { kind: 'Resource', 'spec.type': DEPLOYMENT_ENTITY_TYPE };
