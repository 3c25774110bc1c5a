import { providersFor } from './WickrDrEntityProvider';

describe('providersFor a deployed stack', () => {
  const main = { target: { region: 'us-east-1' } };
  const acme = { target: { accountId: '111111111111', region: 'us-east-1' } };
  const acmeLondon = { target: { accountId: '111111111111', region: 'eu-west-2' } };
  const other = { target: { accountId: '222222222222', region: 'us-east-1' } };
  const all = [main, acme, acmeLondon, other];

  it('picks the account and region of the stack, and the main account of that region', () => {
    expect(providersFor(all, { accountId: '111111111111', region: 'us-east-1', stackName: 's' })).toEqual([main, acme]);
  });

  it('picks every provider of the region for a stack in the main account', () => {
    expect(providersFor(all, { region: 'us-east-1', stackName: 's' })).toEqual([main, acme, other]);
  });

  it('picks none in a region nobody watches', () => {
    expect(providersFor(all, { region: 'ca-central-1', stackName: 's' })).toEqual([]);
  });
});
