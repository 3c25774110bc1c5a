import { Browser } from 'playwright-core';
import { launchChromium, signInAsGuest } from './__testUtils__/browser';
import { RunningPortal, startPortal } from './__testUtils__/portal';

// End to end: the real backend serving the built frontend, driven in headless Chromium.
describe('the portal in a browser', () => {
  jest.setTimeout(180_000);
  let portal: RunningPortal;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('offers the Wickr template under Create and opens its first form page', async () => {
    const page = await browser.newPage();
    await signInAsGuest(page, portal.baseUrl);

    await page.getByRole('link', { name: 'Create', exact: true }).first().click();
    const card = page
      .locator('[class*="MuiCard-root"]')
      .filter({ hasText: 'Wickr data-retention bot on AWS Fargate' });
    await card.waitFor();
    await card.getByText('Deploy the AWS Wickr data-retention bot', { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Choose' }).click();

    await page.getByText('The deployment').first().waitFor();
    await page.getByLabel('Stack name', { exact: false }).first().waitFor();
    expect(page.url()).toContain('/create/templates/default/wickr-dr-fargate');
  });
});
