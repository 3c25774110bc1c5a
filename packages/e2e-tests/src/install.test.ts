// Our packages in a Backstage app that is not ours: every plugin built and packed as npm would
// publish it, a plain app of the pinned release (fixtures/plain-app) copied to a temporary
// folder, the tarballs installed into it by following the README's "Add to your Backstage app"
// section as written (its npm commands, its backend lines, its configuration), the app built
// and its backend started. npm reaches nothing but a registry on loopback that serves the
// packages of our package-lock.json from the npm cache, and our tarballs. AWS is pointed at a
// closed loopback port; nothing here calls it.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { freeLoopbackPort } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { LockfileRegistry, PackedPackage, startLockfileRegistry } from './__testUtils__/lockfileRegistry';
import {
  addBackendLines,
  addConfig,
  FIXTURE_DIR,
  InstallSteps,
  packOurPackages,
  readmeInstallSteps,
  run,
} from './__testUtils__/plainApp';
import { repoRoot } from './__testUtils__/portal';

const README = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const SETUP_MS = 25 * 60_000;

let work: string;
let appDir: string;
let registry: LockfileRegistry;
let packed: PackedPackage[];
let steps: InstallSteps;
let backend: ChildProcess | undefined;
let backendOutput = '';
let baseUrl: string;

const npmEnv = () => ({
  npm_config_registry: registry.url,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_loglevel: 'error',
});

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (backendOutput.includes('Backend startup failed')) {
      throw new Error(`the plain app's backend did not start:\n${backendOutput.slice(-4000)}`);
    }
    if (backend?.exitCode !== null && backend?.exitCode !== undefined) {
      throw new Error(`the plain app's backend exited ${backend.exitCode} while waiting for ${what}:\n${backendOutput.slice(-4000)}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the backend printed:\n${backendOutput.slice(-4000)}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/** The plain app's own settings for this run: one free loopback port, AWS nowhere. */
function localOverlay(port: number) {
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    app: { baseUrl },
    backend: { baseUrl, listen: { host: '127.0.0.1', port } },
    wickrDr: { endpoint: 'http://127.0.0.1:9', drift: { enabled: false }, passwordKeeper: false },
  };
}

function startBackend() {
  const backendDir = path.join(appDir, 'packages/backend');
  backend = spawn(
    process.execPath,
    ['--require', '@backstage/cli-node/config/nodeTransform.cjs', 'src/index.ts', '--config', '../../app-config.yaml'],
    { cwd: backendDir, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  backend.stdout!.on('data', d => (backendOutput += d));
  backend.stderr!.on('data', d => (backendOutput += d));
}

async function guestToken(): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}: ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
}

async function catalogTemplate(name: string, token: string) {
  const res = await fetch(`${baseUrl}/api/catalog/entities/by-name/template/default/${name}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.ok ? res.json() : undefined;
}

/** The `wickr-dr:` actions our templates run, read from the templates themselves. */
function templateActions(): string[] {
  const templates = path.join(repoRoot, 'templates');
  const actions = new Set<string>();
  for (const name of fs.readdirSync(templates)) {
    const file = path.join(templates, name, 'template.yaml');
    if (!fs.existsSync(file)) continue;
    for (const step of parseYaml(fs.readFileSync(file, 'utf8')).spec.steps) {
      if (step.action.startsWith('wickr-dr:')) actions.add(step.action);
    }
  }
  return [...actions].sort();
}

function templateNames(): string[] {
  const templates = path.join(repoRoot, 'templates');
  return fs
    .readdirSync(templates)
    .filter(name => fs.existsSync(path.join(templates, name, 'template.yaml')))
    .map(name => parseYaml(fs.readFileSync(path.join(templates, name, 'template.yaml'), 'utf8')).metadata.name);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-install-'));
  const packDir = path.join(work, 'packed');
  fs.mkdirSync(packDir);
  packed = await packOurPackages(packDir);
  registry = await startLockfileRegistry({ lockfile: path.join(repoRoot, 'package-lock.json'), packed });

  appDir = path.join(work, 'app');
  fs.cpSync(FIXTURE_DIR, appDir, { recursive: true });
  fs.writeFileSync(path.join(appDir, '.npmrc'), `registry=${registry.url}\n`);
  await run('npm', ['install'], { cwd: appDir, env: npmEnv() });

  steps = readmeInstallSteps(README);
  for (const [command, ...args] of steps.commands) await run(command, args, { cwd: appDir, env: npmEnv() });
  addBackendLines(appDir, steps.backendLines);
  addConfig(appDir, steps.config);
  addConfig(appDir, localOverlay(await freeLoopbackPort()));

  // as a user builds it: jest's NODE_ENV=test has no browserslist section, which rspack refuses
  await run('npm', ['run', 'build:app'], { cwd: appDir, env: { NODE_ENV: 'production' } });
  startBackend();
  await waitFor(
    'the backend to be ready',
    async () => ((await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok ? true : undefined),
    240_000,
  );
}, SETUP_MS);

afterAll(async () => {
  if (backend && backend.exitCode === null) {
    const exited = new Promise(r => backend!.once('exit', r));
    backend.kill('SIGTERM');
    const killer = setTimeout(() => backend!.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
  await registry?.stop();
  if (work && !process.env.WICKR_DR_KEEP_PLAIN_APP) fs.rmSync(work, { recursive: true, force: true });
});

describe('our packages in a plain Backstage app, installed as the README says', () => {
  it('come from our tarballs, which carry their built code, README and changelog, and no sources', async () => {
    expect(packed.map(p => p.manifest.name).sort()).toEqual([
      '@wickr-dr/backstage-plugin-catalog-backend-module-wickr-dr',
      '@wickr-dr/backstage-plugin-scaffolder-backend-module-wickr-dr',
      '@wickr-dr/backstage-plugin-wickr-dr',
      '@wickr-dr/backstage-plugin-wickr-dr-backend',
      '@wickr-dr/backstage-plugin-wickr-dr-common',
      '@wickr-dr/backstage-plugin-wickr-dr-node',
    ]);
    for (const { manifest } of packed) {
      expect([manifest.name, manifest.main]).toEqual([manifest.name, expect.stringMatching(/^(\.\/)?dist\//)]);
      const installed = path.join(appDir, 'node_modules', manifest.name);
      expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
      expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
      for (const doc of ['README.md', 'CHANGELOG.md']) expect([manifest.name, doc, fs.existsSync(path.join(installed, doc))]).toEqual([manifest.name, doc, true]);
    }
  });

  it('register every template in the catalog from the installed scaffolder module', async () => {
    const token = await guestToken();
    for (const name of templateNames()) {
      const entity = await waitFor(`template ${name} in the catalog`, () => catalogTemplate(name, token), 120_000);
      expect(entity.metadata.annotations['backstage.io/managed-by-origin-location']).toContain(
        'node_modules/@wickr-dr/backstage-plugin-scaffolder-backend-module-wickr-dr/templates/',
      );
    }
  });

  it('register every action our templates run', async () => {
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/actions`, {
      headers: { authorization: `Bearer ${await guestToken()}` },
    });
    expect(res.status).toBe(200);
    const registered = ((await res.json()) as Array<{ id: string }>).map(a => a.id);
    expect(templateActions()).toEqual(expect.arrayContaining(['wickr-dr:deployment:render', 'wickr-dr:stack:deploy', 'wickr-dr:bot:put-secret', 'wickr-dr:catalog:register']));
    expect(templateActions().filter(id => !registered.includes(id))).toEqual([]);
  });

  it('answer our routes with 401 without credentials, and with data for a signed-in user', async () => {
    expect((await fetch(`${baseUrl}/api/wickr-dr/v1/accounts`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/api/wickr-dr/v1/deployments/default/none/state`)).status).toBe(401);
    const res = await fetch(`${baseUrl}/api/wickr-dr/v1/accounts`, {
      headers: { authorization: `Bearer ${await guestToken()}` },
    });
    expect(res.status).toBe(200);
  });

  it("build the card's extension into the app's bundle and serve it", async () => {
    const staticDir = path.join(appDir, 'packages/app/dist/static');
    const scripts = fs
      .readdirSync(staticDir)
      .filter(f => f.endsWith('.js'))
      .map(f => fs.readFileSync(path.join(staticDir, f), 'utf8'));
    expect(scripts.some(s => s.includes('pluginId:"wickr-dr"') && s.includes('name:"deployment"'))).toBe(true);
    expect(scripts.some(s => s.includes('"Wickr data retention"') && s.includes('getDeploymentState'))).toBe(true);
    const page = await fetch(`${baseUrl}/catalog`);
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('<div id="root">')]);
  });

  it("name, for the legacy frontend system, only exports the card's package has", () => {
    const section = /^## Add to your Backstage app\n([\s\S]*?)(?=^## )/m.exec(README)![1];
    const blocks = [...section.matchAll(/^```tsx\n\/\/ (\S+)\n([\s\S]*?)^```/gm)];
    expect(blocks.map(b => b[1])).toEqual(['packages/app/src/components/catalog/EntityPage.tsx', 'packages/app/src/App.tsx']);
    const types = fs.readFileSync(path.join(appDir, 'node_modules/@wickr-dr/backstage-plugin-wickr-dr/dist/index.d.ts'), 'utf8');
    for (const [, file, body] of blocks) {
      const imported = /import \{([^}]+)\} from '@wickr-dr\/backstage-plugin-wickr-dr';/.exec(body);
      const names = (imported?.[1] ?? '').split(',').map(n => n.trim()).filter(Boolean);
      expect([file, names.length > 0]).toEqual([file, true]);
      for (const name of names) expect([file, name, new RegExp(`\\b${name}\\b`).test(types)]).toEqual([file, name, true]);
    }
  });

  it('ship the IAM policy the README points at', () => {
    const section = /^## Add to your Backstage app\n([\s\S]*?)(?=^## )/m.exec(README)![1];
    const files = [...section.matchAll(/`(node_modules\/@wickr-dr\/[^`]+\.json)`/g)].map(m => m[1]);
    expect(files).toContain('node_modules/@wickr-dr/backstage-plugin-wickr-dr-node/iam/portal-policy.json');
    for (const file of files) {
      const policy = JSON.parse(fs.readFileSync(path.join(appDir, file), 'utf8'));
      expect(policy.Version).toBe('2012-10-17');
    }
  });
});
