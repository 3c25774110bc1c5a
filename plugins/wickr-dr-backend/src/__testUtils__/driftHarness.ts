import type { StackResourceDrift } from '@aws-sdk/client-cloudformation';
import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_SUPPRESSIONS, deploymentEntity } from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import knexFactory from 'knex';
import { DriftChecker, DriftSettings } from '../drift/DriftChecker';
import { DriftStore } from '../drift/DriftStore';
import { installDriftSimulation } from './installDriftSimulation';
import { SimulatedDriftCloudFormation, SimulatedStack, stackArn } from './simulatedDrift';
import { VirtualClock } from './VirtualClock';

export const inSync = (logicalId: string, type = 'AWS::SNS::Topic'): StackResourceDrift => ({
  StackId: 'x', LogicalResourceId: logicalId, ResourceType: type, StackResourceDriftStatus: 'IN_SYNC', Timestamp: new Date(0),
});

export const modified = (logicalId: string, type: string, path: string, expected: string | undefined, actual: string): StackResourceDrift => ({
  StackId: 'x', LogicalResourceId: logicalId, ResourceType: type, StackResourceDriftStatus: 'MODIFIED', Timestamp: new Date(0),
  PropertyDifferences: [{ PropertyPath: path, ExpectedValue: expected, ActualValue: actual, DifferenceType: expected === undefined ? 'ADD' : 'NOT_EQUAL' }],
});

export function deployment(name: string) {
  return deploymentEntity(
    { stackArn: stackArn(name), stackName: name, tags: { 'wickr-dr:deployment': name, 'wickr-dr:owner': 'group:default/platform-team' }, outputs: {} },
    { location: 'wickr-dr:main/us-east-1', defaultOwner: 'group:default/platform-team' },
  );
}

export const defaultSettings: DriftSettings = {
  reuseWithinMs: 60 * 60_000,
  detectionTimeoutMs: 15 * 60_000,
  maxConcurrentDetections: 5,
  callsPerSecond: 5,
  suppressions: DEFAULT_SUPPRESSIONS,
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
    getCredentialProvider: async () => ({ sdkCredentialProvider: async () => ({ accessKeyId: 'x', secretAccessKey: 'y' }) }),
  });
  const checker = new DriftChecker({
    awsClients, store, notifications, logger,
    settings: { ...defaultSettings, ...settings },
    clock: { now: () => clock.now, sleep: clock.sleep, random: clock.random },
  });
  const entities = stacks.map(s => deployment(s.name));
  return {
    clock, simulation, store, notifications, logger, checker, entities,
    checkAll: () => clock.run(checker.checkAll({ deployments: async () => entities })),
    checkOne: (name: string) => clock.run(checker.checkOne(entities.find(e => e.metadata.annotations!['wickr-dr/stack-name'] === name)!)),
    async close() {
      mock.restore();
      await knex.destroy();
    },
  };
}
