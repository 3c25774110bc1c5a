import { ConfigReader } from '@backstage/config';
import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { terminationProtectionDefault } from './deployDefaults';

describe('terminationProtectionDefault', () => {
  const decide = (wickrDr: object) => {
    const config = new ConfigReader({ wickrDr });
    return terminationProtectionDefault(config, AwsClients.fromConfig(config));
  };

  it('is on against AWS, off against an emulator, and as configured when set', () => {
    expect(decide({})).toBe(true);
    expect(decide({ endpoint: 'http://127.0.0.1:5000' })).toBe(false);
    expect(decide({ endpoints: { cloudformation: 'http://127.0.0.1:5000' } })).toBe(false);
    // Another service's emulator leaves CloudFormation's calls on AWS.
    expect(decide({ endpoints: { wickr: 'http://127.0.0.1:5001' } })).toBe(true);
    expect(decide({ endpoint: 'http://127.0.0.1:5000', deploy: { terminationProtection: true } })).toBe(true);
    expect(decide({ deploy: { terminationProtection: false } })).toBe(false);
  });
});
