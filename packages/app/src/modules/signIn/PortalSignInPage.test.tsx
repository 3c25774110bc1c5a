import { screen } from '@testing-library/react';
import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { PortalSignInPage } from './PortalSignInPage';
import { signInProviders } from './signInProviders';

/** The sign-in page component as the app gets it from the extension, rendered with this config. */
function renderSignInPage(signInProviderNames?: string[]) {
  const SignInPageComponent = createExtensionTester(PortalSignInPage).get(
    SignInPageBlueprint.dataRefs.component,
  );
  return renderInTestApp(<SignInPageComponent onSignInSuccess={jest.fn()} />, {
    config: {
      app: {
        title: 'Wickr Data Retention Portal',
        ...(signInProviderNames && { signInProviders: signInProviderNames }),
      },
      backend: { baseUrl: 'http://127.0.0.1:7007' },
    },
  });
}

describe('the portal sign-in page', () => {
  it('offers guest sign-in (the Enter button) when app.signInProviders says guest', async () => {
    renderSignInPage(['guest']);
    expect(await screen.findByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(screen.queryByText('GitHub')).not.toBeInTheDocument();
  });

  it('offers GitHub only when app.signInProviders says github', async () => {
    renderSignInPage(['github']);
    expect(await screen.findByText('GitHub')).toBeInTheDocument();
    expect(screen.getByText('Sign in with your GitHub account')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter' })).not.toBeInTheDocument();
  });

  it('offers guest when the setting is absent', async () => {
    renderSignInPage();
    expect(await screen.findByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });

  it('says which setting is wrong instead of offering a sign-in', async () => {
    renderSignInPage(['gitlab']);
    expect(await screen.findByText('The sign-in page is misconfigured', { exact: false })).toBeInTheDocument();
    expect(
      screen.getAllByText(
        "app.signInProviders lists 'gitlab', which the portal does not offer; use guest, github",
        { exact: false },
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: 'Enter' })).not.toBeInTheDocument();
  });
});

describe('signInProviders', () => {
  it('keeps the order of the setting', () => {
    expect(signInProviders(['github', 'guest'])).toEqual([
      expect.objectContaining({ id: 'github-auth-provider' }),
      'guest',
    ]);
  });

  it('refuses an empty list and names of Object.prototype', () => {
    expect(() => signInProviders([])).toThrow(
      'app.signInProviders is empty; list at least one of guest, github',
    );
    expect(() => signInProviders(['toString'])).toThrow("app.signInProviders lists 'toString'");
  });
});
