export interface Config {
  app?: {
    /**
     * The sign-in methods the sign-in page offers, in this order: `guest` (local use only;
     * the backend refuses it outside development) and `github` (needs
     * auth.providers.github in the backend). Default: guest.
     * @visibility frontend
     */
    signInProviders?: string[];
  };
}
