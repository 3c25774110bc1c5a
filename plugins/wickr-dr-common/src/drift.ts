/**
 * Drift results and the suppression of known false positives: pure, so the checker,
 * the API and the card agree on what "drifted" means.
 */

/** A stack's drift, as the portal reports it. UNKNOWN and CHECK_FAILED are never "in sync". */
export type DriftStatus = 'IN_SYNC' | 'DRIFTED' | 'UNKNOWN' | 'CHECK_FAILED';

export type ResourceDriftStatus = 'IN_SYNC' | 'MODIFIED' | 'DELETED' | 'NOT_CHECKED' | 'UNKNOWN';

export interface PropertyDifference {
  /** JSON pointer of the property, as CloudFormation reports it (/Tags/0/Value). */
  path: string;
  expected?: string;
  actual?: string;
  /** ADD, REMOVE or NOT_EQUAL. */
  kind: string;
  /** Set when a suppression rule matched: the difference stays visible, marked. */
  suppressedBy?: string;
}

export interface ResourceDrift {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: ResourceDriftStatus;
  differences: PropertyDifference[];
}

export interface DriftResult {
  status: DriftStatus;
  /** Resources with a difference that no rule suppresses, or deleted. */
  driftedResources: number;
  checkedAt: string;
  /** CloudFormation's own check was reused instead of starting a new one. */
  reused: boolean;
  /** Why the result is UNKNOWN or CHECK_FAILED. */
  reason?: string;
  resources: ResourceDrift[];
}

/** A known false positive: a property of a resource type that drift detection misreports. */
export interface SuppressionRule {
  /** e.g. AWS::ECS::Service, or * for any type. */
  resourceType: string;
  /** A property path; a trailing /* matches everything below it, a * segment any one segment. */
  path: string;
  /** Only when the actual value is absent (read back as null). */
  onlyWhenActualMissing?: boolean;
  /** Only when expected and actual name the same KMS key, one by id and one by ARN or alias. */
  onlyWhenSameKmsKey?: boolean;
  reason: string;
}

/** Known false positives reported upstream (see the reference's drift section). */
export const DEFAULT_SUPPRESSIONS: SuppressionRule[] = [
  { resourceType: 'AWS::ECS::Service', path: '/DeploymentController/*', reason: 'ECS reads back the default deployment controller it adds' },
  { resourceType: 'AWS::ECS::Service', path: '/DeploymentConfiguration/DeploymentCircuitBreaker/*', reason: 'ECS reads back service-added deployment defaults' },
  { resourceType: 'AWS::ECS::TaskDefinition', path: '/RuntimePlatform/*', reason: 'ECS reads back the runtime platform it defaults' },
  { resourceType: 'AWS::ECS::TaskDefinition', path: '/ContainerDefinitions/*/StopTimeout', reason: 'ECS reads back the default stop timeout' },
  { resourceType: 'AWS::S3::Bucket', path: '/BucketEncryption/*', onlyWhenActualMissing: true, reason: 'S3 bucket encryption is read back as null' },
  { resourceType: '*', path: '*', onlyWhenSameKmsKey: true, reason: 'the same KMS key, written as a key id and read back as an ARN' },
];

function pathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split('/');
  const actual = path.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*' && i === p.length - 1) return actual.length >= p.length - 1;
    if (p[i] !== '*' && p[i] !== actual[i]) return false;
  }
  return p.length === actual.length;
}

const KMS_KEY_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})/;

function sameKmsKey(a?: string, b?: string): boolean {
  const [x, y] = [a?.match(KMS_KEY_ID)?.[1], b?.match(KMS_KEY_ID)?.[1]];
  return Boolean(x && x === y && a !== b);
}

function ruleMatches(rule: SuppressionRule, type: string, difference: PropertyDifference): boolean {
  if (rule.resourceType !== '*' && rule.resourceType !== type) return false;
  if (!pathMatches(rule.path, difference.path)) return false;
  if (rule.onlyWhenActualMissing && difference.actual !== undefined && difference.actual !== 'null') return false;
  if (rule.onlyWhenSameKmsKey && !sameKmsKey(difference.expected, difference.actual)) return false;
  return true;
}

/** Marks each difference a rule matches; never removes one, never touches the others. */
export function applySuppressions(resource: ResourceDrift, rules: SuppressionRule[]): ResourceDrift {
  return {
    ...resource,
    differences: resource.differences.map(difference => {
      const rule = rules.find(r => ruleMatches(r, resource.type, difference));
      return rule ? { ...difference, suppressedBy: rule.reason } : difference;
    }),
  };
}

/** A resource drifted if it is gone or has a difference no rule suppresses. */
export function isDrifted(resource: ResourceDrift): boolean {
  if (resource.status === 'DELETED') return true;
  return resource.status === 'MODIFIED' && resource.differences.some(d => !d.suppressedBy);
}

/**
 * The stack's status from its resources and how detection went. A failed or
 * incomplete detection is never "in sync", even if every resource it got to was.
 */
export function stackDriftStatus(
  resources: ResourceDrift[],
  detection: 'complete' | 'failed' | 'unknown',
): { status: DriftStatus; driftedResources: number } {
  const driftedResources = resources.filter(isDrifted).length;
  if (detection === 'failed') return { status: 'CHECK_FAILED', driftedResources };
  if (driftedResources > 0) return { status: 'DRIFTED', driftedResources };
  if (detection === 'unknown') return { status: 'UNKNOWN', driftedResources };
  return { status: 'IN_SYNC', driftedResources };
}

/** Identifies one drift: the same unsuppressed differences give the same fingerprint. */
export function driftFingerprint(resources: ResourceDrift[]): string {
  return resources
    .filter(isDrifted)
    .flatMap(r =>
      r.status === 'DELETED'
        ? [`${r.logicalId} DELETED`]
        : r.differences.filter(d => !d.suppressedBy).map(d => `${r.logicalId} ${d.path} ${d.kind} ${d.actual ?? ''}`),
    )
    .sort()
    .join('\n');
}
