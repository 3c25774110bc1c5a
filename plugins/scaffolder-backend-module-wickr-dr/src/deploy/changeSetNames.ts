/**
 * Change-set names that say which task and which attempt made them:
 * `wickr-dr-<task>-a<attempt>-<random>`. The random part keeps two change sets apart;
 * the task part lets a retried task recognise the stack it created or changed (from
 * the stack's ChangeSetId), so it resumes or deletes only its own work.
 */
export interface TaskChangeSets {
  readonly prefix: string;
  /** The attempt of this task that made a change set of this name, or undefined if another made it. */
  attemptOf(changeSetName: string): number | undefined;
}

export function changeSetOfTask(taskId: string): TaskChangeSets {
  const prefix = `wickr-dr-${taskId.replace(/[^A-Za-z0-9]/g, '').slice(0, 48)}-a`;
  return {
    prefix,
    attemptOf(name) {
      if (!name.startsWith(prefix)) return undefined;
      const attempt = Number.parseInt(name.slice(prefix.length), 10);
      return Number.isInteger(attempt) && attempt > 0 ? attempt : undefined;
    },
  };
}

export function changeSetName(ours: TaskChangeSets, attempt: number, random: string): string {
  return `${ours.prefix}${attempt}-${random}`;
}
