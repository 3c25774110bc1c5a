import { AwsClients } from '@internal/plugin-wickr-dr-node';
import { MotoServer, motoCredentials } from '@internal/plugin-wickr-dr-common/testUtils';

/** AwsClients with fixed fake credentials; SDK calls go to aws-sdk-client-mock or to moto. */
export function testAwsClients(moto?: MotoServer): AwsClients {
  return new AwsClients(
    { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => motoCredentials }) },
    moto?.endpoint,
  );
}
