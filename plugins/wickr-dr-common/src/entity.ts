import type { Entity } from '@backstage/catalog-model';
import { parse as parseArn } from '@aws-sdk/util-arn-parser';
import {
  bucketConsoleUrl,
  consoleBase,
  logGroupConsoleUrl,
  stackConsoleUrl,
} from './consoleLinks';
import { DEPLOYMENT_TAG, OWNER_TAG, SYSTEM_TAG } from './render';

/** The entity type of a Wickr data-retention deployment (kind Resource). */
export const DEPLOYMENT_ENTITY_TYPE = 'wickr-data-retention';

/** Annotations that identify a deployment's stack; the ARN ones follow the AWS catalog module. */
export const ANNOTATIONS = {
  arn: 'amazonaws.com/arn',
  accountId: 'amazonaws.com/account-id',
  region: 'amazonaws.com/region',
  stackName: 'wickr-dr/stack-name',
  deploymentName: 'wickr-dr/deployment-name',
} as const;

/** What the catalog needs to know of a deployed stack. */
export interface DeployedStack {
  stackArn: string;
  stackName: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
}

export interface DeploymentEntityOptions {
  /** The provider's location, for backstage.io/managed-by-location. */
  location: string;
  /** Owner when the stack has no wickr-dr:owner tag. */
  defaultOwner: string;
}

/** A deployment's entity name: unique per deployment name and region, at most 63 characters. */
export function deploymentEntityName(deploymentName: string, region: string): string {
  return `${deploymentName}-${region}`;
}

/** The links a platform engineer opens during an incident, for the stack's partition and region. */
export function deploymentLinks(stack: DeployedStack) {
  const { partition, region } = parseArn(stack.stackArn);
  const base = consoleBase(region, partition);
  const o = stack.outputs;
  const links: Array<{ title: string; url: string; icon?: string; type: string }> = [
    { title: 'CloudFormation stack', url: stackConsoleUrl(stack.stackArn), type: 'stack' },
  ];
  const add = (present: unknown, title: string, url: () => string, type: string) => {
    if (present) links.push({ title, url: url(), type });
  };
  add(o.BotLogGroupName, 'Bot log', () => logGroupConsoleUrl(region, o.BotLogGroupName), 'logs');
  add(o.ClusterName, 'Container Insights', () =>
    `${base}/cloudwatch/home?region=${region}#container-insights:performance/ECS:Cluster?~(query~(controls~(CW*3a*3aECS.cluster~(~'${o.ClusterName}))))`, 'container-insights');
  links.push({ title: 'WickrIO metrics', url: `${base}/cloudwatch/home?region=${region}#metricsV2?graph=~()&namespace=~'WickrIO`, type: 'metrics' });
  add(o.RetentionBucketName, 'Retention bucket', () => bucketConsoleUrl(region, o.RetentionBucketName, o.RetentionPrefix), 'retention-bucket');
  add(o.AccessLogBucketName, 'Access-log bucket', () => bucketConsoleUrl(region, o.AccessLogBucketName), 'access-log-bucket');
  add(o.ClusterName && o.ServiceName, 'ECS service', () =>
    `${base}/ecs/v2/clusters/${o.ClusterName}/services/${o.ServiceName}/health?region=${region}`, 'service');
  add(o.BotSecretArn, 'Bot secret', () =>
    `${base}/secretsmanager/secret?name=${encodeURIComponent(o.BotSecretArn)}&region=${region}`, 'secret');
  add(o.AlertTopicArn, 'Alert topic', () =>
    `${base}/sns/v3/home?region=${region}#/topic/${o.AlertTopicArn}`, 'alerts');
  return links;
}

/** The catalog entity of a deployed stack. */
export function deploymentEntity(stack: DeployedStack, options: DeploymentEntityOptions): Entity {
  const { accountId, region } = parseArn(stack.stackArn);
  const deploymentName = stack.tags[DEPLOYMENT_TAG];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: deploymentEntityName(deploymentName, region),
      title: `Wickr data retention: ${deploymentName} (${region})`,
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
      },
      links: deploymentLinks(stack),
    },
    spec: {
      type: DEPLOYMENT_ENTITY_TYPE,
      owner: stack.tags[OWNER_TAG] || options.defaultOwner,
      ...(stack.tags[SYSTEM_TAG] && { system: stack.tags[SYSTEM_TAG] }),
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
