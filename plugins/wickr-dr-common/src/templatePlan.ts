import type { CloudFormationTemplate } from './cloudformationYaml';

/**
 * What a deployment would change, worked out from the templates and parameters alone:
 * no change set, so a dry run leaves nothing in AWS. CloudFormation decides
 * replacements only when it makes a change set, so the plan names what changes and
 * which resources a changed parameter reaches, never what is replaced.
 */
export interface TemplatePlan {
  parameters: string[];
  resources: string[];
}

function usesParameter(resource: unknown, name: string): boolean {
  const json = JSON.stringify(resource);
  return json.includes(`{"Ref":"${name}"}`) || json.includes(`\${${name}}`);
}

function changedProperties(before: Record<string, any>, after: Record<string, any>): string[] {
  const keys = new Set([...Object.keys(before.Properties ?? {}), ...Object.keys(after.Properties ?? {})]);
  const changed = [...keys].filter(
    key => JSON.stringify(before.Properties?.[key]) !== JSON.stringify(after.Properties?.[key]),
  );
  const other = ['Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata'].filter(
    key => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  return [...changed, ...other];
}

export function templatePlan(
  current: CloudFormationTemplate,
  next: CloudFormationTemplate,
  currentParameters: Record<string, string>,
  nextParameters: Record<string, string>,
): TemplatePlan {
  const changedParameters = Object.keys(nextParameters).filter(
    name => currentParameters[name] !== undefined && currentParameters[name] !== nextParameters[name],
  );
  const parameters = changedParameters.map(
    name => `Parameter ${name}: ${JSON.stringify(currentParameters[name])} -> ${JSON.stringify(nextParameters[name])}`,
  );
  const resources: string[] = [];
  const before = current.Resources;
  const after = next.Resources;
  for (const [id, resource] of Object.entries(after)) {
    const old = before[id];
    if (!old) {
      resources.push(`Add ${resource.Type} ${id}`);
      continue;
    }
    const properties = changedProperties(old, resource);
    const reached = changedParameters.filter(name => usesParameter(resource, name));
    if (properties.length || reached.length) {
      const why = [...properties, ...reached.map(name => `uses ${name}`)].join(', ');
      resources.push(`Modify ${resource.Type} ${id} (${why})`);
    }
  }
  for (const [id, resource] of Object.entries(before)) {
    if (!after[id]) resources.push(`Remove ${resource.Type} ${id}`);
  }
  return { parameters, resources };
}
