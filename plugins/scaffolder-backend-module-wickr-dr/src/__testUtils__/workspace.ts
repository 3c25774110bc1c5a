import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPLATE_DIR } from './wickrTemplate';

/** A scaffolder workspace holding the product's CloudFormation template, as fetch:plain leaves it. */
export function workspaceWithTemplate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-workspace-'));
  fs.cpSync(path.join(TEMPLATE_DIR, 'cloudformation'), path.join(dir, 'cloudformation'), { recursive: true });
  return dir;
}

/** Every file under a folder, with its text. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath ?? (entry as any).path, entry.name);
      files[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
    }
  }
  return files;
}
