import { ConfigReader } from '@backstage/config';
import { discoveryTargets, readDiscoveryConfig } from './discoveryConfig';

describe('discovery configuration', () => {
  const read = (wickrDr: object) => readDiscoveryConfig(new ConfigReader({ catalog: { providers: { wickrDr } } }))!;

  it('reads the defaults: the main account, a global schedule every 10 minutes', () => {
    expect(readDiscoveryConfig(new ConfigReader({}))).toBeUndefined();
    expect(read({ regions: ['eu-west-2', 'eu-west-2'] })).toEqual({
      regions: ['eu-west-2'],
      accounts: undefined,
      defaultOwner: 'group:default/platform-team',
      schedule: { scope: 'global', frequency: { minutes: 10 }, timeout: { minutes: 5 } },
    });
  });

  it('looks in the main account of every region when no accounts are listed', () => {
    const report = jest.fn();
    expect(discoveryTargets(read({ regions: ['eu-west-2', 'us-east-1'] }), { configured: [] }, report)).toEqual([
      { region: 'eu-west-2' },
      { region: 'us-east-1' },
    ]);
    expect(report).not.toHaveBeenCalled();
  });

  it('leaves out, with one line each, the accounts not configured under aws.accounts', () => {
    const problems: string[] = [];
    const discovery = read({ regions: ['eu-west-2', 'us-east-1'], accounts: ['111111111111', '333333333333', 'abc'] });
    const targets = discoveryTargets(discovery, { configured: ['111111111111', '222222222222'] }, p => problems.push(p));
    expect(targets).toEqual([
      { accountId: '111111111111', region: 'eu-west-2' },
      { accountId: '111111111111', region: 'us-east-1' },
    ]);
    expect(problems).toEqual([
      'catalog.providers.wickrDr.accounts: 333333333333 is not configured under aws.accounts (only 111111111111, 222222222222 are), so its stacks are not discovered; add it to aws.accounts or remove it from catalog.providers.wickrDr.accounts',
      'catalog.providers.wickrDr.accounts: "abc" is not a 12-digit AWS account id; its stacks are not discovered',
    ]);
  });

  it('says so when aws.accounts is empty', () => {
    const problems: string[] = [];
    discoveryTargets(read({ regions: ['eu-west-2'], accounts: ['333333333333'] }), { configured: [] }, p => problems.push(p));
    expect(problems).toEqual([expect.stringContaining('333333333333 is not configured under aws.accounts (none is)')]);
  });
});
