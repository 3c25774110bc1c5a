import {
  BOT_RUNNING_PARAMETER,
  botOperatePermission,
  DAY_TWO_TEMPLATES,
  deploymentDeletePermission,
  deploymentUpdatePermission,
  updatableParameters,
  type DeploymentState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** The day-two operations a deployment's page launches, each a scaffolder template. */
export type LaunchKind = 'update' | 'running' | 'teardown';

export interface LaunchDefinition {
  title: string;
  template: string;
  /** Asked on the deployment's entity: only those allowed are offered the launch. */
  permission: typeof deploymentUpdatePermission;
}

export const LAUNCHES: Record<LaunchKind, LaunchDefinition> = {
  update: {
    title: 'Preview an update',
    template: DAY_TWO_TEMPLATES.update,
    permission: deploymentUpdatePermission,
  },
  running: {
    title: 'Stop or start the bot',
    template: DAY_TWO_TEMPLATES.running,
    permission: botOperatePermission,
  },
  teardown: {
    title: 'Tear down',
    template: DAY_TWO_TEMPLATES.teardown,
    permission: deploymentDeletePermission,
  },
};

export const LAUNCH_KINDS = Object.keys(LAUNCHES) as LaunchKind[];

/** What a launch link puts in `?formData=`: the deployment, and the form's starting values. */
export type LaunchFormData = { deployment: string } & Record<
  string,
  string | number | boolean
>;

/**
 * The update form's starting values: the stack's current values of the parameters the
 * update edits, under their form fields (the name and bot come from the stack itself). A number the stack holds as text becomes a number (the form's fields are
 * integers); one that is not a whole number is left out. BotRunning is left out too:
 * it is not one of them (only the deploy step sets it).
 */
export function currentFormValues(
  parameters: Record<string, string> | undefined,
): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const definition of updatableParameters) {
    const value = parameters?.[definition.name];
    if (value === undefined) continue;
    if (definition.type === 'Number') {
      const number = /^-?[0-9]+$/.test(value) ? Number(value) : NaN;
      if (Number.isSafeInteger(number)) values[definition.field] = number;
    } else {
      values[definition.field] = value;
    }
  }
  return values;
}

/**
 * Whether the bot is meant to run: the stack's BotRunning parameter, else whether its
 * ECS service wants a task; undefined when neither is known.
 */
export function botWanted(
  state: DeploymentState | undefined,
): boolean | undefined {
  const parameter = state?.stack.parameters?.[BOT_RUNNING_PARAMETER];
  if (parameter === 'true' || parameter === 'false')
    return parameter === 'true';
  const service =
    state && 'value' in state.service ? state.service.value : null;
  return service ? service.desired > 0 : undefined;
}

/**
 * The form data of a launch: always the deployment's entity ref; for the update, the
 * stack's current values; for stop/start, `running` the other way from now (left for
 * the form to ask when unknown). Without a state (it could not be read), the update
 * form starts from the template's defaults.
 */
export function launchFormData(
  kind: LaunchKind,
  entityRef: string,
  state: DeploymentState | undefined,
): LaunchFormData {
  const deployment = { deployment: entityRef };
  if (kind === 'update') {
    return { ...deployment, ...currentFormValues(state?.stack.parameters) };
  }
  if (kind === 'running') {
    const wanted = botWanted(state);
    return wanted === undefined
      ? deployment
      : { ...deployment, running: !wanted };
  }
  return deployment;
}

/** The scaffolder's page of a template (namespace default), its form filled from `formData`. */
export function templateHref(
  template: string,
  formData: LaunchFormData,
): string {
  const data = encodeURIComponent(JSON.stringify(formData));
  return `/create/templates/default/${encodeURIComponent(
    template,
  )}?formData=${data}`;
}

export function launchHref(
  kind: LaunchKind,
  entityRef: string,
  state: DeploymentState | undefined,
): string {
  return templateHref(
    LAUNCHES[kind].template,
    launchFormData(kind, entityRef, state),
  );
}

/** The scaffolder's page of a task, with its log. */
export function taskHref(taskId: string): string {
  return `/create/tasks/${encodeURIComponent(taskId)}`;
}
