/**
 * Reading a change set before it runs: what each resource change does, and what a
 * replacement or removal of a stateful resource would lose. Pure: it takes the shape
 * DescribeChangeSet answers, not an SDK type.
 */

/** The part of a DescribeChangeSet `Changes[]` entry the review reads. */
export interface ChangeSetChange {
  ResourceChange?: {
    Action?: string;
    LogicalResourceId?: string;
    ResourceType?: string;
    Replacement?: string;
    Details?: Array<{ Target?: { Name?: string; Attribute?: string; RequiresRecreation?: string } }>;
  };
}

/** The stack's stateful resource types, and what a new one (or none) means for the deployment. */
export const STATEFUL_TYPES: Record<string, string> = {
  'AWS::S3::Bucket': 'a new, empty bucket; the retained messages and files stay in the old one',
  'AWS::EFS::FileSystem':
    "a new file system: the bot's client state is lost, the bot is seen as a new device and must register again with a new initial password",
  'AWS::SecretsManager::Secret': "a new, empty secret: the bot's password is lost and it needs a new initial password",
  'AWS::Logs::LogGroup': "a new log group: the log's history stays in the old one",
  'AWS::KMS::Key': 'a new key: what the old key encrypted needs the old key, which stays',
};

export interface ChangeSummary {
  action: string;
  logicalId: string;
  type: string;
  /** True, False or Conditional, for a Modify. */
  replacement?: string;
  /** The properties the change touches. */
  properties: string[];
  stateful: boolean;
  /** For a stateful resource replaced (or maybe replaced) or removed: what would be lost. */
  loss?: string;
}

export function summarizeChange(change: ChangeSetChange): ChangeSummary {
  const rc = change.ResourceChange ?? {};
  const type = rc.ResourceType ?? 'unknown';
  const properties = [
    ...new Set(
      (rc.Details ?? [])
        .map(d => d.Target?.Name ?? d.Target?.Attribute)
        .filter((name): name is string => Boolean(name)),
    ),
  ];
  const stateful = type in STATEFUL_TYPES;
  const replaced = rc.Replacement === 'True' || rc.Replacement === 'Conditional';
  const lost = stateful && (rc.Action === 'Remove' || (rc.Action === 'Modify' && replaced));
  const how = rc.Action === 'Remove' ? 'removed' : `replaced${rc.Replacement === 'Conditional' ? ' (maybe)' : ''}`;
  return {
    action: rc.Action ?? 'unknown',
    logicalId: rc.LogicalResourceId ?? 'unknown',
    type,
    ...(rc.Replacement && { replacement: rc.Replacement }),
    properties,
    stateful,
    ...(lost && { loss: `${rc.LogicalResourceId} (${type}) ${how}: ${STATEFUL_TYPES[type]}` }),
  };
}

const REPLACEMENT_NOTES: Record<string, string> = {
  True: ' (REPLACEMENT)',
  Conditional: ' (may be replaced)',
};

/** "Modify AWS::S3::Bucket RetentionBucket (REPLACEMENT) [stateful]: BucketName, Tags" */
export function changeLine(summary: ChangeSummary): string {
  const replacement = REPLACEMENT_NOTES[summary.replacement ?? ''] ?? '';
  const stateful = summary.stateful ? ' [stateful]' : '';
  const properties = summary.properties.length ? `: ${summary.properties.join(', ')}` : '';
  return `${summary.action} ${summary.type} ${summary.logicalId}${replacement}${stateful}${properties}`;
}

/** What a change set would lose, one line per stateful resource replaced or removed. */
export function losses(summaries: ChangeSummary[]): string[] {
  return summaries.flatMap(s => (s.loss ? [s.loss] : []));
}

/** The logical ids of the resources whose loss must be accepted. */
export function lossIds(summaries: ChangeSummary[]): string[] {
  return summaries.filter(s => s.loss).map(s => s.logicalId);
}
