import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

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
