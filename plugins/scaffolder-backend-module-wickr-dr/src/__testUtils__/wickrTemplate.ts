// Test support: the portal's scaffolder templates, read from the repository.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const TEMPLATES = path.resolve(__dirname, '../../../../templates');

export const TEMPLATE_DIR = path.join(TEMPLATES, 'wickr-dr-fargate');

/** A template of the repository's templates/ folder, by its folder name. */
export function loadTemplate(name: string) {
  return parse(fs.readFileSync(path.join(TEMPLATES, name, 'template.yaml'), 'utf8'));
}

export function loadWickrTemplate() {
  return loadTemplate('wickr-dr-fargate');
}

/** Every form field across the template's pages, by name, the fields of each `oneOf` branch included. */
export function formFields(template: any): Record<string, any> {
  const branches = (page: any) =>
    Object.values(page.dependencies ?? {}).flatMap((dependency: any) => dependency.oneOf ?? []).map((b: any) => b.properties ?? {});
  return Object.assign({}, ...template.spec.parameters.flatMap((page: any) => [page.properties, ...branches(page)]));
}
