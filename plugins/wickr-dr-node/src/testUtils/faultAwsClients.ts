import { FaultProxy, MOTO_ACCOUNT_ID, motoCredentials } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { AwsClients, RetrySettings } from '../awsClients';

/** The retry settings the fault tests run with: the SDK's adaptive strategy, 3 attempts a call. */
export const FAULT_TEST_RETRY: RetrySettings = { maxAttempts: 3, mode: 'adaptive' };

/**
 * AwsClients as the portal builds them (retries by the SDK's strategy, the call-context and
 * not-an-AWS-answer middleware), every call sent to the fault proxy, with moto's fake keys.
 */
export function faultAwsClients(
  proxy: Pick<FaultProxy, 'endpoint'>,
  options: { retry?: RetrySettings; configured?: string[]; endpoints?: Record<string, string> } = {},
): AwsClients {
  return new AwsClients({
    credentialsManager: { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => motoCredentials }) },
    accounts: { configured: options.configured ?? [MOTO_ACCOUNT_ID] },
    endpoint: proxy.endpoint,
    endpoints: options.endpoints,
    retry: options.retry ?? FAULT_TEST_RETRY,
  });
}
