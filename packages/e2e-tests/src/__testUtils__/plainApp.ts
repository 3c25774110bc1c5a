import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { PackedPackage } from './lockfileRegistry';
import { repoRoot } from './portal';

export const FIXTURE_DIR = path.join(repoRoot, 'packages/e2e-tests/fixtures/plain-app');

/** Runs a command, resolving with its output; rejects with the command and the output's end. */
export function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.once('error', reject);
    child.once('exit', code =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

/** Our publishable packages: every workspace under plugins/. */
export function ourPackages(): Array<{ dir: string; manifest: Record<string, any> }> {
  const plugins = path.join(repoRoot, 'plugins');
  return fs
    .readdirSync(plugins)
    .map(name => path.join(plugins, name))
    .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
    .map(dir => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }));
}

export interface InstallSteps {
  /** The shell commands, run in the app's root folder. */
  commands: string[][];
  /** Lines the backend's src/index.ts gets before backend.start(). */
  backendLines: string[];
  /** Configuration merged into the app's app-config.yaml. */
  config: Record<string, unknown>;
}

/**
 * The steps of the README's "Add to your Backstage app" section, read from its code blocks:
 * `sh` blocks are commands, the `ts` block headed `packages/backend/src/index.ts` goes into
 * the backend, the `yaml` block headed `app-config.yaml` into the configuration.
 */
export function readmeInstallSteps(readme: string): InstallSteps {
  const section = /^## Add to your Backstage app\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Add to your Backstage app" section');
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)].map(m => ({ lang: m[1], body: m[2] }));
  const steps: InstallSteps = { commands: [], backendLines: [], config: {} };
  for (const { lang, body } of blocks) {
    const lines = body.split('\n');
    if (lang === 'sh') {
      steps.commands.push(
        ...lines.map(line => line.replace(/#.*$/, '').trim()).filter(Boolean).map(line => line.split(/\s+/)),
      );
    } else if (lang === 'ts' && /packages\/backend\/src\/index\.ts/.test(lines[0])) {
      steps.backendLines.push(...lines.slice(1).filter(line => line.trim() && !line.trim().startsWith('//')));
    } else if (lang === 'yaml' && /app-config\.yaml/.test(lines[0])) {
      steps.config = mergeConfig(steps.config, parseYaml(body) ?? {});
    }
  }
  return steps;
}

/** Deep merge: objects by key, arrays concatenated, the rest replaced. */
export function mergeConfig(base: any, extra: any): any {
  if (Array.isArray(base) && Array.isArray(extra)) return [...base, ...extra];
  if (base && extra && typeof base === 'object' && typeof extra === 'object' && !Array.isArray(base) && !Array.isArray(extra)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(extra)) merged[key] = key in base ? mergeConfig(base[key], value) : value;
    return merged;
  }
  return extra;
}

/** Puts the README's backend lines into the app's backend, before it starts. */
export function addBackendLines(appDir: string, lines: string[]) {
  const file = path.join(appDir, 'packages/backend/src/index.ts');
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes('backend.start();')) throw new Error(`${file} has no backend.start();`);
  fs.writeFileSync(file, source.replace('backend.start();', `${lines.join('\n')}\n\nbackend.start();`));
}

export function addConfig(appDir: string, config: Record<string, unknown>) {
  const file = path.join(appDir, 'app-config.yaml');
  fs.writeFileSync(file, toYaml(mergeConfig(parseYaml(fs.readFileSync(file, 'utf8')), config)));
}

/** The file name `npm pack` gives a package: `@scope/name` becomes `scope-name-<version>.tgz`. */
function tarballName(manifest: Record<string, any>): string {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

/** The package.json inside a packed tarball. */
async function packedManifest(file: string): Promise<Record<string, any>> {
  return JSON.parse(await run('tar', ['-xzOf', file, 'package/package.json'], { cwd: path.dirname(file) }));
}

/**
 * Builds our packages and packs each as `npm publish` would (prepack and postpack included),
 * from a copy of the repository (root manifest, plugins/, templates/) so that the packing never
 * rewrites a package.json that other tests are reading.
 */
export async function packOurPackages(outDir: string): Promise<PackedPackage[]> {
  const env = { PATH: `${path.join(repoRoot, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` };
  await run('tsc', [], { cwd: repoRoot, env });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-pack-'));
  try {
    fs.cpSync(path.join(repoRoot, 'templates'), path.join(stage, 'templates'), { recursive: true });
    // backstage-cli finds the monorepo's root by these two, and the config schema's types in node_modules
    for (const file of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(repoRoot, file), path.join(stage, file));
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(stage, 'node_modules'));
    const packed: PackedPackage[] = [];
    // every package but the bundled app and backend, in parallel
    await run('backstage-cli', ['repo', 'build'], { cwd: repoRoot, env });
    for (const { dir, manifest } of ourPackages()) {
      const staged = path.join(stage, 'plugins', path.basename(dir));
      fs.cpSync(dir, staged, { recursive: true, filter: source => path.basename(source) !== 'node_modules' });
      if (fs.existsSync(path.join(dir, 'node_modules'))) fs.symlinkSync(path.join(dir, 'node_modules'), path.join(staged, 'node_modules'));
      await run('npm', ['pack', '--pack-destination', outDir], { cwd: staged, env });
      const file = path.join(outDir, tarballName(manifest));
      packed.push({ file, manifest: await packedManifest(file) });
    }
    return packed;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
