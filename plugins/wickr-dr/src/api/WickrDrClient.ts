import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import type {
  DeploymentState,
  DriftReport,
  DriftResult,
  OperationRecord,
  RegistrationState,
  WickrBotState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** A Wickr network as `GET v1/networks` lists it: ids and names only. */
export interface WickrNetworkSummary {
  /** 8 digits. */
  networkId: string;
  networkName: string;
  /** STANDARD or PREMIUM; data retention needs PREMIUM. */
  accessLevel: string;
}

/**
 * Reads Wickr data-retention deployments from the wickr-dr backend plugin. The backend
 * serves Resource entities only, so no method sends the ref's kind. Every method throws
 * a `ResponseError` when the backend refuses.
 */
export interface WickrDrApi {
  /** The live state of a deployment, with the summary of its latest drift check. */
  getDeploymentState(entityRef: CompoundEntityRef): Promise<DeploymentState>;
  /** The latest drift check in full (its resources and differences) and the history. */
  getDriftReport(entityRef: CompoundEntityRef): Promise<DriftReport>;
  /**
   * Checks the deployment for drift now and answers the result. Refused (403) without
   * the `wickr-dr.drift.check` permission.
   */
  checkDriftNow(entityRef: CompoundEntityRef): Promise<DriftResult>;
  /**
   * Looks at the bot's log now and stores the password it generated in its secret (the
   * backend's password keeper, for this deployment); answers the registration it leaves.
   * Refused (403) without the `wickr-dr.bot.operate` permission.
   */
  captureRegistrationNow(
    entityRef: CompoundEntityRef,
  ): Promise<RegistrationState>;
  /**
   * The 12-digit ids of the AWS accounts a deployment may go to besides the main one, as
   * configured under `aws.accounts` in the backend's app-config; empty when none is.
   */
  listAccounts(): Promise<string[]>;
  /**
   * Every AWS Wickr network of an account (`undefined`: the main account) in a region, as
   * the Wickr admin API lists them. Refused (400) for an account that is not configured or
   * a region that is not a Wickr Region.
   */
  listNetworks(
    accountId: string | undefined,
    region: string,
  ): Promise<WickrNetworkSummary[]>;
  /**
   * Turns the data retention of the deployment's Wickr network on or off and answers the
   * bot as the Wickr admin API then reports it. Refused (403) without the
   * `wickr-dr.bot.operate` permission; 409 when the API does not report the new value.
   */
  setRetention(
    entityRef: CompoundEntityRef,
    enabled: boolean,
  ): Promise<WickrBotState>;
  /**
   * The latest records of the deployment's day-two operations (who did what, when, and
   * how it ended), newest first; `limit` from 1 to 50, 10 when left out. Refused (403)
   * without the `wickr-dr.deployment.read` permission.
   */
  listOperations(
    entityRef: CompoundEntityRef,
    limit?: number,
  ): Promise<OperationRecord[]>;
}

/** The answer of `GET v1/accounts`. */
interface AccountsResponse {
  accounts: Array<{ accountId: string }>;
}

/** The answer of `GET v1/networks`. */
interface NetworksResponse {
  networks: WickrNetworkSummary[];
}

/** The answer of `GET v1/deployments/:namespace/:name/operations`. */
interface OperationsResponse {
  operations: OperationRecord[];
}

export const wickrDrApiRef = createApiRef<WickrDrApi>().with({
  id: 'plugin.wickr-dr.service',
  pluginId: 'wickr-dr',
});

export interface WickrDrClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}

export class WickrDrClient implements WickrDrApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: WickrDrClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getDeploymentState(entityRef: CompoundEntityRef): Promise<DeploymentState> {
    return this.request<DeploymentState>(entityRef, 'state');
  }

  getDriftReport(entityRef: CompoundEntityRef): Promise<DriftReport> {
    return this.request<DriftReport>(entityRef, 'drift');
  }

  checkDriftNow(entityRef: CompoundEntityRef): Promise<DriftResult> {
    return this.request<DriftResult>(entityRef, 'drift/check', {
      method: 'POST',
    });
  }

  captureRegistrationNow(
    entityRef: CompoundEntityRef,
  ): Promise<RegistrationState> {
    return this.request<RegistrationState>(entityRef, 'registration/capture', {
      method: 'POST',
    });
  }

  async listAccounts(): Promise<string[]> {
    const { accounts } = await this.fetchJson<AccountsResponse>('v1/accounts');
    return accounts.map(account => account.accountId);
  }

  async listNetworks(
    accountId: string | undefined,
    region: string,
  ): Promise<WickrNetworkSummary[]> {
    const query = new URLSearchParams({
      ...(accountId !== undefined && { accountId }),
      region,
    });
    const { networks } = await this.fetchJson<NetworksResponse>(
      `v1/networks?${query}`,
    );
    return networks;
  }

  setRetention(
    entityRef: CompoundEntityRef,
    enabled: boolean,
  ): Promise<WickrBotState> {
    return this.request<WickrBotState>(entityRef, 'retention', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled }),
    });
  }

  async listOperations(
    entityRef: CompoundEntityRef,
    limit?: number,
  ): Promise<OperationRecord[]> {
    const query =
      limit === undefined ? '' : `?limit=${encodeURIComponent(limit)}`;
    const { operations } = await this.request<OperationsResponse>(
      entityRef,
      `operations${query}`,
    );
    return operations;
  }

  /** Calls `v1/deployments/:namespace/:name/<path>` and answers its JSON body. */
  private request<T>(
    entityRef: CompoundEntityRef,
    path: string,
    init?: RequestInit,
  ): Promise<T> {
    const namespace = encodeURIComponent(entityRef.namespace);
    const name = encodeURIComponent(entityRef.name);
    return this.fetchJson<T>(
      `v1/deployments/${namespace}/${name}/${path}`,
      init,
    );
  }

  /** Calls `<path>` under the backend plugin's base URL and answers its JSON body. */
  private async fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('wickr-dr');
    const url = `${baseUrl}/${path}`;
    const response = await (init
      ? this.fetchApi.fetch(url, init)
      : this.fetchApi.fetch(url));
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
