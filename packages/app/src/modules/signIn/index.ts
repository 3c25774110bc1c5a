import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { PortalSignInPage } from './PortalSignInPage';

/** The sign-in page with the providers from app.signInProviders, in place of the default guest-only one. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [PortalSignInPage],
});
