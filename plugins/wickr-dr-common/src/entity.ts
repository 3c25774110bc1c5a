import {
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
  KubernetesValidatorFunctions,
  parseEntityRef,
} from '@backstage/catalog-model';
import { parse as parseArn } from '@aws-sdk/util-arn-parser';
import {
  bucketConsoleUrl,
  consoleBase,
  logGroupConsoleUrl,
  secretConsoleUrl,
  stackConsoleUrl,
} from './consoleLinks';
import { accountNotAllowed, AllowedAccounts } from './accounts';
import { StackParameterDefinition, stackParameters } from './parameters';
import type { StackOutputs } from './stackOutputs';
import { DEPLOYMENT_TAG, NETWORK_TAG, OWNER_TAG, SYSTEM_TAG } from './render';

/** The entity type of a Wickr data-retention deployment (kind Resource). */
export const DEPLOYMENT_ENTITY_TYPE = 'wickr-data-retention';

/** Annotations that identify a deployment's stack; the ARN ones follow the AWS catalog module. */
export const ANNOTATIONS = {
  arn: 'amazonaws.com/arn',
  accountId: 'amazonaws.com/account-id',
  region: 'amazonaws.com/region',
  stackName: 'wickr-dr/stack-name',
  deploymentName: 'wickr-dr/deployment-name',
  /** The bot's log group and secret, from the stack outputs: where the password keeper looks. */
  botLogGroup: 'wickr-dr/bot-log-group',
  botSecretArn: 'wickr-dr/bot-secret-arn',
  /** The AWS Wickr network of the bot (8 digits), from the stack's wickr-dr:network tag. */
  networkId: 'wickr-dr/network-id',
} as const;

/** What the catalog needs to know of a deployed stack. */
export interface DeployedStack {
  stackArn: string;
  stackName: string;
  tags: Record<string, string>;
  outputs: StackOutputs;
}

export interface DeploymentEntityOptions {
  /** The provider's location, for backstage.io/managed-by-location. */
  location: string;
  /** Owner when the stack has no wickr-dr:owner tag. */
  defaultOwner: string;
}

/** The short code of a region: us-east-1 is use1, ap-southeast-2 apse2, us-gov-west-1 usgovw1. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const number = parts.pop() ?? '';
  const direction = parts.pop() ?? '';
  const initials = direction
    .replace('central', 'c')
    .replace(/north/g, 'n')
    .replace(/south/g, 's')
    .replace(/east/g, 'e')
    .replace(/west/g, 'w');
  return `${parts.join('')}${initials}${number}`;
}

/**
 * A deployment's entity name: unique per deployment name, account and region, at most
 * 63 characters (36 for the name, 12 for the account, the region's short code).
 */
export function deploymentEntityName(deploymentName: string, accountId: string, region: string): string {
  return `${deploymentName}-${accountId}-${regionCode(region)}`;
}

const DISCOVERY_LOCATION_PREFIX = 'wickr-dr:';

/** Where discovery puts the entities of one account (the main one if unset) and region. */
export function discoveryLocation(target: { accountId?: string; region: string }): string {
  return `${DISCOVERY_LOCATION_PREFIX}${target.accountId ?? 'main'}/${target.region}`;
}

/** The account (undefined: the main one) and region of a discovery location; undefined if not one. */
export function parseDiscoveryLocation(location: string | undefined): { accountId?: string; region: string } | undefined {
  const match = /^wickr-dr:(main|\d{12})\/([a-z0-9-]+)$/.exec(location ?? '');
  if (!match) return undefined;
  return { ...(match[1] !== 'main' && { accountId: match[1] }), region: match[2] };
}

/** The deployment a stack's tags describe, each value checked; or why the stack is not one. */
export type DeploymentTags =
  | { valid: true; deploymentName: string; owner?: string; system?: string; networkId?: string }
  | { valid: false; problem: string };

function entityRefProblem(tag: string, value: string, kinds: string[]): string | undefined {
  let ref;
  try {
    ref = parseEntityRef(value, { defaultKind: kinds[0], defaultNamespace: 'default' });
  } catch {
    return `${tag} is not an entity reference: ${JSON.stringify(value)}`;
  }
  const kind = ref.kind.toLocaleLowerCase('en-US');
  if (!kinds.includes(kind)) return `${tag} must name a ${kinds.join(' or ')}, not a ${ref.kind}: ${JSON.stringify(value)}`;
  if (!KubernetesValidatorFunctions.isValidObjectName(ref.name) || !KubernetesValidatorFunctions.isValidNamespace(ref.namespace)) {
    return `${tag} is not a valid entity reference: ${JSON.stringify(value)}`;
  }
  return undefined;
}

const DEPLOYMENT_NAME = new RegExp(
  (stackParameters as readonly StackParameterDefinition[]).find(p => p.name === 'DeployName')!.pattern!,
);

/** Reads the deployment tags of a stack. Tag values are written by whoever can tag a stack: check them all. */
export function readDeploymentTags(tags: Record<string, string>): DeploymentTags {
  const deploymentName = tags[DEPLOYMENT_TAG];
  if (!deploymentName || !DEPLOYMENT_NAME.test(deploymentName)) {
    return { valid: false, problem: `${DEPLOYMENT_TAG} is not a deployment name: ${JSON.stringify(deploymentName ?? '')}` };
  }
  const owner = tags[OWNER_TAG] || undefined;
  const system = tags[SYSTEM_TAG] || undefined;
  const networkId = tags[NETWORK_TAG] || undefined;
  const problem =
    (owner && entityRefProblem(OWNER_TAG, owner, ['group', 'user'])) ||
    (system && entityRefProblem(SYSTEM_TAG, system, ['system'])) ||
    (networkId && !/^[0-9]{8}$/.test(networkId) && `${NETWORK_TAG} is not a Wickr network id: ${JSON.stringify(networkId)}`);
  if (problem) return { valid: false, problem };
  return { valid: true, deploymentName, ...(owner && { owner }), ...(system && { system }), ...(networkId && { networkId }) };
}

/** The links a platform engineer opens during an incident, for the stack's partition and region. */
export function deploymentLinks(stack: DeployedStack) {
  const { partition, region } = parseArn(stack.stackArn);
  const base = consoleBase(region, partition);
  const o = stack.outputs;
  const links: Array<{ title: string; url: string; icon?: string; type: string }> = [
    { title: 'CloudFormation stack', url: stackConsoleUrl(stack.stackArn), type: 'stack' },
  ];
  /** A link when every output it needs is there. */
  const add = (needed: Array<string | undefined>, title: string, url: (values: string[]) => string, type: string) => {
    if (needed.every(Boolean)) links.push({ title, url: url(needed as string[]), type });
  };
  add([o.BotLogGroupName], 'Bot log', ([group]) => logGroupConsoleUrl(region, group), 'logs');
  add([o.ClusterName], 'Container Insights', ([cluster]) =>
    `${base}/cloudwatch/home?region=${region}#container-insights:performance/ECS:Cluster?~(query~(controls~(CW*3a*3aECS.cluster~(~'${cluster}))))`, 'container-insights');
  links.push({ title: 'WickrIO metrics', url: `${base}/cloudwatch/home?region=${region}#metricsV2?graph=~()&namespace=~'WickrIO`, type: 'metrics' });
  add([o.RetentionBucketName], 'Retention bucket', ([bucket]) => bucketConsoleUrl(region, bucket, o.RetentionPrefix), 'retention-bucket');
  add([o.AccessLogBucketName], 'Access-log bucket', ([bucket]) => bucketConsoleUrl(region, bucket), 'access-log-bucket');
  add([o.ClusterName, o.ServiceName], 'ECS service', ([cluster, service]) =>
    `${base}/ecs/v2/clusters/${cluster}/services/${service}/health?region=${region}`, 'service');
  add([o.BotSecretArn], 'Bot secret', ([secret]) => secretConsoleUrl(region, secret), 'secret');
  add([o.AlertTopicArn], 'Alert topic', ([topic]) => `${base}/sns/v3/home?region=${region}#/topic/${topic}`, 'alerts');
  return links;
}

/**
 * The bot's network in the AWS Wickr console (the console's own URL scheme for a network
 * is not documented; this opens the Wickr console of the region at the network).
 */
export function wickrNetworkLink(region: string, networkId: string) {
  return {
    title: `Wickr network ${networkId}`,
    url: `${consoleBase(region)}/wickr/home?region=${region}#/networks/${networkId}`,
    type: 'wickr-network',
  };
}

/** The catalog entity of a deployed stack; throws if its tags are not a valid deployment's. */
export function deploymentEntity(stack: DeployedStack, options: DeploymentEntityOptions): Entity {
  const { accountId, region } = parseArn(stack.stackArn);
  const tags = readDeploymentTags(stack.tags);
  if (!tags.valid) throw new Error(`stack ${stack.stackName} is not a valid deployment: ${tags.problem}`);
  const { deploymentName } = tags;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: deploymentEntityName(deploymentName, accountId, region),
      title: `Wickr data retention: ${deploymentName} (${accountId}, ${region})`,
      description: `The AWS Wickr data-retention bot ${deploymentName} on Fargate, stack ${stack.stackName} in account ${accountId}, ${region}.`,
      tags: ['wickr', 'aws', 'data-retention'],
      annotations: {
        'backstage.io/managed-by-location': options.location,
        'backstage.io/managed-by-origin-location': options.location,
        [ANNOTATIONS.arn]: stack.stackArn,
        [ANNOTATIONS.accountId]: accountId,
        [ANNOTATIONS.region]: region,
        [ANNOTATIONS.stackName]: stack.stackName,
        [ANNOTATIONS.deploymentName]: deploymentName,
        ...(stack.outputs.BotLogGroupName && { [ANNOTATIONS.botLogGroup]: stack.outputs.BotLogGroupName }),
        ...(stack.outputs.BotSecretArn && { [ANNOTATIONS.botSecretArn]: stack.outputs.BotSecretArn }),
        ...(tags.networkId && { [ANNOTATIONS.networkId]: tags.networkId }),
      },
      links: [...deploymentLinks(stack), ...(tags.networkId ? [wickrNetworkLink(region, tags.networkId)] : [])],
    },
    spec: {
      type: DEPLOYMENT_ENTITY_TYPE,
      owner: tags.owner ?? options.defaultOwner,
      ...(tags.system && { system: tags.system }),
    },
  };
}

/** Whether an entity is a Wickr data-retention deployment the portal can show live. */
export function isDeploymentEntity(entity: Entity): boolean {
  return (
    entity.kind === 'Resource' &&
    (entity.spec as { type?: string } | undefined)?.type === DEPLOYMENT_ENTITY_TYPE &&
    Boolean(entity.metadata.annotations?.[ANNOTATIONS.arn])
  );
}

/** Events topic: a stack was deployed from the portal; discovery looks again at once. */
export const DEPLOYED_TOPIC = 'wickr-dr.stack.deployed';

export interface DeployedEvent {
  accountId?: string;
  region: string;
  stackName: string;
}

/** Where the portal acts for a deployment entity: the stack and the account and region to call. */
export interface DeploymentTarget {
  /** The account to call; undefined for the main account. */
  accountId?: string;
  region: string;
  stackArn: string;
  stackName: string;
  deploymentName: string;
  /** The bot's log group and secret, when the stack has the outputs. */
  botLogGroup?: string;
  botSecretArn?: string;
  /** The bot's AWS Wickr network, when the stack names one. */
  networkId?: string;
}

/** Why the portal refuses to act on an entity; see {@link deploymentTarget}. */
export class UntrustedDeploymentError extends Error {
  constructor(entityRef: string, why: string) {
    super(`${entityRef} is not a deployment the portal may act on: ${why}`);
    this.name = 'UntrustedDeploymentError';
  }
}

/**
 * The target of a deployment entity, if the portal may act on it: the entity must
 * come from the portal's own discovery (the catalog sets the origin location of
 * entities registered by hand to their file or URL, so it cannot be forged in YAML),
 * its stack must be in the region and account discovery looked in, and that account
 * must be configured. Throws an {@link UntrustedDeploymentError} otherwise.
 */
export function deploymentTarget(entity: Entity, accounts: AllowedAccounts): DeploymentTarget {
  const ref = `resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
  const fail = (why: string): never => {
    throw new UntrustedDeploymentError(ref, why);
  };
  if (!isDeploymentEntity(entity)) fail(`it is not a Resource of type ${DEPLOYMENT_ENTITY_TYPE} with an ${ANNOTATIONS.arn} annotation`);
  const annotations = entity.metadata.annotations ?? {};
  const origin = annotations[ANNOTATION_ORIGIN_LOCATION];
  const discovered = parseDiscoveryLocation(origin);
  if (!discovered) return fail(`it was not discovered by the portal (its origin is ${origin ?? 'unknown'})`);
  let arn;
  try {
    arn = parseArn(annotations[ANNOTATIONS.arn]);
  } catch {
    return fail(`${ANNOTATIONS.arn} is not an ARN`);
  }
  if (arn.service !== 'cloudformation' || !arn.resource.startsWith('stack/')) fail(`${ANNOTATIONS.arn} is not a CloudFormation stack`);
  if (arn.region !== discovered.region) fail(`its stack is in ${arn.region}, not in ${discovered.region} where it was discovered`);
  if (discovered.accountId && discovered.accountId !== arn.accountId) {
    fail(`its stack is in account ${arn.accountId}, not in ${discovered.accountId} where it was discovered`);
  }
  const refused = accountNotAllowed(discovered.accountId, accounts);
  if (refused) fail(refused.replace(/^accountId: /, ''));
  return {
    ...(discovered.accountId && { accountId: discovered.accountId }),
    region: arn.region,
    stackArn: annotations[ANNOTATIONS.arn],
    stackName: annotations[ANNOTATIONS.stackName] ?? arn.resource.split('/')[1],
    deploymentName: annotations[ANNOTATIONS.deploymentName] ?? '',
    ...(annotations[ANNOTATIONS.botLogGroup] && { botLogGroup: annotations[ANNOTATIONS.botLogGroup] }),
    ...(annotations[ANNOTATIONS.botSecretArn] && { botSecretArn: annotations[ANNOTATIONS.botSecretArn] }),
    ...(/^[0-9]{8}$/.test(annotations[ANNOTATIONS.networkId] ?? '') && { networkId: annotations[ANNOTATIONS.networkId] }),
  };
}
