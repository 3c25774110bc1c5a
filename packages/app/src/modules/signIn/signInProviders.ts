import { githubAuthApiRef } from '@backstage/core-plugin-api';
import type { IdentityProviders } from '@backstage/core-components';

export const SIGN_IN_PROVIDERS_SETTING = 'app.signInProviders';

const PROVIDERS = new Map<string, IdentityProviders[number]>([
  ['guest', 'guest'],
  [
    'github',
    {
      id: 'github-auth-provider',
      title: 'GitHub',
      message: 'Sign in with your GitHub account',
      apiRef: githubAuthApiRef,
    },
  ],
]);

/**
 * The sign-in page's providers for the names in app.signInProviders (guest when unset).
 * Throws, naming the setting and the known names, for an empty list or an unknown name.
 */
export function signInProviders(names: string[] | undefined): IdentityProviders {
  const chosen = names ?? ['guest'];
  const known = [...PROVIDERS.keys()].join(', ');
  if (chosen.length === 0) {
    throw new Error(`${SIGN_IN_PROVIDERS_SETTING} is empty; list at least one of ${known}`);
  }
  const unknown = chosen.filter(name => !PROVIDERS.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `${SIGN_IN_PROVIDERS_SETTING} lists ${unknown.map(n => `'${n}'`).join(', ')}, which the portal does not offer; use ${known}`,
    );
  }
  return chosen.map(name => PROVIDERS.get(name)!);
}
