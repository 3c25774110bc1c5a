import type { TestDatabases } from '@backstage/backend-test-utils';
import { testPostgres } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

/**
 * The databases a store test runs on. TestDatabases leaves PostgreSQL out silently
 * when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is unset (Docker is not
 * used); this throws then, with the line that says how to get one (`npm test`
 * starts one), so that each store test can check it runs on both.
 */
export function supportedIds(databases: TestDatabases): string[] {
  testPostgres();
  return databases.eachSupportedId().map(([id]) => id);
}
