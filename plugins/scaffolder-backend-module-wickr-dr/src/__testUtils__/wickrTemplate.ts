// Test support: the portal's scaffolder template, read from the repository.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const TEMPLATE_DIR = path.resolve(__dirname, '../../../../templates/wickr-dr-fargate');

export function loadWickrTemplate() {
  return parse(fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'));
}

/** Every form field across the template's pages, by name. */
export function formFields(template: any): Record<string, any> {
  return Object.assign({}, ...template.spec.parameters.map((page: any) => page.properties));
}
