import { ErrorPanel, SignInPage } from '@backstage/core-components';
import { configApiRef, SignInPageProps, useApi } from '@backstage/core-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { SIGN_IN_PROVIDERS_SETTING, signInProviders } from './signInProviders';

/** The sign-in page with the providers that app.signInProviders names. */
export function PortalSignInPageComponent(props: SignInPageProps) {
  const config = useApi(configApiRef);
  let providers;
  try {
    providers = signInProviders(config.getOptionalStringArray(SIGN_IN_PROVIDERS_SETTING));
  } catch (error) {
    return <ErrorPanel title="The sign-in page is misconfigured" error={error as Error} />;
  }
  return <SignInPage {...props} providers={providers} />;
}

/** In place of the app's default sign-in page, which offers guest only. */
export const PortalSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => PortalSignInPageComponent,
  },
});
