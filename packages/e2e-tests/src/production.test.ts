// The production configuration (app-config.production.yaml) in the real backend: GitHub
// sign-in from the environment variables and the sign-in page offering GitHub only. The
// file's PostgreSQL and 0.0.0.0 listener are left out: the test runs on SQLite and loopback.
// GitHub itself is never contacted: the test reads where the portal would send the browser.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Browser } from 'playwright-core';
import { freeLoopbackPort } from '@internal/plugin-wickr-dr-common/testUtils';
import { launchChromium } from './__testUtils__/browser';
import { PortalStartError, repoRoot, RunningPortal, startPortal } from './__testUtils__/portal';

/** app-config.production.yaml without its database and listener. */
function productionConfig() {
  const config = parseYaml(fs.readFileSync(path.join(repoRoot, 'app-config.production.yaml'), 'utf8'));
  delete config.backend.database;
  delete config.backend.listen;
  return config;
}

const GITHUB_ENV = { AUTH_GITHUB_CLIENT_ID: 'e2e-github-client', AUTH_GITHUB_CLIENT_SECRET: 'e2e-not-a-secret' };

async function startProduction(env: Record<string, string>) {
  const port = await freeLoopbackPort();
  return startPortal({
    port,
    config: productionConfig(),
    env: { PORTAL_BASE_URL: `http://127.0.0.1:${port}`, ...env },
  });
}

describe('the production configuration', () => {
  jest.setTimeout(180_000);
  let portal: RunningPortal;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startProduction(GITHUB_ENV);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('sends sign-in to GitHub with the client ID from AUTH_GITHUB_CLIENT_ID', async () => {
    const res = await fetch(`${portal.baseUrl}/api/auth/github/start?env=production`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(location.searchParams.get('client_id')).toBe('e2e-github-client');
    expect(location.searchParams.get('redirect_uri')).toBe(`${portal.baseUrl}/api/auth/github/handler/frame`);
    expect(portal.output()).not.toContain('e2e-not-a-secret');
  });

  it('offers GitHub, and nothing else, on the sign-in page', async () => {
    const page = await browser.newPage();
    await page.goto(portal.baseUrl);
    await page.getByText('Sign in with your GitHub account').waitFor();
    expect(await page.getByRole('button', { name: 'Enter' }).count()).toBe(0);
  });

  it('does not start without the GitHub client ID, and says which setting is missing', async () => {
    const failure = await startProduction({ AUTH_GITHUB_CLIENT_SECRET: 'e2e-not-a-secret' }).then(
      async started => {
        await started.stop();
        throw new Error('the portal started without AUTH_GITHUB_CLIENT_ID');
      },
      (error: unknown) => {
        if (error instanceof PortalStartError) return error;
        throw error;
      },
    );
    expect(failure.exitCode).toBe(1);
    const lines = failure.output.split('\n').filter(l => l.startsWith('The portal backend could not start:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('auth.providers.github.production.clientId');
    expect(failure.output).not.toContain('e2e-not-a-secret');
  });
});
