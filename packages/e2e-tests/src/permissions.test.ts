// Who may do what, in the real portal: the backend process with the owner policy, users
// signed in through the auth backend (the guest provider, set to a User entity of the catalog,
// so the token's ownership comes from the catalog as with GitHub sign-in), decisions from
// the permission backend's /api/permission/authorize with the deployment's entity ref.
// Also: allow-all refused outside development unless explicitly permitted, and the sign-in
// page offering what app.signInProviders says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { Browser } from 'playwright-core';
import {
  deploymentReadPermission,
  driftCheckPermission,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { launchChromium } from './__testUtils__/browser';
import { PortalStartError, repoRoot, RunningPortal, startPortal } from './__testUtils__/portal';

const TEAM_A_DEPLOYMENT = 'resource:default/alpha-123456789012-use1';
const TEAM_B_DEPLOYMENT = 'resource:default/beta-123456789012-use1';

/** Two teams of one user each, and one deployment per team, registered by hand. */
function writeTeamsCatalog(dir: string): string {
  const entity = (kind: string, name: string, spec: object) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name },
    spec,
  });
  const entities = [
    entity('Group', 'team-a', { type: 'team', children: [] }),
    entity('Group', 'team-b', { type: 'team', children: [] }),
    entity('User', 'alice', { memberOf: ['team-a'] }),
    entity('User', 'bob', { memberOf: ['team-b'] }),
    entity('Resource', 'alpha-123456789012-use1', { type: 'wickr-data-retention', owner: 'group:default/team-a' }),
    entity('Resource', 'beta-123456789012-use1', { type: 'wickr-data-retention', owner: 'group:default/team-b' }),
  ];
  const file = path.join(dir, 'teams.yaml');
  fs.writeFileSync(file, entities.map(e => toYaml(e)).join('---\n'));
  return file;
}

/** The portal's own catalog plus the teams, with guest sign-in as the given User entity. */
function portalConfigSignedInAs(user: string, teamsCatalog: string) {
  return {
    // Only the catalog gives the user its groups (the fallback before it has read the file does not).
    auth: { providers: { guest: { userEntityRef: `user:default/${user}`, ownershipEntityRefs: [`user:default/${user}`] } } },
    catalog: {
      locations: [
        { type: 'file', target: path.join(repoRoot, 'catalog-info.yaml') },
        { type: 'file', target: teamsCatalog },
      ],
    },
  };
}

async function poll<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Signs in through the auth backend, once the catalog knows the user's groups (until then
 * the guest provider issues a token without them), and waits for both deployments.
 */
async function signIn(portal: RunningPortal, group: string): Promise<string> {
  const token = await poll(`sign-in with ${group} among the ownership refs`, async () => {
    const res = await fetch(`${portal.baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (!res.ok) throw new Error(`guest sign-in answered ${res.status}: ${await res.text()}`);
    const { backstageIdentity } = await res.json();
    return backstageIdentity.identity.ownershipEntityRefs.includes(group)
      ? (backstageIdentity.token as string)
      : undefined;
  });
  for (const ref of [TEAM_A_DEPLOYMENT, TEAM_B_DEPLOYMENT]) {
    await poll(`${ref} in the catalog with its owner`, async () => {
      const res = await fetch(`${portal.baseUrl}/api/catalog/entities/by-name/${ref.replace(':', '/')}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const entity = res.ok ? await res.json() : undefined;
      return entity?.relations?.some((r: { type: string }) => r.type === 'ownedBy') ? true : undefined;
    });
  }
  return token;
}

async function decide(portal: RunningPortal, token: string, permission: object, resourceRef: string) {
  const res = await fetch(`${portal.baseUrl}/api/permission/authorize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ id: '1', permission, resourceRef }] }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`authorize answered ${res.status}: ${JSON.stringify(body)}`);
  return body.items[0].result as string;
}

describe('the owner policy in the real portal', () => {
  jest.setTimeout(180_000);
  let dir: string;
  const portals: Record<string, RunningPortal> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-teams-'));
    const teams = writeTeamsCatalog(dir);
    // One portal per user: the guest provider signs in as one configured user.
    await Promise.all(
      [['alice', 'group:default/team-a'], ['bob', 'group:default/team-b']].map(async ([user, group]) => {
        portals[user] = await startPortal({ config: portalConfigSignedInAs(user, teams) });
        tokens[user] = await signIn(portals[user], group);
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(Object.values(portals).map(p => p.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const decision = (user: string, permission: object, ref: string) =>
    decide(portals[user], tokens[user], permission, ref);

  it("allows a drift check to the owning team's member and denies it to the other team's", async () => {
    expect(await decision('alice', driftCheckPermission, TEAM_A_DEPLOYMENT)).toBe('ALLOW');
    expect(await decision('bob', driftCheckPermission, TEAM_A_DEPLOYMENT)).toBe('DENY');
    expect(await decision('bob', driftCheckPermission, TEAM_B_DEPLOYMENT)).toBe('ALLOW');
    expect(await decision('alice', driftCheckPermission, TEAM_B_DEPLOYMENT)).toBe('DENY');
  });

  it('lets both read both deployments', async () => {
    for (const user of ['alice', 'bob']) {
      for (const ref of [TEAM_A_DEPLOYMENT, TEAM_B_DEPLOYMENT]) {
        expect([user, ref, await decision(user, deploymentReadPermission, ref)]).toEqual([user, ref, 'ALLOW']);
      }
    }
  });
});

describe('allow-all outside development', () => {
  jest.setTimeout(180_000);

  it('refuses to start, in one line that names the setting which would permit it', async () => {
    const failure = await startPortal({
      timeoutMs: 60_000,
      config: { portal: { permissionPolicy: 'allow-all' } },
    }).then(
      async portal => {
        await portal.stop();
        throw new Error('the portal started with allow-all under NODE_ENV=production');
      },
      (error: unknown) => {
        if (error instanceof PortalStartError) return error;
        throw error;
      },
    );
    expect(failure.exitCode).toBe(1);
    const lines = failure.output.split('\n').filter(l => l.startsWith('The portal backend could not start:'));
    expect(lines).toEqual([
      "The portal backend could not start: portal.permissionPolicy is allow-all (every request allowed) but NODE_ENV is 'production'; " +
        'set portal.permissionPolicy: owners, or portal.dangerouslyAllowAllPermissionsOutsideDevelopment: true to allow everything anyway',
    ]);
  });

  it('starts with the explicit setting, and then allows a non-owner everything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-teams-'));
    const config = portalConfigSignedInAs('bob', writeTeamsCatalog(dir));
    const portal = await startPortal({
      config: {
        ...config,
        portal: { permissionPolicy: 'allow-all', dangerouslyAllowAllPermissionsOutsideDevelopment: true },
      },
    });
    try {
      const token = await signIn(portal, 'group:default/team-b');
      expect(await decide(portal, token, driftCheckPermission, TEAM_A_DEPLOYMENT)).toBe('ALLOW');
    } finally {
      await portal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the sign-in page', () => {
  jest.setTimeout(180_000);
  let portal: RunningPortal;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startPortal({
      config: {
        app: { signInProviders: ['github', 'guest'] },
        // Never contacted: the test does not click GitHub's button.
        auth: { providers: { github: { development: { clientId: 'e2e-client', clientSecret: 'e2e-not-a-secret' } } } },
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('offers the providers of app.signInProviders, read from the served config', async () => {
    const page = await browser.newPage();
    await page.goto(portal.baseUrl);
    await page.getByText('Sign in with your GitHub account').waitFor();
    await page.getByRole('button', { name: 'Enter' }).waitFor();
    const cards = await page.locator('text=/^(GitHub|Guest)$/').allTextContents();
    expect(cards).toEqual(['GitHub', 'Guest']);
  });
});
