// Test support: the portal's scaffolder template, read from the repository.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const TEMPLATE_DIR = path.resolve(__dirname, '../../../../templates/wickr-dr-fargate');

export function loadWickrTemplate() {
  return parse(fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'));
}

/** Every form field across the template's pages, by name, the fields of each `oneOf` branch included. */
export function formFields(template: any): Record<string, any> {
  const branches = (page: any) =>
    Object.values(page.dependencies ?? {}).flatMap((dependency: any) => dependency.oneOf ?? []).map((b: any) => b.properties ?? {});
  return Object.assign({}, ...template.spec.parameters.flatMap((page: any) => [page.properties, ...branches(page)]));
}
