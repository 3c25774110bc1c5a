/**
 * bench/deploy's workload: the creation of a 40-resource stack shaped like the
 * product's (templates/wickr-dr-fargate/cloudformation/wickr-dr-bot.yaml), as a
 * script for the simulated CloudFormation. Each resource starts a moment after
 * the last of its dependencies completes (the template's Ref, GetAtt and
 * DependsOn, restricted to these 40), and takes a duration drawn from its type's
 * range, so resources arrive in waves: keys, VPC, bucket and cluster at once;
 * subnets, route tables and security groups next; NAT gateways (~110 s); the
 * key-encrypted EFS file system (~30 s) and its mount targets (90-120 s); and
 * last the ECS service, the slowest (3.5-4 min). The operation ends near 600 s.
 * Deterministic: durations come from a small seeded generator, never Math.random.
 */
import type { ResourceStep } from '../../plugins/scaffolder-backend-module-wickr-dr/src/__testUtils__/simulatedCloudFormation';

/** The seeds of the timelines the bench runs, one timeline each. */
export const TIMELINE_SEEDS = [1, 2, 3, 4, 5];

/**
 * A seeded generator of numbers in [0, 1): a 32-bit linear congruential step
 * (Numerical Recipes constants) whose high bits are mixed by an xorshift.
 */
export function seededRandom(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    let x = state;
    x ^= x >>> 16;
    x = Math.imul(x, 0x45d9f3b) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    return x / 2 ** 32;
  };
}

/** How long a resource of each type takes to create, in seconds [shortest, longest]. */
const DURATION_S: Record<string, [number, number]> = {
  'AWS::KMS::Key': [115, 155],
  'AWS::EC2::VPC': [10, 20],
  'AWS::EC2::InternetGateway': [10, 20],
  'AWS::EC2::VPCGatewayAttachment': [15, 25],
  'AWS::EC2::Subnet': [4, 8],
  'AWS::EC2::RouteTable': [2, 4],
  'AWS::EC2::SecurityGroup': [4, 8],
  'AWS::EC2::Route': [5, 15],
  'AWS::EC2::EIP': [3, 15],
  'AWS::EC2::NatGateway': [100, 120],
  'AWS::S3::Bucket': [25, 45],
  'AWS::S3::BucketPolicy': [2, 5],
  'AWS::Logs::LogGroup': [2, 5],
  'AWS::SecretsManager::Secret': [3, 8],
  'AWS::SNS::Topic': [8, 15],
  'AWS::ECS::Cluster': [5, 15],
  'AWS::IAM::Role': [30, 50],
  'AWS::IAM::Policy': [15, 30],
  'AWS::EFS::FileSystem': [25, 35],
  'AWS::EFS::MountTarget': [90, 120],
  'AWS::EFS::AccessPoint': [5, 12],
  'AWS::ECS::TaskDefinition': [2, 5],
  'AWS::ECS::Service': [215, 245],
};

/** The stack's 40 resources, in template order, with what each waits for. */
const RESOURCES: Array<{ id: string; type: string; after: string[] }> = [
  { id: 'StorageKey', type: 'AWS::KMS::Key', after: [] },
  { id: 'SecretKey', type: 'AWS::KMS::Key', after: [] },
  { id: 'LogsKey', type: 'AWS::KMS::Key', after: [] },
  { id: 'AlertsKey', type: 'AWS::KMS::Key', after: [] },
  { id: 'Vpc', type: 'AWS::EC2::VPC', after: [] },
  { id: 'InternetGateway', type: 'AWS::EC2::InternetGateway', after: [] },
  { id: 'VpcGatewayAttachment', type: 'AWS::EC2::VPCGatewayAttachment', after: ['Vpc', 'InternetGateway'] },
  { id: 'PublicSubnetA', type: 'AWS::EC2::Subnet', after: ['Vpc'] },
  { id: 'PublicSubnetB', type: 'AWS::EC2::Subnet', after: ['Vpc'] },
  { id: 'PrivateSubnetA', type: 'AWS::EC2::Subnet', after: ['Vpc'] },
  { id: 'PrivateSubnetB', type: 'AWS::EC2::Subnet', after: ['Vpc'] },
  { id: 'PublicRouteTable', type: 'AWS::EC2::RouteTable', after: ['Vpc'] },
  { id: 'PublicDefaultRoute', type: 'AWS::EC2::Route', after: ['VpcGatewayAttachment', 'InternetGateway', 'PublicRouteTable'] },
  { id: 'NatEipA', type: 'AWS::EC2::EIP', after: ['VpcGatewayAttachment'] },
  { id: 'NatGatewayA', type: 'AWS::EC2::NatGateway', after: ['PublicDefaultRoute', 'NatEipA', 'PublicSubnetA'] },
  { id: 'NatEipB', type: 'AWS::EC2::EIP', after: ['VpcGatewayAttachment'] },
  { id: 'NatGatewayB', type: 'AWS::EC2::NatGateway', after: ['PublicDefaultRoute', 'NatEipB', 'PublicSubnetB'] },
  { id: 'PrivateRouteTableA', type: 'AWS::EC2::RouteTable', after: ['Vpc'] },
  { id: 'PrivateRouteTableB', type: 'AWS::EC2::RouteTable', after: ['Vpc'] },
  { id: 'PrivateDefaultRouteA', type: 'AWS::EC2::Route', after: ['NatGatewayA', 'PrivateRouteTableA'] },
  { id: 'PrivateDefaultRouteB', type: 'AWS::EC2::Route', after: ['NatGatewayA', 'NatGatewayB', 'PrivateRouteTableB'] },
  { id: 'FlowLogGroup', type: 'AWS::Logs::LogGroup', after: ['LogsKey'] },
  { id: 'BotSecurityGroup', type: 'AWS::EC2::SecurityGroup', after: ['Vpc'] },
  { id: 'EfsSecurityGroup', type: 'AWS::EC2::SecurityGroup', after: ['Vpc', 'BotSecurityGroup'] },
  { id: 'LoggingBucket', type: 'AWS::S3::Bucket', after: [] },
  { id: 'LoggingBucketPolicy', type: 'AWS::S3::BucketPolicy', after: ['LoggingBucket'] },
  { id: 'RetentionBucket', type: 'AWS::S3::Bucket', after: ['LoggingBucket', 'LoggingBucketPolicy', 'StorageKey'] },
  { id: 'BotSecret', type: 'AWS::SecretsManager::Secret', after: ['SecretKey'] },
  { id: 'BotLogGroup', type: 'AWS::Logs::LogGroup', after: ['LogsKey'] },
  { id: 'AlertTopic', type: 'AWS::SNS::Topic', after: ['AlertsKey'] },
  { id: 'FileSystem', type: 'AWS::EFS::FileSystem', after: ['StorageKey', 'TaskRole'] },
  { id: 'MountTargetA', type: 'AWS::EFS::MountTarget', after: ['EfsSecurityGroup', 'FileSystem', 'PrivateSubnetA'] },
  { id: 'MountTargetB', type: 'AWS::EFS::MountTarget', after: ['EfsSecurityGroup', 'FileSystem', 'PrivateSubnetB'] },
  { id: 'AccessPoint', type: 'AWS::EFS::AccessPoint', after: ['FileSystem'] },
  { id: 'ExecutionRole', type: 'AWS::IAM::Role', after: ['BotLogGroup'] },
  {
    id: 'TaskRole',
    type: 'AWS::IAM::Role',
    after: ['AlertTopic', 'AlertsKey', 'BotSecret', 'RetentionBucket', 'SecretKey', 'StorageKey'],
  },
  { id: 'TaskRoleEfsPolicy', type: 'AWS::IAM::Policy', after: ['AccessPoint', 'FileSystem', 'TaskRole'] },
  { id: 'Cluster', type: 'AWS::ECS::Cluster', after: [] },
  {
    id: 'TaskDefinition',
    type: 'AWS::ECS::TaskDefinition',
    after: ['AccessPoint', 'BotLogGroup', 'BotSecret', 'ExecutionRole', 'FileSystem', 'TaskRole'],
  },
  {
    id: 'BotService',
    type: 'AWS::ECS::Service',
    after: [
      'BotSecurityGroup', 'Cluster', 'PrivateSubnetA', 'PrivateSubnetB', 'TaskDefinition',
      'TaskRoleEfsPolicy', 'MountTargetA', 'MountTargetB', 'PrivateDefaultRouteA', 'PrivateDefaultRouteB',
    ],
  },
];

export const RESOURCE_COUNT = 40;

/** CloudFormation starts a resource 1-3 s after the operation starts or its last dependency completes. */
const DISPATCH_S: [number, number] = [1, 3];

/** The creation of the 40 resources for one seed: when each starts and ends, ms after execution. */
export function creationTimeline(seed: number): ResourceStep[] {
  if (RESOURCES.length !== RESOURCE_COUNT) {
    throw new Error(`the timeline has ${RESOURCES.length} resources, not ${RESOURCE_COUNT}`);
  }
  const random = seededRandom(seed);
  const between = ([low, high]: [number, number]) => Math.round((low + (high - low) * random()) * 1000);
  const byId = new Map(RESOURCES.map(r => [r.id, r]));
  const steps = new Map<string, ResourceStep>();
  const schedule = (id: string, path: string[] = []): ResourceStep => {
    const known = steps.get(id);
    if (known) return known;
    const resource = byId.get(id);
    if (!resource) throw new Error(`${path.join(' -> ')} waits for ${id}, which is not in the timeline`);
    if (path.includes(id)) throw new Error(`dependency cycle: ${[...path, id].join(' -> ')}`);
    const ready = Math.max(0, ...resource.after.map(dep => schedule(dep, [...path, id]).endMs));
    const startMs = ready + between(DISPATCH_S);
    const step = { logicalId: id, type: resource.type, startMs, endMs: startMs + between(DURATION_S[resource.type]) };
    steps.set(id, step);
    return step;
  };
  // Draw in template order so that a seed always gives the same timeline.
  RESOURCES.forEach(r => schedule(r.id));
  return RESOURCES.map(r => steps.get(r.id)!);
}
