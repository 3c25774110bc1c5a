import { accountNotAllowed } from './accounts';

describe('accountNotAllowed', () => {
  const accounts = { configured: ['111111111111', '222222222222'] };

  it('allows the main account (no id) and the configured ones', () => {
    expect(accountNotAllowed(undefined, accounts)).toBeUndefined();
    expect(accountNotAllowed('', accounts)).toBeUndefined();
    expect(accountNotAllowed('222222222222', accounts)).toBeUndefined();
  });

  it('refuses any other account, naming the field and the accounts allowed', () => {
    expect(accountNotAllowed('999999999999', accounts)).toBe(
      'accountId: 999999999999 is not an account this portal may deploy to; it must be one of the accounts configured under aws.accounts (111111111111, 222222222222), or empty for the main account',
    );
    expect(accountNotAllowed('999999999999', { configured: [] })).toMatch(/main account only/);
  });
});
