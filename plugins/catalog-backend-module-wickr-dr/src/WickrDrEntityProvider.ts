import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LoggerService, SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  DeployedEvent,
  DeployedStack,
  deploymentEntity,
  discoveryLocation,
  readDeploymentTags,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { awsErrorLine, type AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { discoverStacks } from './stackDiscovery';

/** Where a provider looks: one account (the main one if unset) and one region. */
export interface DiscoveryTarget {
  accountId?: string;
  region: string;
}

export interface WickrDrEntityProviderOptions {
  target: DiscoveryTarget;
  awsClients: AwsClients;
  logger: LoggerService;
  defaultOwner: string;
  /** Runs the scheduled refresh once the provider is connected; none: refresh only when asked. */
  taskRunner?: SchedulerServiceTaskRunner;
}

export interface RefreshResult {
  /** Entities emitted. */
  entities: number;
  /** Tagged stacks left out, each with a warning. */
  skipped: number;
  /** CloudFormation calls made. */
  calls: number;
}

/**
 * Why each stack is left out: tags that are not a valid deployment's, or a deployment
 * name that more than one stack of this account and region claims (anyone who can tag
 * a stack could otherwise shadow a real deployment and choose its owner).
 */
export function skipReasons(stacks: DeployedStack[]): Map<DeployedStack, string> {
  const reasons = new Map<DeployedStack, string>();
  const claims = new Map<string, DeployedStack[]>();
  for (const stack of stacks) {
    const tags = readDeploymentTags(stack.tags);
    if (!tags.valid) reasons.set(stack, tags.problem);
    else claims.set(tags.deploymentName, [...(claims.get(tags.deploymentName) ?? []), stack]);
  }
  for (const [name, claimants] of claims) {
    if (claimants.length < 2) continue;
    const names = claimants.map(s => s.stackName).join(', ');
    for (const stack of claimants) {
      reasons.set(stack, `deployment name ${name} is claimed by ${claimants.length} stacks here (${names}); none is shown until only one carries it`);
    }
  }
  return reasons;
}

/**
 * Keeps the catalog in step with the Wickr data-retention stacks of one account and
 * region: AWS is the source of truth, so a stack deployed by hand appears and a
 * deleted one disappears. One provider per account and region, so that a region
 * that cannot be read keeps its entities instead of losing them. A stack whose tags
 * are not a valid deployment's is left out with one warning per refresh.
 */
export class WickrDrEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly logger: LoggerService;
  private running?: Promise<RefreshResult>;
  private queued?: Promise<RefreshResult>;

  constructor(private readonly options: WickrDrEntityProviderOptions) {
    this.logger = options.logger.child({ target: this.getProviderName() });
  }

  get target(): DiscoveryTarget {
    return this.options.target;
  }

  /** wickr-dr:<accountId|main>/<region>: also the location of its entities, which the backend plugin trusts. */
  getProviderName(): string {
    return discoveryLocation(this.options.target);
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refreshOrKeep(),
    });
  }

  /**
   * Lists the stacks and replaces this provider's entities with them. Calls while a
   * refresh runs share one more refresh after it, so a burst of deployed events
   * costs two listings and an older listing never overwrites a newer one.
   */
  refresh(): Promise<RefreshResult> {
    if (!this.running) {
      this.running = this.discover().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      });
    return this.queued;
  }

  /** A refresh whose failure is logged in one line; the entities stay as they were. */
  async refreshOrKeep(): Promise<void> {
    await this.refresh().catch(error =>
      this.logger.error(`${this.getProviderName()}: discovery failed, keeping the entities it had: ${awsErrorLine(error)}`),
    );
  }

  private async discover(): Promise<RefreshResult> {
    if (!this.connection) throw new Error(`${this.getProviderName()} is not connected to the catalog`);
    const cloudformation = await this.options.awsClients.get(CloudFormationClient, this.options.target);
    const { stacks, calls } = await discoverStacks(cloudformation);
    const location = this.getProviderName();
    const reasons = skipReasons(stacks);
    const entities = stacks.flatMap(stack => {
      const entity = this.entityOf(stack, location, reasons.get(stack));
      return entity ? [{ entity, locationKey: location }] : [];
    });
    await this.connection.applyMutation({ type: 'full', entities });
    const skipped = stacks.length - entities.length;
    this.logger.info(
      `Discovered ${entities.length} Wickr data-retention stacks in ${calls} CloudFormation calls${skipped ? `; left out ${skipped} (see the warnings)` : ''}`,
    );
    return { entities: entities.length, skipped, calls };
  }

  /** The stack's entity, or undefined after one warning that names the stack and why. */
  private entityOf(stack: DeployedStack, location: string, skipReason: string | undefined): Entity | undefined {
    let reason = skipReason;
    if (!reason) {
      try {
        return deploymentEntity(stack, { location, defaultOwner: this.options.defaultOwner });
      } catch (error) {
        reason = (error as Error).message;
      }
    }
    this.logger.warn(`${location}: left out stack ${stack.stackName}: ${reason}`);
    return undefined;
  }
}

/**
 * The providers that should look again after a deployment: those of its region and
 * account. The main account's provider looks too, since it may be the same account
 * known under no id.
 */
export function providersFor<P extends { target: DiscoveryTarget }>(providers: P[], deployed: DeployedEvent): P[] {
  return providers.filter(
    p =>
      p.target.region === deployed.region &&
      (!p.target.accountId || !deployed.accountId || p.target.accountId === deployed.accountId),
  );
}
