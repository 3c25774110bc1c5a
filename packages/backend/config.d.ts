export interface Config {
  /** Settings of this portal's backend. */
  portal?: {
    /**
     * The permission policy the backend installs.
     * `owners` (the default): a deployment's owners deploy, check drift and operate the bot;
     * every signed-in user reads. `allow-all`: every request is allowed (local development only).
     */
    permissionPolicy?: 'owners' | 'allow-all';
    /**
     * Lets `permissionPolicy: allow-all` run when NODE_ENV is neither development nor test.
     * Without it such a backend refuses to start.
     */
    dangerouslyAllowAllPermissionsOutsideDevelopment?: boolean;
  };
}
