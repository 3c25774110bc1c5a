import type { StackResourceDrift } from '@aws-sdk/client-cloudformation';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_SUPPRESSIONS,
  deploymentEntity,
  deploymentTarget,
  discoveryLocation,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import knexFactory from 'knex';
import { DriftChecker, DriftSettings } from '../drift/DriftChecker';
import { DriftStore } from '../drift/DriftStore';
import { installDriftSimulation } from './installDriftSimulation';
import { SIMULATED_ACCOUNT, SimulatedDriftCloudFormation, SimulatedStack, stackArn } from './simulatedDrift';
import { VirtualClock } from './VirtualClock';

export const inSync = (logicalId: string, type = 'AWS::SNS::Topic'): StackResourceDrift => ({
  StackId: 'x',
  LogicalResourceId: logicalId,
  ResourceType: type,
  StackResourceDriftStatus: 'IN_SYNC',
  Timestamp: new Date(0),
});

export const modified = (
  logicalId: string,
  type: string,
  path: string,
  expected: string | undefined,
  actual: string,
): StackResourceDrift => ({
  StackId: 'x',
  LogicalResourceId: logicalId,
  ResourceType: type,
  StackResourceDriftStatus: 'MODIFIED',
  Timestamp: new Date(0),
  PropertyDifferences: [
    {
      PropertyPath: path,
      ExpectedValue: expected,
      ActualValue: actual,
      DifferenceType: expected === undefined ? 'ADD' : 'NOT_EQUAL',
    },
  ],
});

/** The entity discovery makes of a simulated stack: in the simulated account, us-east-1. */
export function deployment(name: string, accountId = SIMULATED_ACCOUNT) {
  return deploymentEntity(
    {
      stackArn: stackArn(name, 'us-east-1', accountId),
      stackName: name,
      tags: { 'wickr-dr:deployment': name, 'wickr-dr:owner': 'group:default/platform-team' },
      outputs: {},
    },
    { location: discoveryLocation({ accountId, region: 'us-east-1' }), defaultOwner: 'group:default/platform-team' },
  );
}

/** The entity ref of the deployment of a simulated stack. */
export const deploymentRef = (name: string) => `resource:default/${deployment(name).metadata.name}`;

export const defaultSettings: DriftSettings = {
  reuseWithinMs: 60 * 60_000,
  detectionTimeoutMs: 15 * 60_000,
  maxConcurrentDetections: 5,
  callsPerSecond: 5,
  suppressions: DEFAULT_SUPPRESSIONS,
  historyDays: 90,
  checkNowCooldownMs: 60_000,
};

/** A drift checker on a simulated CloudFormation (aws-sdk-client-mock), a virtual clock and SQLite in memory. */
export async function driftHarness(stacks: SimulatedStack[], settings: Partial<DriftSettings> = {}) {
  const clock = new VirtualClock();
  const simulation = new SimulatedDriftCloudFormation(stacks, clock);
  const mock = installDriftSimulation(simulation);
  const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const store = await DriftStore.create(knex);
  const notifications = { send: jest.fn() };
  const logger = mockServices.logger.mock();
  const awsClients = new AwsClients({
    credentialsManager: {
      getCredentialProvider: async () => ({
        sdkCredentialProvider: async () => ({ accessKeyId: 'x', secretAccessKey: 'y' }),
      }),
    },
    accounts: { configured: [SIMULATED_ACCOUNT] },
  });
  const checker = new DriftChecker({
    awsClients,
    store,
    notifications,
    logger,
    settings: { ...defaultSettings, ...settings },
    clock: { now: () => clock.now, sleep: clock.sleep, random: clock.random },
  });
  const entities = stacks.map(s => deployment(s.name));
  const entityOf = (name: string) => entities.find(e => e.metadata.annotations!['wickr-dr/stack-name'] === name)!;
  /** "Check now" of a stack's deployment, without running the clock (for checks that overlap). */
  const checkNow = (name: string) => {
    const entity = entityOf(name);
    return checker.checkOne(entity, deploymentTarget(entity, awsClients.accounts));
  };
  return {
    clock,
    simulation,
    store,
    notifications,
    logger,
    checker,
    entities,
    /** A scheduled run over the entities of the stacks, or over the given ones. */
    checkAll: (deployments: Entity[] = entities) =>
      clock.run(checker.checkAll({ deployments: async () => deployments })),
    checkNow,
    /** "Check now" of a stack's deployment, on the virtual clock. */
    checkOne: (name: string) => clock.run(checkNow(name)),
    async close() {
      mock.restore();
      await knex.destroy();
    },
  };
}
