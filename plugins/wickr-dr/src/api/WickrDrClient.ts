import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import type { DeploymentState } from '@internal/plugin-wickr-dr-common';

/** Reads Wickr data-retention deployments from the wickr-dr backend plugin. */
export interface WickrDrApi {
  /**
   * The live state of a deployment. The backend serves Resource entities only, so the
   * ref's kind is not sent. Throws a `ResponseError` when the backend refuses.
   */
  getDeploymentState(entityRef: CompoundEntityRef): Promise<DeploymentState>;
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

  async getDeploymentState(
    entityRef: CompoundEntityRef,
  ): Promise<DeploymentState> {
    const baseUrl = await this.discoveryApi.getBaseUrl('wickr-dr');
    const namespace = encodeURIComponent(entityRef.namespace);
    const name = encodeURIComponent(entityRef.name);
    const response = await this.fetchApi.fetch(
      `${baseUrl}/v1/deployments/${namespace}/${name}/state`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as DeploymentState;
  }
}
