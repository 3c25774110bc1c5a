import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';

/**
 * An npm registry on loopback that knows exactly the packages of a package-lock.json, served
 * from the local npm cache (which `npm ci` filled), plus our own packed tarballs. So a test
 * can run `npm install` as a user would, with no traffic beyond 127.0.0.1.
 */
export interface LockfileRegistry {
  readonly url: string;
  /** Package names asked for that the registry does not know (a test reads them when an install fails). */
  readonly unknown: Set<string>;
  stop(): Promise<void>;
}

export interface PackedPackage {
  /** The tarball `npm pack` wrote. */
  file: string;
  /** Its package.json. */
  manifest: Record<string, any>;
}

type LockEntry = Record<string, any>;
interface VersionEntry {
  manifest: (base: string) => { dist: { tarball: string } };
  file: () => string | undefined;
}

/** Where the npm cache keeps a tarball of this integrity (cacache's content layout). */
function cachedTarball(cacheDir: string, integrity: string): string | undefined {
  for (const hash of integrity.split(/\s+/)) {
    const [algorithm, digest] = hash.split(/-(.*)/s);
    const hex = Buffer.from(digest, 'base64').toString('hex');
    const file = path.join(cacheDir, 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The name of a lockfile entry: its own `name`, else the last `node_modules/` segment of its path. */
function entryName(key: string, entry: LockEntry): string {
  return entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

const MANIFEST_FIELDS = [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'engines',
  'os',
  'cpu',
  'deprecated',
  'hasInstallScript',
];

function manifestOf(name: string, version: string, source: LockEntry, tarball: string, integrity: string) {
  const manifest: Record<string, unknown> = { name, version };
  for (const field of MANIFEST_FIELDS) if (source[field] !== undefined) manifest[field] = source[field];
  return { ...manifest, dist: { tarball, integrity } };
}

function integrityOf(file: string): string {
  return `sha512-${crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
}

/** npm's cache folder (`npm config get cache`), the one `npm ci` filled. */
export function npmCacheDir(): string {
  return process.env.npm_config_cache ?? path.join(os.homedir(), '.npm');
}

/** Starts the registry: every registry package of `lockfile`, and `packed` on top. */
export async function startLockfileRegistry(options: {
  lockfile: string;
  packed: PackedPackage[];
  cacheDir?: string;
}): Promise<LockfileRegistry> {
  const cacheDir = path.join(options.cacheDir ?? npmCacheDir(), '_cacache');
  const lock = JSON.parse(fs.readFileSync(options.lockfile, 'utf8'));
  const versions = new Map<string, Map<string, VersionEntry>>();
  const add = (name: string, version: string, entry: VersionEntry) => {
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)!.set(version, entry);
  };

  for (const [key, entry] of Object.entries<LockEntry>(lock.packages ?? {})) {
    if (!key.includes('node_modules/') || entry.link || !entry.version || !entry.integrity) continue;
    const name = entryName(key, entry);
    const id = crypto.createHash('sha1').update(entry.integrity).digest('hex');
    add(name, entry.version, {
      manifest: base => manifestOf(name, entry.version, entry, `${base}/-/tarball/${id}.tgz`, entry.integrity),
      file: () => cachedTarball(cacheDir, entry.integrity),
    });
  }
  for (const pack of options.packed) {
    const { name, version } = pack.manifest;
    const integrity = integrityOf(pack.file);
    const id = crypto.createHash('sha1').update(integrity).digest('hex');
    add(name, version, {
      manifest: base => manifestOf(name, version, pack.manifest, `${base}/-/tarball/${id}.tgz`, integrity),
      file: () => pack.file,
    });
  }
  const tarballs = new Map<string, () => string | undefined>();
  for (const [, byVersion] of versions) {
    for (const [, entry] of byVersion) {
      const tarball = entry.manifest('').dist.tarball;
      tarballs.set(path.basename(tarball, '.tgz'), entry.file);
    }
  }

  const unknown = new Set<string>();
  const server = http.createServer((req, res) => {
    const base = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', base);
    const tarball = /^\/-\/tarball\/([0-9a-f]{40})\.tgz$/.exec(url.pathname);
    if (tarball) {
      const file = tarballs.get(tarball[1])?.();
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
      return undefined;
    }
    const name = decodeURIComponent(url.pathname.slice(1));
    const byVersion = versions.get(name);
    if (!byVersion) {
      if (!name.startsWith('-/')) unknown.add(name);
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
    const all = [...byVersion.keys()];
    const latest = semver.rsort(all.filter(v => !semver.prerelease(v)))[0] ?? semver.rsort(all)[0];
    const body = {
      name,
      'dist-tags': { latest },
      versions: Object.fromEntries([...byVersion].map(([version, entry]) => [version, entry.manifest(base)])),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return undefined;
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    unknown,
    stop: () => new Promise(resolve => server.close(() => resolve())),
  };
}
