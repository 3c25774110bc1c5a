// Day two end to end against moto_server and the fake Wickr admin API: the real portal (the
// owner permission policy), driven in headless Chromium. From the deployment's entity page the
// guest starts a teardown: a wrong typed name is refused with nothing changed, the right one
// turns data retention off, deletes the stack and keeps the data; the entity leaves the catalog
// and the teardown's record stays. Another team's deployment cannot be torn down.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Browser, Page } from 'playwright-core';
import {
  FakeWickrAdmin,
  MotoServer,
  motoClientConfig,
  startFakeWickrAdmin,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { WickrAdminClient, AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { api, guestToken, launchChromium, poll, signInAsGuest, waitForEntity, withScreenshotOnFailure } from './__testUtils__/browser';
import { motoPortalConfig, motoTemplateLocation, seedDeployment } from './__testUtils__/motoDeployment';
import { RunningPortal, startPortal } from './__testUtils__/portal';

const NETWORK = '12345678';
const GONE = 'resource:default/gone-123456789012-use1';
const OTHERS = 'resource:default/others-123456789012-use1';

describe('day two from the entity page, against moto', () => {
  jest.setTimeout(300_000);
  let moto: MotoServer;
  let wickr: FakeWickrAdmin;
  let portal: RunningPortal;
  let browser: Browser;
  let stackIds: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    const gone = await seedDeployment(moto, 'gone', 'wickr-dr-gone', { networkId: NETWORK });
    const others = await seedDeployment(moto, 'others', 'wickr-dr-others', { owner: 'group:default/other-team' });
    stackIds = { gone: gone.stack.StackId!, others: others.stack.StackId! };
    wickr = await startFakeWickrAdmin({
      networks: [{ networkId: NETWORK, networkName: 'Acme compliance', accessLevel: 'PREMIUM', awsAccountId: '123456789012' }],
    });
    // The bot as a finished deployment leaves it: registered in its network, data retention on.
    const clients = new AwsClients({
      credentialsManager: { getCredentialProvider: async () => ({ sdkCredentialProvider: async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }) }) } as any,
      accounts: { configured: [] },
      endpoints: { wickr: wickr.endpoint },
    });
    const admin = await WickrAdminClient.create(clients, { region: 'us-east-1' });
    await admin.createDataRetentionBot(NETWORK);
    await admin.updateDataRetention(NETWORK, 'ENABLE');
    portal = await startPortal({ config: motoPortalConfig(moto, motoTemplateLocation(), wickr.endpoint) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await wickr?.stop();
    await moto?.stop();
  });

  const stackStatus = async (name: string) =>
    (await new CloudFormationClient(motoClientConfig(moto)).send(new DescribeStacksCommand({ StackName: stackIds[name] }))).Stacks![0].StackStatus;

  /** The teardown form, as the card's button opened it: the deployment chosen, the name typed, keep-data. */
  async function submitTeardown(page: Page, typed: string) {
    await page.getByRole('textbox', { name: /Type the deployment's name to confirm/ }).fill(typed);
    expect(await page.getByRole('radio', { name: /Keep the data/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
  }

  it('tears a deployment down from its page: a wrong typed name refused, the right one removes the stack and the entity, the data and the record stay', async () => {
    const page = await browser.newPage();
    await withScreenshotOnFailure(page, 'teardown', async () => {
      await signInAsGuest(page, portal.baseUrl);
      await waitForEntity(page, 'gone-123456789012-use1');
      await page.goto(`${portal.baseUrl}/catalog/default/resource/gone-123456789012-use1`);
      await page.getByText('CREATE_COMPLETE').first().waitFor({ timeout: 60_000 });
      const tearDown = page.getByRole('button', { name: 'Tear down', exact: true }).first();
      await tearDown.waitFor({ timeout: 30_000 });
      const href = (await tearDown.getAttribute('href'))!;
      expect(href).toBe(`/create/templates/default/wickr-dr-teardown?formData=${encodeURIComponent(JSON.stringify({ deployment: GONE }))}`);

      await tearDown.click();
      await submitTeardown(page, 'gnoe');
      await page.getByText("confirmName: type the deployment's name, gone, to tear it down; nothing was changed").first().waitFor({ timeout: 60_000 });
      expect(await stackStatus('gone')).toBe('CREATE_COMPLETE');
      expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: true });

      await page.goto(`${portal.baseUrl}${href}`);
      await submitTeardown(page, 'gone');
      await page.getByText('What remains').first().waitFor({ timeout: 240_000 });
      await page.getByText(/^bucket 123456789012-gone-wickrdr: https:\/\/s3\.console\.aws\.amazon\.com\//).first().waitFor({ timeout: 10_000 });
      expect(await stackStatus('gone')).toBe('DELETE_COMPLETE');
      expect(wickr.state.bot(NETWORK)).toMatchObject({ retentionEnabled: false });
      const s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
      await s3.send(new HeadBucketCommand({ Bucket: '123456789012-gone-wickrdr' }));

      // The teardown told discovery to look again: the entity leaves the catalog.
      const token = await guestToken(page);
      await poll('the entity to leave the catalog', async () => {
        const res = await api(page, token, `/api/catalog/entities/by-name/resource/default/gone-123456789012-use1`);
        return res.status === 404 ? true : undefined;
      });
      // Its record stays, readable once the entity is gone.
      const records = await api(page, token, `/api/wickr-dr/v1/deployments/default/gone-123456789012-use1/operations`);
      expect(records.status).toBe(200);
      expect(records.body.operations.map((r: any) => [r.operation, r.outcome, r.by])).toEqual(
        expect.arrayContaining([['teardown', 'succeeded', 'user:default/guest']]),
      );
    });
  });

  it("refuses to tear down another team's deployment, changing nothing", async () => {
    const page = await browser.newPage();
    await withScreenshotOnFailure(page, 'teardown-non-owner', async () => {
      await signInAsGuest(page, portal.baseUrl);
      await waitForEntity(page, 'others-123456789012-use1');
      await page.goto(`${portal.baseUrl}/catalog/default/resource/others-123456789012-use1`);
      await page.getByText('CREATE_COMPLETE').first().waitFor({ timeout: 60_000 });
      // The card's day-two buttons wait for the permission answers; once the page is idle they are settled.
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('button', { name: 'Tear down', exact: true }).count()).toBe(0);
      // A crafted link gets the form, and the task refuses.
      await page.goto(`${portal.baseUrl}/create/templates/default/wickr-dr-teardown?formData=${encodeURIComponent(JSON.stringify({ deployment: OTHERS }))}`);
      await submitTeardown(page, 'others');
      await page.getByText(/wickr-dr\.deployment\.delete/).first().waitFor({ timeout: 60_000 });
      expect(await stackStatus('others')).toBe('CREATE_COMPLETE');
    });
  });
});
