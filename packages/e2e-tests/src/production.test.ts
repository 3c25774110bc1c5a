// The production configuration (app-config.production.yaml) in the real backend, on the
// PostgreSQL `npm test` starts (testPostgres: POSTGRES_HOST, _PORT, _USER and _PASSWORD as
// production sets them), with GitHub sign-in from the environment variables and the sign-in
// page offering GitHub only. Overridden: the listener (127.0.0.1 on a free port, not
// 0.0.0.0:7007), a database prefix of its own per start (test backends share the server), AWS
// pointed at a closed loopback port with scheduled work off, and a deployment entity in the
// catalog. GitHub itself is never contacted: the test reads where the portal would send the
// browser; the portal's own API is called with a guest token (the test overlay allows it).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { Browser } from 'playwright-core';
import { ANNOTATIONS, DEPLOYMENT_ENTITY_TYPE } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { freeLoopbackPort, testPostgres } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { launchChromium } from './__testUtils__/browser';
import { PortalStartError, repoRoot, RunningPortal, startPortal } from './__testUtils__/portal';

const postgres = testPostgres();
const POSTGRES_ENV = {
  POSTGRES_HOST: postgres.host,
  POSTGRES_PORT: String(postgres.port),
  POSTGRES_USER: postgres.user,
  POSTGRES_PASSWORD: postgres.password,
};
const GITHUB_ENV = { AUTH_GITHUB_CLIENT_ID: 'e2e-github-client', AUTH_GITHUB_CLIENT_SECRET: 'e2e-not-a-secret' };

const ACCOUNT_ID = '123456789012';
const DEPLOYMENT = `pgprod-${ACCOUNT_ID}-use1`;
const STACK_ARN = `arn:aws:cloudformation:us-east-1:${ACCOUNT_ID}:stack/wickr-dr-pgprod/5e5e5e5e-0000-4000-8000-000000000000`;

/** Our plugin's tables, which its migrations make. */
const WICKR_DR_TABLES = ['bot_registrations', 'drift_checks', 'drift_notifications', 'operation_records'];

/** One deployment, as discovery would register it, in a catalog file. */
function writeDeploymentCatalog(dir: string): string {
  const file = path.join(dir, 'deployment.yaml');
  fs.writeFileSync(
    file,
    toYaml({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: DEPLOYMENT,
        annotations: {
          [ANNOTATIONS.arn]: STACK_ARN,
          [ANNOTATIONS.accountId]: ACCOUNT_ID,
          [ANNOTATIONS.region]: 'us-east-1',
        },
      },
      spec: { type: DEPLOYMENT_ENTITY_TYPE, owner: 'group:default/platform-team' },
    }),
  );
  return file;
}

/**
 * app-config.production.yaml as it is, but for the listener and a database prefix of its
 * own; AWS calls, which nothing here should make, would go to a closed loopback port.
 */
function productionConfig(options: { port: number; prefix: string; catalogFile?: string; awsPort?: number }) {
  const config = parseYaml(fs.readFileSync(path.join(repoRoot, 'app-config.production.yaml'), 'utf8'));
  config.backend.listen = { host: '127.0.0.1', port: options.port };
  config.backend.database.prefix = options.prefix;
  const fake = { accessKeyId: 'e2e-not-a-key', secretAccessKey: 'e2e-not-a-secret-key' };
  config.aws = { mainAccount: fake, accounts: [{ accountId: ACCOUNT_ID, ...fake }] };
  config.wickrDr = {
    endpoint: `http://127.0.0.1:${options.awsPort ?? 9}`,
    drift: { enabled: false },
    passwordKeeper: false,
  };
  if (options.catalogFile) {
    config.catalog = {
      locations: [
        { type: 'file', target: path.join(repoRoot, 'catalog-info.yaml') },
        { type: 'file', target: options.catalogFile },
      ],
    };
  }
  return config;
}

/** A database prefix no other test backend uses: Backstage makes one database per plugin, PREFIX + plugin id. */
const uniquePrefix = () => `e2e_prod_${crypto.randomBytes(4).toString('hex')}_`;

const prefixes: string[] = [];

async function startProduction(env: Record<string, string>, catalogFile?: string) {
  const port = await freeLoopbackPort();
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const portal = await startPortal({
    port,
    config: productionConfig({ port, prefix, catalogFile, awsPort: await freeLoopbackPort() }),
    env: { PORTAL_BASE_URL: `http://127.0.0.1:${port}`, ...POSTGRES_ENV, ...env },
  });
  return Object.assign(portal, { prefix });
}

/** A connection to one database of the test PostgreSQL. */
function connect(database: string): Knex {
  const { host, port, user, password } = postgres;
  return knexFactory({ client: 'pg', connection: { host, port, user, password, database }, pool: { min: 0, max: 1 } });
}

async function databasesStartingWith(admin: Knex, prefix: string): Promise<string[]> {
  const rows = await admin('pg_database')
    .select('datname')
    .where('datname', 'like', `${prefix.replace(/_/g, '\\_')}%`);
  return rows.map(r => r.datname).sort();
}

/** Drops the databases the test backends made, so that a server given by hand is left as it was. */
async function dropTestDatabases() {
  const admin = connect('postgres');
  try {
    for (const prefix of prefixes) {
      for (const name of await databasesStartingWith(admin, prefix)) {
        await admin.raw('DROP DATABASE ?? WITH (FORCE)', [name]);
      }
    }
  } finally {
    await admin.destroy();
  }
}

async function guestToken(portal: RunningPortal): Promise<string> {
  const res = await fetch(`${portal.baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}: ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
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

describe('the production configuration', () => {
  jest.setTimeout(180_000);
  let dir: string;
  let portal: RunningPortal & { prefix: string };
  let browser: Browser;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-production-'));
    portal = await startProduction(GITHUB_ENV, writeDeploymentCatalog(dir));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await dropTestDatabases();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its data in PostgreSQL: a database per plugin under its prefix, our tables migrated', async () => {
    const admin = connect('postgres');
    let databases: string[];
    try {
      databases = await databasesStartingWith(admin, portal.prefix);
    } finally {
      await admin.destroy();
    }
    for (const plugin of ['auth', 'catalog', 'scaffolder', 'wickr-dr']) {
      expect(databases).toContain(`${portal.prefix}${plugin}`);
    }

    const wickrDr = connect(`${portal.prefix}wickr-dr`);
    try {
      const tables = await wickrDr('pg_tables').where({ schemaname: 'public' }).pluck('tablename');
      expect(tables).toEqual(expect.arrayContaining(WICKR_DR_TABLES));
      const migrations = await wickrDr('knex_migrations').orderBy('id').pluck('name');
      expect(migrations).toEqual(fs.readdirSync(path.join(repoRoot, 'plugins/wickr-dr-backend/migrations')).sort());
    } finally {
      await wickrDr.destroy();
    }
    // The database password is given to the backend, never printed by it.
    expect(portal.output()).not.toContain(postgres.password);
  });

  it('answers from PostgreSQL: the catalog, and our routes with a token and 401 without', async () => {
    const token = await guestToken(portal);
    const auth = { authorization: `Bearer ${token}` };
    const entityUrl = `${portal.baseUrl}/api/catalog/entities/by-name/resource/default/${DEPLOYMENT}`;
    const entity = await poll('the deployment in the catalog', async () => {
      const res = await fetch(entityUrl, { headers: auth });
      return res.ok ? res.json() : undefined;
    });
    expect(entity.metadata.annotations[ANNOTATIONS.arn]).toBe(STACK_ARN);
    expect((await fetch(entityUrl)).status).toBe(401);

    // What the scaffolder's day-two actions would have recorded.
    const at = new Date().toISOString();
    const ref = `resource:default/${DEPLOYMENT}`;
    const wickrDr = connect(`${portal.prefix}wickr-dr`);
    try {
      await wickrDr('operation_records').insert({
        entity_ref: ref,
        operation: 'stop',
        by_ref: 'user:default/alice',
        outcome: 'succeeded',
        task_id: 'task-1',
        recorded_at: at,
      });
    } finally {
      await wickrDr.destroy();
    }

    const api = `${portal.baseUrl}/api/wickr-dr/v1/deployments/default/${DEPLOYMENT}`;
    for (const url of [`${api}/operations`, `${portal.baseUrl}/api/wickr-dr/v1/accounts`]) {
      expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 401 });
    }
    const operations = await fetch(`${api}/operations`, { headers: auth });
    expect(operations.status).toBe(200);
    expect(await operations.json()).toEqual({
      operations: [
        { entityRef: ref, operation: 'stop', by: 'user:default/alice', at, outcome: 'succeeded', taskId: 'task-1' },
      ],
    });
    const accounts = await fetch(`${portal.baseUrl}/api/wickr-dr/v1/accounts`, { headers: auth });
    expect(await accounts.json()).toEqual({ accounts: [{ accountId: ACCOUNT_ID }] });
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
