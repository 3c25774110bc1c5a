import fs from 'node:fs';
import path from 'node:path';
import { readSource } from './sourceText';

/** An AWS API operation that a source file can call. */
export interface AwsCall {
  /** The SDK package it comes from (`@aws-sdk/client-cloudformation`), or `wickr` for the Wickr admin API. */
  sdkPackage: string;
  /** The operation, as the API names it: DescribeStacks. */
  operation: string;
  /** What in the file reaches it: DescribeStacksCommand, paginateDescribeStacks, waitUntilStackCreateComplete, ... */
  via: string;
  /** The file, relative to the repository root. */
  file: string;
}

/** Something in a file that uses an AWS SDK client in a way the scan cannot turn into operations. */
export interface ScanProblem {
  file: string;
  problem: string;
}

export interface ScanResult {
  calls: AwsCall[];
  problems: ScanProblem[];
}

/** The Wickr admin API has no SDK client; a client of our own lists its operations under this name. */
export const WICKR_OPERATIONS_EXPORT = 'WICKR_OPERATIONS';
export const WICKR_PACKAGE = 'wickr';

const SDK_CLIENT = /^@aws-sdk\/client-[a-z0-9-]+$/;
const NAME = '[A-Za-z_$][\\w$]*';
const FROM = String.raw`\s*from\s*(['"])([^'"\n]+)\3`;
/** `import X from`, `import { a, type b as c } from`, `import X, * as ns from`, `import type {...} from` */
const IMPORT = new RegExp(
  String.raw`\bimport\s+(type\s+)?((?:${NAME}\s*,\s*)?(?:\{[^}]*\}|\*\s*as\s+${NAME})|${NAME})${FROM}`,
  'g',
);
/** `export { a, b as c } from`, `export type {...} from`, `export * from`, `export * as ns from` */
const EXPORT_FROM = new RegExp(String.raw`\bexport\s+(type\s+)?(\{[^}]*\}|\*(?:\s*as\s+${NAME})?)${FROM}`, 'g');
/** `import('@aws-sdk/client-x')` or `require('@aws-sdk/client-x')`: no names to read. */
const DYNAMIC = /\b(import|require)\s*\(\s*(['"`])(@aws-sdk\/client-[a-z0-9-]+)\2\s*\)/g;
const WICKR_LIST = new RegExp(String.raw`\bexport\s+const\s+${WICKR_OPERATIONS_EXPORT}\b[^=]*=\s*\[([^\]]*)\]`);
/** CloudWatch Logs reads with `unmask: true` need the logs:Unmask permission as well. */
const UNMASK = /\bunmask\s*:/;

/**
 * The AWS operations one file can call, read from its imports and re-exports of SDK
 * v3 client packages: command classes (`DescribeStacksCommand`), paginators
 * (`paginateDescribeStacks`) and waiters (`waitUntilStackCreateComplete`, resolved to
 * the operation they poll by `resolveWaiter`); plus the Wickr admin API operations
 * listed in an exported `WICKR_OPERATIONS` array of names. Type-only imports call
 * nothing and are ignored; a use the scan cannot read (a namespace re-export, a
 * dynamic import, a default import) is reported as a problem instead of being missed.
 */
export function scanSource(
  source: string,
  file: string,
  resolveWaiter: (sdkPackage: string, waiter: string) => string | undefined,
): ScanResult {
  const { code, skeleton } = readSource(source);
  /** A match that starts inside a string, a template literal or a regular expression is text, not code. */
  const inCode = (m: RegExpMatchArray) => skeleton.startsWith(m[0].slice(0, 6), m.index!);
  const calls: AwsCall[] = [];
  const problems: ScanProblem[] = [];
  const found = (sdkPackage: string, names: string[]) => {
    for (const name of names) {
      const call = callOf(sdkPackage, name, file, resolveWaiter);
      if (call === 'unresolved-waiter') {
        problems.push({ file, problem: `cannot tell which operation ${name} of ${sdkPackage} polls (no dist-es/waiters file of the installed package names its command)` });
      } else if (call) calls.push(call);
    }
  };

  for (const m of [...code.matchAll(IMPORT)].filter(inCode)) {
    const [, typeOnly, clause, , specifier] = m;
    if (!SDK_CLIENT.test(specifier) || typeOnly) continue;
    const { names, namespace, defaultName } = readImportClause(clause);
    if (defaultName) problems.push({ file, problem: `imports ${specifier} as a default import (${defaultName}); import its commands by name` });
    found(specifier, namespace ? [...names, ...namespaceMembers(skeleton, namespace)] : names);
    if (specifier === '@aws-sdk/client-cloudwatch-logs' && UNMASK.test(skeleton)) {
      calls.push({ sdkPackage: specifier, operation: 'Unmask', via: 'unmask: true', file });
    }
  }
  for (const m of [...code.matchAll(EXPORT_FROM)].filter(inCode)) {
    const [, typeOnly, clause, , specifier] = m;
    if (!SDK_CLIENT.test(specifier) || typeOnly) continue;
    if (clause.startsWith('*')) {
      problems.push({ file, problem: `re-exports ${clause.includes(' as ') ? 'a namespace of' : 'everything of'} ${specifier}; re-export its commands by name so the scan can see them` });
    } else {
      found(specifier, readImportClause(clause).names);
    }
  }
  for (const m of [...code.matchAll(DYNAMIC)].filter(inCode)) {
    problems.push({ file, problem: `loads ${m[3]} with ${m[1]}(); import its commands by name so the scan can see them` });
  }
  const wickr = readWickrOperations(code, skeleton, file);
  calls.push(...wickr.calls);
  problems.push(...wickr.problems);
  return { calls, problems };
}

/** The named (non-type) imports of a clause, its namespace name and its default import name. */
export function readImportClause(clause: string): { names: string[]; namespace?: string; defaultName?: string } {
  const trimmed = clause.trim();
  const namespace = /\*\s*as\s+([\w$]+)/.exec(trimmed)?.[1];
  const braces = /\{([^}]*)\}/.exec(trimmed)?.[1];
  const defaultName = /^([\w$]+)\s*(,|$)/.exec(trimmed)?.[1];
  const names = (braces ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(s => s && !/^type\s/.test(s))
    .map(s => s.split(/\s+as\s+/)[0].trim());
  return { names, namespace, defaultName };
}

function namespaceMembers(code: string, namespace: string): string[] {
  const member = new RegExp(String.raw`(?<![\w$.])${namespace.replace(/\$/g, '\\$')}\s*\.\s*([\w$]+)`, 'g');
  return [...new Set([...code.matchAll(member)].map(m => m[1]))];
}

function callOf(
  sdkPackage: string,
  name: string,
  file: string,
  resolveWaiter: (sdkPackage: string, waiter: string) => string | undefined,
): AwsCall | 'unresolved-waiter' | undefined {
  const command = /^([A-Z][\w$]*)Command$/.exec(name);
  if (command) return { sdkPackage, operation: command[1], via: name, file };
  const paginator = /^paginate([A-Z][\w$]*)$/.exec(name);
  if (paginator) return { sdkPackage, operation: paginator[1], via: name, file };
  if (/^wait(Until|For)[A-Z]/.test(name)) {
    const operation = resolveWaiter(sdkPackage, name);
    return operation ? { sdkPackage, operation, via: name, file } : 'unresolved-waiter';
  }
  return undefined; // a client class, a type, an enum or an error class: no call
}

function readWickrOperations(code: string, skeleton: string, file: string): ScanResult {
  const declaration = new RegExp(String.raw`\bexport\s+const\s+${WICKR_OPERATIONS_EXPORT}\b`).exec(skeleton);
  if (!declaration) return { calls: [], problems: [] };
  const list = WICKR_LIST.exec(code.slice(declaration.index))?.[1];
  const items = list?.split(',').map(s => s.trim()).filter(Boolean) ?? [];
  const names = items.map(item => /^(['"])([A-Z]\w*)\1$/.exec(item)?.[2]);
  if (list === undefined || names.some(n => n === undefined)) {
    return { calls: [], problems: [{ file, problem: `exports ${WICKR_OPERATIONS_EXPORT}, but not as an array of operation names in quotes` }] };
  }
  return { calls: names.map(operation => ({ sdkPackage: WICKR_PACKAGE, operation: operation!, via: WICKR_OPERATIONS_EXPORT, file })), problems: [] };
}

/**
 * The operation a waiter of an installed SDK client polls, read from the package's own
 * waiter module (`dist-es/waiters/waitFor<Name>.js` sends one command); the package is
 * looked up from `fromDir` the way Node resolves it.
 */
export function waiterOperationFromSdk(sdkPackage: string, waiter: string, fromDir: string): string | undefined {
  const packageDir = findPackageDir(sdkPackage, fromDir);
  if (!packageDir) return undefined;
  const module = path.join(packageDir, 'dist-es', 'waiters', `${waiter.replace(/^waitUntil/, 'waitFor')}.js`);
  if (!fs.existsSync(module)) return undefined;
  return /\bnew\s+([A-Z][\w$]*)Command\s*\(/.exec(fs.readFileSync(module, 'utf8'))?.[1];
}

function findPackageDir(sdkPackage: string, fromDir: string): string | undefined {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', ...sdkPackage.split('/'));
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Folders that hold test support, not production code. */
const TEST_FOLDERS = new Set(['__testUtils__', 'testUtils', 'node_modules', '__fixtures__']);
const TEST_FILE = /\.test\.tsx?$/;

/** The production TypeScript sources of every plugin: plugins/<name>/src, without tests and test utilities. */
export function productionSources(repoRoot: string): string[] {
  const pluginsDir = path.join(repoRoot, 'plugins');
  return fs
    .readdirSync(pluginsDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .flatMap(entry => sourcesUnder(path.join(pluginsDir, entry.name, 'src')))
    .map(file => path.relative(repoRoot, file).split(path.sep).join('/'))
    .sort();
}

function sourcesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return TEST_FOLDERS.has(entry.name) ? [] : sourcesUnder(full);
    return /\.tsx?$/.test(entry.name) && !TEST_FILE.test(entry.name) ? [full] : [];
  });
}

/** Every AWS operation the production code of the plugins can call, with the file that calls it. */
export function scanProductionCode(repoRoot: string): ScanResult {
  const results = productionSources(repoRoot).map(file => {
    const fromDir = path.dirname(path.join(repoRoot, file));
    return scanSource(fs.readFileSync(path.join(repoRoot, file), 'utf8'), file, (pkg, waiter) =>
      waiterOperationFromSdk(pkg, waiter, fromDir),
    );
  });
  return { calls: results.flatMap(r => r.calls), problems: results.flatMap(r => r.problems) };
}
