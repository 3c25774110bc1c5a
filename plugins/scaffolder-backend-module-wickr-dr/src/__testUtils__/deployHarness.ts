import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { RenderedStack } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { DeployContext, DeployGuard, DeployOptions, StackDeployer } from '../deploy/stackDeployer';
import { installSimulation } from './installSimulation';
import { ResourceStep, SimulatedCloudFormation } from './simulatedCloudFormation';
import { InMemoryStackLocks } from './stackLocks';

/** Checkpoints as the scaffolder keeps them: per key, replayed on a retried task. */
export class CheckpointStore {
  readonly values = new Map<string, unknown>();
  /** Simulates a crash right after fn succeeded, before its result was stored. */
  crashAfter?: string;

  checkpoint = async <T>({ key, fn }: { key: string; fn: () => Promise<T> | T }): Promise<T> => {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = await fn();
    if (this.crashAfter === key) {
      this.crashAfter = undefined;
      throw new Error(`simulated crash after ${key}`);
    }
    this.values.set(key, value === undefined ? null : value);
    return value;
  };
}

export function stackSteps(count: number, spacingMs = 10_000, durationMs = 20_000): ResourceStep[] {
  return Array.from({ length: count }, (_, i) => ({
    logicalId: `Resource${i + 1}`,
    type: 'AWS::SNS::Topic',
    startMs: i * spacingMs,
    endMs: i * spacingMs + durationMs,
  }));
}

export const renderedStack = (stackName = 'wickr-dr-prod'): RenderedStack => ({
  stackName,
  templateBody: JSON.stringify({
    Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Bucket: { Type: 'AWS::S3::Bucket' } },
  }),
  parameters: [{ ParameterKey: 'DeployName', ParameterValue: 'prod' }],
  tags: [{ Key: 'wickr-dr:deployment', Value: 'prod' }],
});

/** A deployer wired to a simulated CloudFormation on a virtual clock, with its log captured. */
export function deployHarness(options: Partial<DeployOptions> = {}) {
  const simulation = new SimulatedCloudFormation();
  const mock = installSimulation(simulation);
  const checkpoints = new CheckpointStore();
  const locks = new InMemoryStackLocks();
  const lines: string[] = [];
  const sleeps: number[] = [];
  /** What the guard was asked, in order: 'create', or 'update <stack name>'. */
  const guarded: string[] = [];
  const guard: DeployGuard = {
    beforeCreate: async () => {
      guarded.push('create');
    },
    beforeUpdate: async stack => {
      guarded.push(`update ${stack.StackName}`);
    },
  };
  const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`WARN ${m}`) };
  const deployer = (ctx: Partial<DeployContext> = {}) =>
    new StackDeployer(
      {
        cloudformation: new CloudFormationClient({ region: 'us-east-1' }),
        locks,
        sleep: async ms => {
          sleeps.push(ms);
          await simulation.sleep(ms);
        },
        now: () => simulation.now,
        random: () => 0.5,
      },
      { logger, checkpoint: checkpoints.checkpoint, taskId: 'task-1', ...ctx },
      { region: 'us-east-1', timeoutMs: 3_600_000, dryRun: false, terminationProtection: true, botRunning: 'keep', guard, ...options },
    );
  return { simulation, mock, checkpoints, locks, lines, sleeps, guarded, deployer };
}
