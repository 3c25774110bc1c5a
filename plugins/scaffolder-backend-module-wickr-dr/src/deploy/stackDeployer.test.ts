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

    it('refuses at once a second deployment of a stack another task holds, naming that task and its page', async () => {
      h.simulation.nextOperation = { steps: stackSteps(2) };
      const stack = { stackName: 'wickr-dr-prod', region: 'us-east-1' };
      await h.locks.acquire(stack, 'task-running');
      await expect(h.deployer().deploy(renderedStack())).rejects.toThrow(
        'stack wickr-dr-prod in us-east-1 is being changed by task task-running, which is still running: /create/tasks/task-running; wait for it to finish, then try again',
      );
      expect(h.simulation.calls).toEqual([]);
      // Once it is released, the task takes the stack and keeps it after its deployment.
      await h.locks.release(stack, 'task-running');
      await h.deployer().deploy(renderedStack());
      expect([...h.locks.holders.values()]).toEqual(['task-1']);
    });

    it('takes no lock in a dry run', async () => {
      h = (h.mock.restore(), deployHarness({ dryRun: true }));
      await h.deployer().deploy(renderedStack());
      expect(h.locks.holders.size).toBe(0);
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

  describe('only our own stacks', () => {
    it("refuses a stack without the deployment tag, saying whose it seems to be and what it lacks, before any write", async () => {
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', { tags: { team: 'web', env: 'prod' } });
      const error = await h.deployer().deploy(renderedStack()).catch(e => e);
      expect(error.message).toMatch(
        /^stack 'wickr-dr-prod' is not a Wickr data-retention deployment: it lacks the wickr-dr:deployment tag \(its tags: team=web, env=prod; created 2026-11-27T12:00:00.000Z\); the portal never changes a stack it did not deploy/,
      );
      expect(mutatingCalls()).toEqual([]);
      expect(h.guarded).toEqual([]);
    });

    it('refuses the stack of another deployment', async () => {
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', { tags: { 'wickr-dr:deployment': 'staging' } });
      await expect(h.deployer().deploy(renderedStack())).rejects.toThrow(
        "stack 'wickr-dr-prod' belongs to the deployment 'staging' (tag wickr-dr:deployment=staging), not to 'prod'",
      );
      expect(mutatingCalls()).toEqual([]);
    });

    it('asks the guard before updating a stack this task did not create, and before creating one', async () => {
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
      h.simulation.nextOperation = { steps: stackSteps(1) };
      await h.deployer().deploy(renderedStack());
      expect(h.guarded).toEqual(['update wickr-dr-prod']);
      const fresh = deployHarness();
      try {
        fresh.simulation.nextOperation = { steps: stackSteps(1) };
        await fresh.deployer().deploy(renderedStack('wickr-dr-new'));
        expect(fresh.guarded).toEqual(['create']);
      } finally {
        fresh.mock.restore();
      }
    });

    it('writes nothing when the guard refuses (a first deployment without its password)', async () => {
      const harness = deployHarness({
        guard: {
          beforeCreate: async () => {
            throw new Error('botPassword: a first deployment needs the bot\'s initial password');
          },
          beforeUpdate: async () => undefined,
        },
      });
      try {
        await expect(harness.deployer().deploy(renderedStack())).rejects.toThrow('botPassword: a first deployment needs');
        expect(harness.simulation.calls.map(c => c.operation)).toEqual(['DescribeStacks']);
      } finally {
        harness.mock.restore();
      }
    });

    it.each(['ROLLBACK_COMPLETE', 'CREATE_FAILED', 'REVIEW_IN_PROGRESS'])(
      'leaves alone a %s stack that another task or person left, with the command to clear it',
      async status => {
        h.simulation.seedStack('wickr-dr-prod', status, {
          changeSetId: status === 'REVIEW_IN_PROGRESS' ? undefined : 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/wickr-dr-othertask-a1-12345678/x',
        });
        const error = await h.deployer().deploy(renderedStack()).catch(e => e);
        expect(error.message).toContain(
          `stack 'wickr-dr-prod' is ${status}: an earlier deployment that was not this task's left it never created; the portal deletes only what this task created. Delete it with \`aws cloudformation delete-stack --stack-name wickr-dr-prod --region us-east-1\``,
        );
        expect(mutatingCalls()).toEqual([]);
      },
    );

    it('deletes a stack whose creation by this task failed, and creates it again, when the task is retried', async () => {
      h.simulation.nextOperation = { steps: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', startMs: 0, endMs: 5_000, failWith: 'boom' }] };
      await expect(h.deployer().deploy(renderedStack())).rejects.toThrow(/ROLLBACK_COMPLETE/);
      const failedId = h.simulation.stacks.get('wickr-dr-prod')!.id;

      h.simulation.nextOperation = { steps: stackSteps(1) };
      const result = await h.deployer().deploy(renderedStack());

      expect(result.status).toBe('CREATE_COMPLETE');
      expect(result.stackId).not.toBe(failedId);
      expect(h.lines).toContain(
        "stack wickr-dr-prod is ROLLBACK_COMPLETE: this task's creation of it failed and it holds nothing; deleting it to create it again",
      );
      expect(mutatingCalls()).toEqual([
        'CreateChangeSet', 'ExecuteChangeSet', 'DeleteStack', 'CreateChangeSet', 'ExecuteChangeSet', 'UpdateTerminationProtection',
      ]);
      const names = h.simulation.callsTo('CreateChangeSet').map(c => c.input.ChangeSetName);
      expect(names[0]).toMatch(/^wickr-dr-task1-a1-[0-9a-f]{8}$/);
      expect(names[1]).toMatch(/^wickr-dr-task1-a2-[0-9a-f]{8}$/);

      // A third run of the same task replays everything and changes nothing more.
      const again = await h.deployer().deploy(renderedStack());
      expect(again.stackId).toBe(result.stackId);
      expect(mutatingCalls()).toHaveLength(7);
    });

    it('executes with RetainExceptOnCreate, so a failed creation leaves no retained resource behind', async () => {
      h.simulation.nextOperation = { steps: stackSteps(1) };
      await h.deployer().deploy(renderedStack());
      expect(h.simulation.callsTo('ExecuteChangeSet')[0].input.RetainExceptOnCreate).toBe(true);
    });
  });

  describe('a change set that somebody else made unusable', () => {
    it('stops at once, saying so, instead of waiting for an update that is not ours', async () => {
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
      h.simulation.nextOperation = { steps: stackSteps(1) };
      const send = h.simulation.send.bind(h.simulation);
      h.simulation.send = async (operation: string, input: any) => {
        if (operation === 'ExecuteChangeSet') {
          for (const changeSet of h.simulation.changeSets.values()) changeSet.executionStatus = 'OBSOLETE';
        }
        return send(operation, input);
      };
      const error = await h.deployer().deploy(renderedStack()).catch(e => e);
      expect(error.message).toMatch(/^change set wickr-dr-task1-a1-[0-9a-f]{8} cannot be executed: it is OBSOLETE; the stack changed after it was made/);
      expect(h.simulation.callsTo('CancelUpdateStack')).toHaveLength(0);
      expect(h.simulation.callsTo('DescribeStackEvents')).toHaveLength(0);
    });

    it('never cancels an update that another change set is running when its own wait times out', async () => {
      h = (h.mock.restore(), deployHarness({ timeoutMs: 60_000 }));
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE');
      h.simulation.nextOperation = { steps: stackSteps(2, 100_000, 200_000) };
      const send = h.simulation.send.bind(h.simulation);
      h.simulation.send = async (operation: string, input: any) => {
        const answer = await send(operation, input);
        // Somebody else's change set becomes the stack's running one.
        if (operation === 'ExecuteChangeSet') h.simulation.stacks.get('wickr-dr-prod')!.changeSetId = 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/someone-else/1';
        return answer;
      };
      const error = await h.deployer().deploy(renderedStack()).catch(e => e);
      expect(error.message).toMatch(/^the deployment passed its 1m00s timeout while stack 'wickr-dr-prod' was UPDATE_IN_PROGRESS; CloudFormation carries on/);
      expect(h.simulation.callsTo('CancelUpdateStack')).toHaveLength(0);
    });
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

  it('ends the step with one line when the events cannot be read even after the SDK retried, and CloudFormation carries on', async () => {
    h.simulation.nextOperation = { steps: stackSteps(2) };
    h.simulation.throttle = op => op === 'DescribeStackEvents';
    const error = await h.deployer().deploy(renderedStack()).catch(e => e);
    expect(error.message).toMatch(
      /^cannot read the events of stack 'wickr-dr-prod': ThrottlingException: Rate exceeded; CloudFormation carries on: retry the task to keep watching/,
    );
    expect(h.simulation.callsTo('DescribeStackEvents')).toHaveLength(1);
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
    it('shows what would change on an existing stack from its template and parameters, and writes nothing', async () => {
      h = (h.mock.restore(), deployHarness({ dryRun: true }));
      h.simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', {
        parameters: { DeployName: 'prod', FileRotateMins: '10' },
        templateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Queue: { Type: 'AWS::SQS::Queue' } } }),
      });
      const next = renderedStack();
      next.parameters.push({ ParameterKey: 'FileRotateMins', ParameterValue: '30' });
      const result = await h.deployer().deploy(next);
      expect(result.plannedChanges).toEqual([
        'Parameter FileRotateMins: "10" -> "30"',
        'Add AWS::S3::Bucket Bucket',
        'Remove AWS::SQS::Queue Queue',
      ]);
      expect(mutatingCalls()).toEqual([]);
      expect(h.simulation.callsTo('CreateChangeSet')).toHaveLength(0);
      expect(h.simulation.changeSets.size).toBe(0);
      expect(h.lines).toContain('Dry run: 1 parameters and 2 resources would change; CloudFormation decides replacements when it makes the change set');
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
