import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { DeployedEvent, deploymentEntity } from '@internal/plugin-wickr-dr-common';
import type { AwsClients } from '@internal/plugin-wickr-dr-node';
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
}

/**
 * Keeps the catalog in step with the Wickr data-retention stacks of one account and
 * region: AWS is the source of truth, so a stack deployed by hand appears and a
 * deleted one disappears. One provider per account and region, so that a region
 * that cannot be read keeps its entities instead of losing them.
 */
export class WickrDrEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly logger: LoggerService;

  constructor(private readonly options: WickrDrEntityProviderOptions) {
    this.logger = options.logger.child({ target: this.targetName });
  }

  get target(): DiscoveryTarget {
    return this.options.target;
  }

  private get targetName() {
    return `${this.options.target.accountId ?? 'main'}/${this.options.target.region}`;
  }

  getProviderName(): string {
    return `wickr-dr:${this.targetName}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /** Lists the stacks and replaces this provider's entities with them. */
  async refresh(): Promise<{ entities: number; calls: number }> {
    if (!this.connection) throw new Error(`${this.getProviderName()} is not connected to the catalog`);
    const cloudformation = await this.options.awsClients.get(CloudFormationClient, this.options.target);
    const { stacks, calls } = await discoverStacks(cloudformation);
    const location = this.getProviderName();
    const entities = stacks.map(stack => ({
      entity: deploymentEntity(stack, { location, defaultOwner: this.options.defaultOwner }),
      locationKey: location,
    }));
    await this.connection.applyMutation({ type: 'full', entities });
    this.logger.info(`Discovered ${entities.length} Wickr data-retention stacks in ${calls} CloudFormation calls`);
    return { entities: entities.length, calls };
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
