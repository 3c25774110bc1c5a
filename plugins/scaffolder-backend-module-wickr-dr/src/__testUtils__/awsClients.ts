import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { MotoServer, MOTO_ACCOUNT_ID, motoCredentials } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';

/**
 * AwsClients with fixed fake credentials, for moto's account and the main one; SDK calls
 * go to aws-sdk-client-mock, or to moto when given.
 */
export function testAwsClients(
  moto?: MotoServer,
  configured: string[] = [MOTO_ACCOUNT_ID, '111111111111'],
  endpoints: Record<string, string> = {},
): AwsClients {
  return new AwsClients({
    credentialsManager: { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => motoCredentials }) },
    accounts: { configured },
    endpoint: moto?.endpoint,
    endpoints,
  });
}
