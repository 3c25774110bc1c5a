// Test support: the product's CloudFormation template, read from the repository.
import fs from 'node:fs';
import path from 'node:path';
import {
  CloudFormationResource,
  CloudFormationTemplate,
  parseCloudFormationTemplate,
} from '../cloudformationYaml';

export const BOT_TEMPLATE_PATH = path.resolve(
  __dirname,
  '../../../../templates/wickr-dr-fargate/cloudformation/wickr-dr-bot.yaml',
);

export function readBotTemplateText(): string {
  return fs.readFileSync(BOT_TEMPLATE_PATH, 'utf8');
}

export function loadBotTemplate(): CloudFormationTemplate {
  return parseCloudFormationTemplate(readBotTemplateText());
}

/** Every resource of a type, with its logical id. */
export function resourcesOfType(
  template: CloudFormationTemplate,
  type: string,
): Array<[string, CloudFormationResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}
