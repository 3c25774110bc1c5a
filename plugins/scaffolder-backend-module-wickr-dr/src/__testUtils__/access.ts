import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_ALLOWED_IMAGES } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MOTO_ACCOUNT_ID } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { DeploymentAccess } from '../actions/deploymentAccess';

/** The accounts the test portal is configured for: moto's and the one the examples use. */
export const TEST_ACCOUNTS = { configured: [MOTO_ACCOUNT_ID, '111111111111'] };

/** What the render action is built with in tests. */
export const renderOptions = { accounts: TEST_ACCOUNTS, allowedImages: DEFAULT_ALLOWED_IMAGES };

export interface AccessOptions {
  /** The catalog's entities (default: none). */
  entities?: Entity[];
  /** The decision for every request (default: ALLOW). */
  decide?: (permission: string, resourceRef?: string) => AuthorizeResult.ALLOW | AuthorizeResult.DENY;
}

/** DeploymentAccess with a catalog of the given entities and a permission policy of one function; requests are recorded. */
export function testAccess(options: AccessOptions = {}) {
  const requests: Array<{ permission: string; resourceRef?: string }> = [];
  const permissions = mockServices.permissions.mock({
    authorize: async (queries: any[]) =>
      queries.map(q => {
        requests.push({ permission: q.permission.name, resourceRef: q.resourceRef });
        return { result: options.decide?.(q.permission.name, q.resourceRef) ?? AuthorizeResult.ALLOW };
      }),
  } as any);
  const access = new DeploymentAccess({
    permissions,
    catalog: catalogServiceMock({ entities: options.entities ?? [] }),
    accounts: TEST_ACCOUNTS,
  });
  return { access, requests };
}
