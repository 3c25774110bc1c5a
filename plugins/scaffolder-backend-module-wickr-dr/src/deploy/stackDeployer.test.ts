// Unit tests of the deploy engine on a simulated CloudFormation timeline
// (aws-sdk-client-mock routes the SDK to testing/simulatedCloudFormation.ts):
// moto has no per-resource events, rollbacks, throttling or stuck states.
import { deployHarness, renderedStack, stackSteps } from '../__testUtils__/deployHarness';

const mutating = ['CreateChangeSet', 'ExecuteChangeSet', 'DeleteStack', 'CancelUpdateStack', 'UpdateTerminationProtection'];

describe('StackDeployer', () => {
  let h: ReturnType<typeof deployHarness>;
  beforeEach(() => {
    h = deployHarness();
  });
  afterEach(() => h.mock.restore());

  const mutatingCalls = () => h.simulation.calls.filter(c => mutating.includes(c.operation)).map(c => c.operation);

  describe('creating a stack', () => {
    it('logs one line per resource event with a running count, and returns the outputs', async () => {
      h.simulation.nextOperation = { steps: stackSteps(3) };
      h.simulation.outputs = { RetentionBucketName: '123456789012-prod-wickrdr' };

      const result = await h.deployer().deploy(renderedStack());

      expect(result).toMatchObject({
        status: 'CREATE_COMPLETE',
        outputs: { RetentionBucketName: '123456789012-prod-wickrdr' },
        consoleUrl: expect.stringContaining('https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation'),
      });
      expect(h.lines).toEqual(
        expect.arrayContaining([
          'CREATE_IN_PROGRESS AWS::SNS::Topic Resource1 (0 of 3 resources complete)',
          'CREATE_COMPLETE AWS::SNS::Topic Resource1 (1 of 3 resources complete)',
          'CREATE_COMPLETE AWS::SNS::Topic Resource3 (3 of 3 resources complete)',
          'Turned on termination protection',
        ]),
      );
      expect(h.lines.filter(l => l.startsWith('CREATE_COMPLETE AWS::SNS::Topic'))).toHaveLength(3);
      expect(h.lines.some(l => /^Stack wickr-dr-prod: CREATE_COMPLETE in \d+s$/.test(l))).toBe(true);
      expect(h.simulation.callsTo('CreateChangeSet')[0].input).toMatchObject({
        ChangeSetType: 'CREATE',
        // A new stack starts with the bot stopped: its password is not in the secret yet.
        Parameters: expect.arrayContaining([{ ParameterKey: 'BotRunning', ParameterValue: 'false' }]),
        Capabilities: ['CAPABILITY_IAM'],
        ClientToken: expect.any(String),
      });
    });

    it('polls near 2 s while resources change and backs off to 20 s at most when nothing does', async () => {
      h.simulation.nextOperation = {
        steps: [
          { logicalId: 'Vpc', type: 'AWS::EC2::VPC', startMs: 0, endMs: 4_000 },
          { logicalId: 'Nat', type: 'AWS::EC2::NatGateway', startMs: 4_000, endMs: 240_000 },
        ],
      };
      await h.deployer().deploy(renderedStack());
      // Jitter is a quarter either way of 2 s at first, of 20 s at most.
      expect(Math.min(...h.sleeps)).toBeGreaterThanOrEqual(1_500);
      expect(Math.min(...h.sleeps)).toBeLessThanOrEqual(2_500);
      expect(Math.max(...h.sleeps)).toBe(20_000);
      // A 4-minute wait costs a handful of calls, not 120.
      expect(h.simulation.callsTo('DescribeStackEvents').length).toBeLessThan(25);
    });
  });

  describe('idempotency', () => {
    it('reuses its tokens when the task is retried after a crash, so there is one change set and one stack', async () => {
      h.simulation.nextOperation = { steps: stackSteps(2) };
      h.checkpoints.crashAfter = 'change-set';
      await expect(h.deployer().deploy(renderedStack())).rejects.toThrow('simulated crash after change-set');

      const result = await h.deployer().deploy(renderedStack());

      expect(result.status).toBe('CREATE_COMPLETE');
      const creates = h.simulation.callsTo('CreateChangeSet');
      expect(creates).toHaveLength(2);
      expect(creates[1].input.ClientToken).toBe(creates[0].input.ClientToken);
      expect(creates[1].input.ChangeSetName).toBe(creates[0].input.ChangeSetName);
      expect(h.simulation.changeSets.size).toBe(1);
      expect(h.simulation.stacks.size).toBe(1);
      expect(h.simulation.callsTo('ExecuteChangeSet')).toHaveLength(1);
    });

    it('does not execute twice when the task is retried after execution', async () => {
      h.simulation.nextOperation = { steps: stackSteps(2) };
      h.checkpoints.crashAfter = 'execute';
      await expect(h.deployer().deploy(renderedStack())).rejects.toThrow('simulated crash after execute');

      const result = await h.deployer().deploy(renderedStack());

      expect(result.status).toBe('CREATE_COMPLETE');
      const executes = h.simulation.callsTo('ExecuteChangeSet');
      // The retry's ExecuteChangeSet carries the same token and is recognised as already done.
      expect(executes.map(c => c.input.ClientRequestToken)).toEqual([
        executes[0].input.ClientRequestToken,
        executes[0].input.ClientRequestToken,
      ]);
      expect(h.simulation.callsTo('CreateChangeSet')).toHaveLength(1);
      expect(h.simulation.stacks.size).toBe(1);
    });
  });

  describe('refusing a busy stack', () => {
    it('refuses at once a stack another deployment is updating, naming its change set', async () => {
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_IN_PROGRESS', {
        updatedAt: Date.UTC(2026, 10, 28, 11, 58),
        changeSetId: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/someone-else-42/abc',
      });
      await expect(h.deployer().deploy(renderedStack())).rejects.toThrow(
        "stack 'wickr-dr-prod' is busy: UPDATE_IN_PROGRESS since 2026-11-28T11:58:00.000Z (change set someone-else-42); wait for it to finish, then deploy again",
      );
      expect(mutatingCalls()).toEqual([]);
      expect(h.sleeps).toEqual([]);
    });

    it('refuses at once a second deployment of the same stack from this backend, naming the running task', async () => {
      h.simulation.nextOperation = { steps: stackSteps(2) };
      const release = h.locks.acquire('default/us-east-1/wickr-dr-prod', 'task-running');
      try {
        await expect(h.deployer().deploy(renderedStack())).rejects.toThrow(
          'stack default/us-east-1/wickr-dr-prod is already being deployed by task task-running; wait for it to finish',
        );
      } finally {
        release();
      }
      expect(h.simulation.calls).toEqual([]);
    });
  });

  it('treats an empty change set as success, deletes it and executes nothing', async () => {
    h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', {});
    h.simulation.emptyChangeSets = true;
    const result = await h.deployer().deploy(renderedStack());
    expect(result).toMatchObject({ status: 'UPDATE_COMPLETE', noChanges: true });
    expect(h.lines).toContain('No changes: stack wickr-dr-prod already matches the template and parameters');
    expect(h.simulation.callsTo('DeleteChangeSet')).toHaveLength(1);
    expect(h.simulation.callsTo('ExecuteChangeSet')).toHaveLength(0);
  });

  it('deletes and re-creates a stack left in ROLLBACK_COMPLETE, saying why', async () => {
    h.simulation.seedStack('wickr-dr-prod', 'ROLLBACK_COMPLETE');
    h.simulation.nextOperation = { steps: stackSteps(1) };
    const result = await h.deployer().deploy(renderedStack());
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(h.lines).toContain(
      'stack wickr-dr-prod is ROLLBACK_COMPLETE: it was never created successfully and holds nothing; deleting it to create it again',
    );
    expect(mutatingCalls().slice(0, 3)).toEqual(['DeleteStack', 'CreateChangeSet', 'ExecuteChangeSet']);
    expect(h.simulation.callsTo('DeleteStack')[0].input.ClientRequestToken).toEqual(expect.any(String));
  });

  it.each([
    ['UPDATE_ROLLBACK_FAILED', 'continue the rollback with `aws cloudformation continue-update-rollback --stack-name wickr-dr-prod --region us-east-1`'],
    ['DELETE_FAILED', 'finish the deletion with `aws cloudformation delete-stack --stack-name wickr-dr-prod --region us-east-1`'],
    ['ROLLBACK_FAILED', 'delete the stack with `aws cloudformation delete-stack --stack-name wickr-dr-prod --region us-east-1 --retain-resources'],
  ])('stops at a stack in %s with the exact recovery step', async (status, step) => {
    h.simulation.seedStack('wickr-dr-prod', status);
    const error = await h.deployer().deploy(renderedStack()).catch(e => e);
    expect(error.message).toContain(`stack 'wickr-dr-prod' is ${status} and cannot be deployed: ${step}`);
    expect(error.message).toContain('https://us-east-1.console.aws.amazon.com/cloudformation/');
    expect(mutatingCalls()).toEqual([]);
  });

  it('backs off when throttled and carries on', async () => {
    h.simulation.nextOperation = { steps: stackSteps(2) };
    const executedAt = () => h.simulation.callsTo('ExecuteChangeSet')[0]?.at;
    h.simulation.throttle = op => op === 'DescribeStackEvents' && executedAt() !== undefined && h.simulation.now - executedAt()! < 60_000;
    const result = await h.deployer().deploy(renderedStack());
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(h.lines).toContain('WARN CloudFormation is throttling requests; polling less often');
    const throttledSleeps = h.sleeps.slice(-20);
    // Each throttled poll at least doubles the delay, up to the 20 s ceiling.
    const growing = h.sleeps.filter((s, i) => i > 0 && s > h.sleeps[i - 1]);
    expect(growing.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...throttledSleeps)).toBeLessThanOrEqual(20_000);
  });

  it('cancels an update that passes its timeout and says so', async () => {
    h = (h.mock.restore(), deployHarness({ timeoutMs: 60_000 }));
    h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
    h.simulation.nextOperation = { steps: stackSteps(2, 100_000, 200_000) };
    const error = await h.deployer().deploy(renderedStack()).catch(e => e);
    expect(error.message).toMatch(
      /^the deployment passed its 1m00s timeout: cancelled the update of stack 'wickr-dr-prod'; CloudFormation is rolling it back/,
    );
    expect(h.simulation.callsTo('CancelUpdateStack')[0].input.ClientRequestToken).toEqual(expect.any(String));
  });

  it('cancels an update when the task is cancelled', async () => {
    const controller = new AbortController();
    h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
    h.simulation.nextOperation = { steps: stackSteps(3, 60_000, 120_000) };
    const sleep = h.simulation.sleep;
    h.simulation.sleep = async ms => {
      await sleep(ms);
      if (h.simulation.callsTo('ExecuteChangeSet').length && h.simulation.now > h.simulation.callsTo('ExecuteChangeSet')[0].at + 30_000) controller.abort();
    };
    const error = await h.deployer({ signal: controller.signal }).deploy(renderedStack()).catch(e => e);
    expect(error.message).toMatch(/^the task was cancelled: cancelled the update of stack 'wickr-dr-prod'/);
    expect(h.simulation.callsTo('CancelUpdateStack')).toHaveLength(1);
  });

  it('reports the root cause of a failure in one line: the first failure that is not a cancellation', async () => {
    h.simulation.nextOperation = {
      steps: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC', startMs: 0, endMs: 5_000 },
        { logicalId: 'FileSystem', type: 'AWS::EFS::FileSystem', startMs: 5_000, endMs: 90_000 },
        { logicalId: 'RetentionBucket', type: 'AWS::S3::Bucket', startMs: 5_000, endMs: 20_000, failWith: '123456789012-prod-wickrdr already exists' },
        { logicalId: 'LoggingBucket', type: 'AWS::S3::Bucket', startMs: 6_000, endMs: 30_000, failWith: 'Resource creation cancelled' },
      ],
    };
    const error = await h.deployer().deploy(renderedStack()).catch(e => e);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toMatch(
      /^stack 'wickr-dr-prod' failed \(ROLLBACK_COMPLETE after [\dms]+\): RetentionBucket \(AWS::S3::Bucket\) CREATE_FAILED: 123456789012-prod-wickrdr already exists \(https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudformation\/home\?region=us-east-1#\/stacks\/events\?stackId=/,
    );
  });

  describe('dry run', () => {
    it('shows what would change on an existing stack, replacements marked, and executes nothing', async () => {
      h = (h.mock.restore(), deployHarness({ dryRun: true }));
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
      h.simulation.nextOperation = { steps: stackSteps(2) };
      const result = await h.deployer().deploy(renderedStack());
      expect(result.plannedChanges).toEqual([
        'Modify AWS::SNS::Topic Resource1 (REPLACEMENT)',
        'Modify AWS::SNS::Topic Resource2',
      ]);
      expect(h.simulation.callsTo('ExecuteChangeSet')).toHaveLength(0);
      expect(h.simulation.callsTo('DeleteChangeSet')).toHaveLength(1);
      expect(h.simulation.changeSets.size).toBe(0);
    });

    it('lists the resources of a new stack without any mutating call', async () => {
      h = (h.mock.restore(), deployHarness({ dryRun: true }));
      const result = await h.deployer().deploy(renderedStack());
      expect(result.plannedChanges).toEqual(['Add AWS::SNS::Topic Topic', 'Add AWS::S3::Bucket Bucket']);
      expect(mutatingCalls()).toEqual([]);
      expect(h.simulation.calls.map(c => c.operation)).toEqual(['DescribeStacks']);
    });
  });
});
