import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page, Request } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with every flag that keeps it off the network
 * (these machines refuse outside connections); Playwright gives it a fresh profile.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in with the guest provider on the portal's sign-in page. */
export async function signInAsGuest(page: Page, baseUrl: string) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'Catalog', exact: true }).first().waitFor();
}

/** Discovery runs a second after start-up; the entity page does not look again once it said "not found". */
export async function waitForEntity(page: Page, name: string) {
  const token = await guestToken(page);
  await poll(`discovery to put ${name} in the catalog`, async () => {
    const res = await api(page, token, `/api/catalog/entities/by-name/resource/default/${name}`);
    return res.status === 200 ? true : undefined;
  });
}

/** The signed-in guest's Backstage token, as the app gets it. */
export async function guestToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch('/api/auth/guest/refresh', { headers: { 'x-requested-with': 'XMLHttpRequest' }, credentials: 'include' });
    return (await res.json()).backstageIdentity.token as string;
  });
}

/** A GET of the portal's API from the page, with the guest's token. */
export async function api(page: Page, token: string, apiPath: string): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async request => {
      const res = await fetch(request.path, { headers: { authorization: `Bearer ${request.token}` } });
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
    },
    { token, path: apiPath },
  );
}

/** Asks `attempt` each second until it answers, failing after `timeoutMs` with what it waited for. */
export async function poll<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * Follows the page's permission decisions (POST /api/permission/authorize), from before it
 * navigates. A control shown only when allowed is absent until its decision arrives, so
 * counting what is not shown proves nothing before `settled`.
 */
export function permissionDecisions(page: Page) {
  const answered = new Set<string>();
  const pending = new Set<Request>();
  const isAuthorize = (r: Request) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/permission/authorize';
  page.on('request', r => {
    if (isAuthorize(r)) pending.add(r);
  });
  page.on('requestfinished', async r => {
    if (!pending.has(r)) return;
    // An error answer is no decision: the control stays hidden whatever the policy.
    if ((await r.response())?.ok()) {
      for (const item of r.postDataJSON().items) {
        for (const ref of [item.resourceRef ?? ''].flat()) answered.add(`${item.permission.name} ${ref}`);
      }
    }
    pending.delete(r);
  });
  page.on('requestfailed', r => pending.delete(r));
  return {
    /** Resolves once each of `names` was answered on `resourceRef`, none is on its way, and the page drew the answers. */
    async settled(resourceRef: string, names: string[], timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0 || !names.every(name => answered.has(`${name} ${resourceRef}`))) {
        if (Date.now() > deadline) {
          throw new Error(`permission decisions on ${resourceRef} not settled in ${timeoutMs} ms: answered ${[...answered].join(', ') || 'none'}`);
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      await page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    },
  };
}

/**
 * Runs a browser scenario; if it fails, saves what the page showed to
 * test-results/<name>.png in this package (git ignores it) before failing.
 */
export async function withScreenshotOnFailure(page: Page, name: string, scenario: () => Promise<void>) {
  try {
    await scenario();
  } catch (error) {
    const file = path.resolve(__dirname, '../../test-results', `${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw error;
  }
}
