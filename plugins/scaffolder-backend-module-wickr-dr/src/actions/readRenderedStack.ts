import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { RenderedStack } from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** Reads what `wickr-dr:deployment:render` wrote into the workspace. */
export async function readRenderedStack(
  workspacePath: string,
  renderedPath: string,
  stackName: string,
): Promise<RenderedStack> {
  const dir = resolveSafeChildPath(workspacePath, renderedPath);
  const read = (file: string) =>
    fs.readFile(path.join(dir, file), 'utf8').catch(() => {
      throw new InputError(
        `renderedPath: ${renderedPath}/${file} is missing from the workspace; run wickr-dr:deployment:render first`,
      );
    });
  const [templateBody, parameters, tags] = await Promise.all([
    read('template.json'),
    read('parameters.json'),
    read('tags.json'),
  ]);
  return { stackName, templateBody, parameters: JSON.parse(parameters), tags: JSON.parse(tags) };
}
