/**
 * The AWS accounts the portal may act in: the main account (no id given) and those
 * configured under `aws.accounts`. `aws.accountDefaults.roleName` would let the
 * credentials manager assume a role in any account at all, so every action and route
 * checks an account against this list first.
 */
export interface AllowedAccounts {
  /** The ids configured under aws.accounts. */
  readonly configured: readonly string[];
}

/** Why an account may not be used, or undefined when it may. No id means the main account. */
export function accountNotAllowed(accountId: string | undefined, accounts: AllowedAccounts): string | undefined {
  if (accountId === undefined || accountId === '') return undefined;
  if (accounts.configured.includes(accountId)) return undefined;
  const choices = accounts.configured.length
    ? `one of the accounts configured under aws.accounts (${accounts.configured.join(', ')}), or empty for the main account`
    : 'empty: the portal is configured for its main account only (aws.accounts is empty)';
  return `accountId: ${accountId} is not an account this portal may deploy to; it must be ${choices}`;
}
