// End to end against moto_server and the fake Wickr admin API: the real portal (backend serving
// the built app, every AWS call of our plugins sent to moto on loopback and the Wickr admin API's
// to its fake, the owner permission policy), driven in headless Chromium: an update of the guest's
// team's deployment through the Wickr template with the network chosen in the picker and no
// password typed; a fake bot that logs in to the network with the challenge the task put in its
// secret and prints its generated password; the entity page with the live-state card, the bot
// registered and data retention on; and another team's deployment, whose card the guest sees
// without any of its operations once every permission on it is decided, where the card of the
// guest's own team's twin offers them all.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Browser, Page } from 'playwright-core';
import { ownerOnlyPermissions } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FakeWickrAdmin,
  LOGIN_FAILURE_LINES,
  MotoServer,
  motoClientConfig,
  startFakeWickrAdmin,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { launchChromium, permissionDecisions, signInAsGuest, waitForEntity, withScreenshotOnFailure } from './__testUtils__/browser';
import { fakeBot, motoPortalConfig, motoTemplateLocation, seedDeployment, writeBotLog } from './__testUtils__/motoDeployment';
import { RunningPortal, startPortal } from './__testUtils__/portal';

async function next(page: Page) {
  await page.getByRole('button', { name: 'Next' }).click();
}

/** Every operation a deployment's card can offer, by its button's name. */
const OPERATIONS = [
  'Check now',
  'Preview an update',
  'Stop or start the bot',
  'Tear down',
  'Capture the password now',
  'Turn data retention on',
  'Turn data retention off',
];

describe('a deployment through the portal, against moto', () => {
  jest.setTimeout(300_000);
  let moto: MotoServer;
  let portal: RunningPortal;
  let browser: Browser;
  let bot: ReturnType<typeof fakeBot>;
  let wickr: FakeWickrAdmin;
  const NETWORK = '12345678';
  const TRIAL_NETWORK = '87654321';

  beforeAll(async () => {
    moto = await startMoto();
    await seedDeployment(moto, 'e2e', 'wickr-dr-e2e', { networkId: NETWORK });
    await seedRefusedPassword('ours');
    await seedRefusedPassword('others', 'group:default/other-team');
    wickr = await startFakeWickrAdmin({
      networks: [
        { networkId: NETWORK, networkName: 'Acme compliance', accessLevel: 'PREMIUM', awsAccountId: '123456789012' },
        { networkId: TRIAL_NETWORK, networkName: 'Acme trial', accessLevel: 'STANDARD', awsAccountId: '123456789012' },
      ],
    });
    bot = fakeBot(moto, 'e2e', { wickr, networkId: NETWORK });
    portal = await startPortal({ config: motoPortalConfig(moto, motoTemplateLocation(), wickr.endpoint) });
    browser = await launchChromium();
  });
  /**
   * A deployment in a network without a bot, whose bot refused the password in its secret: its
   * card has a row for every operation (Capture the password now, both ways of data retention).
   */
  async function seedRefusedPassword(deployName: string, owner?: string) {
    await seedDeployment(moto, deployName, `wickr-dr-${deployName}`, { owner, networkId: TRIAL_NETWORK });
    const [refused] = LOGIN_FAILURE_LINES.find(([, why]) => why.includes('wrong or rejected'))!;
    await writeBotLog(moto, deployName, ['Begin login', refused]);
  }

  /** The operations the card of a seeded deployment offers the guest, counted once every permission on it is decided. */
  async function offeredOperations(deployName: string): Promise<string[]> {
    const page = await browser.newPage();
    const decisions = permissionDecisions(page);
    const offered: string[] = [];
    await withScreenshotOnFailure(page, `operations-${deployName}`, async () => {
      await signInAsGuest(page, portal.baseUrl);
      const name = `${deployName}-123456789012-use1`;
      await waitForEntity(page, name);
      await page.goto(`${portal.baseUrl}/catalog/default/resource/${name}`);
      await page.getByText('CREATE_COMPLETE').first().waitFor({ timeout: 60_000 });
      await page.getByText(/Drift/).first().waitFor({ timeout: 30_000 });
      // The rows whose operations are drawn last.
      await page.getByText('The secret holds a spent password').first().waitFor({ timeout: 30_000 });
      await page.getByText(`Network Acme trial (${TRIAL_NETWORK}) — STANDARD`).first().waitFor({ timeout: 30_000 });
      await decisions.settled(`resource:default/${name}`, ownerOnlyPermissions.map(p => p.name));
      for (const operation of OPERATIONS) {
        if (await page.getByRole('button', { name: operation, exact: true }).count()) offered.push(operation);
      }
    });
    await page.close();
    return offered;
  }

  afterAll(async () => {
    bot?.stop();
    await browser?.close();
    await portal?.stop();
    await wickr?.stop();
    await moto?.stop();
  });

  it('deploys through the template and shows the deployment with its live state', async () => {
    const page = await browser.newPage();
    await withScreenshotOnFailure(page, 'deployment', async () => {
      await signInAsGuest(page, portal.baseUrl);
      await page.goto(`${portal.baseUrl}/create/templates/default/wickr-dr-fargate-moto`);

      await page.getByRole('textbox', { name: /Stack name/ }).fill('wickr-dr-e2e');
      await page.getByRole('textbox', { name: /Deployment name/ }).fill('e2e');
      const owner = page.getByRole('combobox', { name: /Owner/ }).or(page.getByRole('textbox', { name: /Owner/ })).first();
      await owner.click();
      await owner.fill('platform');
      await page.getByRole('option', { name: /platform/i }).first().click();
      await next(page);

      // The account picker offers the accounts configured under aws.accounts.
      await page.getByRole('combobox', { name: /AWS account/ }).selectOption('123456789012');
      await next(page); // us-east-1 is the default Region

      // The bot through the Wickr admin API (the default): the network from the picker, no password.
      await page.getByRole('radio', { name: /Create the bot and its password through the Wickr admin API/ }).check();
      const network = page.getByRole('combobox', { name: /Wickr network/ });
      await network.locator('option', { hasText: 'Acme compliance (12345678)' }).waitFor({ state: 'attached', timeout: 30_000 });
      await network.selectOption(NETWORK);
      expect(await page.getByLabel(/Initial password/).count()).toBe(0);
      await next(page);
      await next(page); // Alerts
      await page.getByRole('button', { name: 'Review' }).click();
      await page.getByRole('button', { name: 'Create' }).click();

      const open = page.getByRole('link', { name: 'Open the deployment in the catalog' });
      await open.waitFor({ timeout: 240_000 });
      await open.click();

      await page.getByText('Wickr data retention', { exact: true }).first().waitFor({ timeout: 60_000 });
      await page.getByText('UPDATE_COMPLETE').first().waitFor({ timeout: 60_000 });
      expect(page.url()).toContain('/catalog/default/resource/e2e-123456789012-use1');
      // The task stored the password the bot generated; the card says the bot registered.
      const generated = await bot.printed;
      const secret = await new SecretsManagerClient(motoClientConfig(moto)).send(new GetSecretValueCommand({ SecretId: 'e2e-bot-secret' }));
      expect(JSON.parse(secret.SecretString!).password).toBe(generated);
      await page.getByText(/^Registered, last login/).first().waitFor({ timeout: 60_000 });
      // The Wickr side: the bot registered in its network (the console's green mark), retention on.
      await page.getByText(`Bot compliance_${NETWORK}_bot is registered`).first().waitFor({ timeout: 60_000 });
      await page.getByText('Data retention on').first().waitFor({ timeout: 30_000 });
      expect(wickr.state.bot(NETWORK)).toMatchObject({ registered: true, retentionEnabled: true });
      // The guest's team owns this deployment: its operations are offered.
      await page.getByRole('button', { name: 'Check now' }).waitFor({ timeout: 30_000 });

      const href = async (name: string) => page.getByRole('link', { name }).first().getAttribute('href');
      expect(await href('CloudFormation stack')).toMatch(
        /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudformation\/home\?region=us-east-1#\/stacks\/stackinfo\?stackId=arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack%2Fwickr-dr-e2e%2F/,
      );
      expect(await href('Retention bucket')).toBe(
        'https://s3.console.aws.amazon.com/s3/buckets/123456789012-e2e-wickrdr?region=us-east-1&prefix=data-retention%2F',
      );
      expect(await href('Bot log')).toBe(
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fwickr-dr$252Fe2e$252Fbot',
      );
    });
  });

  it("shows another team's deployment live but not its operations", async () => {
    // The control: after the same wait, the card of the guest's own team's twin offers every one.
    expect(await offeredOperations('ours')).toEqual(OPERATIONS);
    expect(await offeredOperations('others')).toEqual([]);
  });
});
