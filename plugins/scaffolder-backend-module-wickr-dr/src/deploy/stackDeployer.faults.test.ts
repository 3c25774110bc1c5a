// wickr-dr:stack:deploy against moto_server behind the fault proxy (both on loopback): the
// real SDK with the portal's retry strategy (adaptive, 3 attempts a call, faultAwsClients),
// faults injected on the wire, and moto's own state read after each run: how many stacks and
// change sets there are and whether the change set was executed once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  FaultProxy,
  FaultRule,
  MotoServer,
  motoClientConfig,
  motoSizedTemplate,
  startFaultProxy,
  startMoto,
} from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { faultAwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node/testUtils';
import { renderOptions, testAccess } from '../__testUtils__/access';
import { CheckpointStore } from '../__testUtils__/deployHarness';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';
import { TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';
import { createDeployStackAction } from '../actions/deployStack';
import { createRenderDeploymentAction } from '../actions/renderDeployment';

const TEMPLATE = JSON.stringify(
  motoSizedTemplate(parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'))),
);
const target = { stackName: 'wickr-dr-prod', region: 'us-east-1' };
const deployment = { ...target, deployName: 'prod', botName: 'compliance_1_bot', owner: 'group:default/ops' };
const PAGE = 'HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" (3 attempts)';

describe('wickr-dr:stack:deploy with faults (moto_server behind the fault proxy)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let cloudformation: CloudFormationClient;
  let workspacePath: string;
  let task = 0;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ target: moto.endpoint });
    cloudformation = new CloudFormationClient(motoClientConfig(moto));
    workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'wickr-dr-faults-'));
    fs.mkdirSync(path.join(workspacePath, 'cloudformation'));
    fs.writeFileSync(path.join(workspacePath, 'cloudformation/wickr-dr-bot.yaml'), TEMPLATE);
    await createRenderDeploymentAction(renderOptions).handler(createMockActionContext({ input: deployment, workspacePath }) as any);
  });
  afterAll(async () => {
    cloudformation?.destroy();
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    proxy.reset();
  });

  /**
   * The deploy step with its AWS calls through the proxy, on a fast clock (a poll's wait
   * takes 5 ms, the clock moves on by all of it). The same `checkpoints` make a retried task.
   */
  async function deploy(faults: FaultRule[], checkpoints = new CheckpointStore(), taskId = `task-${++task}`) {
    faults.forEach(f => proxy.inject(f));
    let ahead = 0;
    const clock = {
      now: () => Date.now() + ahead,
      sleep: async (ms: number) => {
        ahead += ms;
        await new Promise(r => setTimeout(r, 5));
      },
    };
    const action = createDeployStackAction({
      awsClients: faultAwsClients(proxy),
      access: testAccess().access,
      allowedImages: renderOptions.allowedImages,
      locks: new InMemoryStackLocks(),
      // moto does not implement termination protection.
      defaults: { timeoutMinutes: 5, terminationProtection: false },
      clock,
    });
    const ctx = createMockActionContext({
      input: target,
      workspacePath,
      secrets: { botPassword: 'Initial-Moto-Password-4410' },
      task: { id: taskId },
    } as any);
    Object.assign(ctx, { checkpoint: checkpoints.checkpoint });
    const errors: string[] = [];
    ctx.logger.error = ((m: string) => errors.push(m)) as any;
    const outcome = await action.handler(ctx as any).then(
      () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
      (e: Error) => e,
    );
    return { outcome, errors, checkpoints, taskId };
  }

  /** What moto holds: every stack and change set by name and status. */
  const motoState = async () => ({
    stacks: (await cloudformation.send(new DescribeStacksCommand({}))).Stacks!.map(s => [s.StackName, s.StackStatus]),
    changeSets: ((await cloudformation.send(new ListChangeSetsCommand({ StackName: target.stackName }))).Summaries ?? []).map(c => [
      c.ChangeSetName!.replace(/-[0-9a-f]{8}$/, ''),
      c.ExecutionStatus,
    ]),
  });
  const sent = (operation: string) => proxy.calls().filter(c => c.operation === operation);
  const errorOf = (outcome: unknown) => {
    expect(outcome).toBeInstanceOf(Error);
    return (outcome as Error).message;
  };

  it('creates the stack once through throttling, a 5xx, resets, a slow answer and an HTML page within the budget', async () => {
    const { outcome } = await deploy([
      { operation: 'DescribeStacks', fault: 'reset' },
      { operation: 'DescribeChangeSet', fault: 'slow', delayMs: 100 },
      { operation: 'ExecuteChangeSet', fault: 'server-error' },
      { operation: 'ExecuteChangeSet', fault: 'reset', afterForward: true },
      { operation: 'DescribeStackEvents', fault: 'html' },
      // The last call, so that the pacing that follows a throttle costs little time.
      { operation: 'DescribeStacks', fault: 'throttle', skip: 2 },
    ]);
    expect(outcome).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(await motoState()).toEqual({
      stacks: [['wickr-dr-prod', 'CREATE_COMPLETE']],
      changeSets: [[`wickr-dr-task${task}-a1`, 'EXECUTE_COMPLETE']],
    });
    expect(sent('CreateChangeSet')).toHaveLength(1);
    // One ExecuteChangeSet request sent three times by the SDK (a 500, an answer lost, then moto's answer): one token.
    const executes = sent('ExecuteChangeSet');
    expect(executes.map(c => c.status)).toEqual([500, 0, 200]);
    expect(new Set(executes.map(c => c.token)).size).toBe(1);
  });

  it('retries a CreateChangeSet whose answer was lost with the same name and client token', async () => {
    const { outcome } = await deploy([{ operation: 'CreateChangeSet', fault: 'reset', afterForward: true }]);
    expect(outcome).toMatchObject({ status: 'CREATE_COMPLETE' });
    const creates = sent('CreateChangeSet');
    expect(creates.map(c => c.status)).toEqual([0, 200]);
    // CloudFormation answers the same ClientToken with the change set it already made. moto
    // ignores ClientToken: it makes a second stack of the same name, which is left as it is.
    expect(creates[0].token).toEqual(creates[1].token);
    expect(await motoState()).toEqual({
      stacks: [
        ['wickr-dr-prod', 'REVIEW_IN_PROGRESS'],
        ['wickr-dr-prod', 'CREATE_COMPLETE'],
      ],
      changeSets: [
        [`wickr-dr-task${task}-a1`, 'AVAILABLE'],
        [`wickr-dr-task${task}-a1`, 'EXECUTE_COMPLETE'],
      ],
    });
  });

  it('fails in one line when the change set cannot be executed, says to retry, and the retried task executes that change set', async () => {
    const first = await deploy([{ operation: 'ExecuteChangeSet', fault: 'html', count: 3 }]);
    const name = `wickr-dr-task${task}-a1`;
    expect(errorOf(first.outcome)).toMatch(
      new RegExp(
        `^could not execute change set ${name}-[0-9a-f]{8}: CloudFormation ExecuteChangeSet at ${proxy.endpoint}/: HTTP 500 with a body that is not an AWS answer: "500 Internal Server Error" \\(3 attempts\\); the change set was made and is not known to have been executed: retry the task to go on with it \\(https://us-east-1\\.console\\.aws\\.amazon\\.com/cloudformation/[^ ]+\\)$`,
      ),
    );
    expect(first.errors).toEqual([errorOf(first.outcome)]);
    expect(sent('ExecuteChangeSet')).toHaveLength(3);
    expect(await motoState()).toEqual({ stacks: [['wickr-dr-prod', 'REVIEW_IN_PROGRESS']], changeSets: [[name, 'AVAILABLE']] });

    proxy.reset();
    const retried = await deploy([], first.checkpoints, first.taskId);
    expect(retried.outcome).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(sent('CreateChangeSet')).toHaveLength(0);
    expect(await motoState()).toEqual({ stacks: [['wickr-dr-prod', 'CREATE_COMPLETE']], changeSets: [[name, 'EXECUTE_COMPLETE']] });
  });

  it('fails in one line, with nothing made, when the stack cannot be read or the change set cannot be made', async () => {
    const unread = await deploy([{ operation: 'DescribeStacks', fault: 'html', count: 3 }]);
    expect(errorOf(unread.outcome)).toBe(`cannot read stack 'wickr-dr-prod': CloudFormation DescribeStacks at ${proxy.endpoint}/: ${PAGE}`);
    expect(proxy.calls().map(c => c.operation)).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);

    proxy.reset();
    const throttled = await deploy([{ operation: 'CreateChangeSet', fault: 'throttle', count: 3 }]);
    expect(errorOf(throttled.outcome)).toBe(
      `could not create a change set for stack 'wickr-dr-prod': CloudFormation CreateChangeSet at ${proxy.endpoint}/: Throttling: Rate exceeded (3 attempts); retry the task to try again (it sends the same change set name and client token, so CloudFormation never makes a second one)`,
    );
    expect(sent('CreateChangeSet').map(c => c.faulted)).toEqual(['throttle', 'throttle', 'throttle']);
    expect(await motoState()).toEqual({ stacks: [], changeSets: [] });
  });

  it('fails in one line when the change set cannot be read, and leaves it for the retried task', async () => {
    const { outcome } = await deploy([{ operation: 'DescribeChangeSet', fault: 'server-error', count: 3 }]);
    const name = `wickr-dr-task${task}-a1`;
    expect(errorOf(outcome)).toMatch(
      new RegExp(
        `^cannot read change set ${name}-[0-9a-f]{8}: CloudFormation DescribeChangeSet at ${proxy.endpoint}/: InternalFailure: The request processing has failed because of an unknown error\\. \\(3 attempts\\); the change set was made and is not known to have been executed: retry the task to go on with it$`,
      ),
    );
    expect(await motoState()).toEqual({ stacks: [['wickr-dr-prod', 'REVIEW_IN_PROGRESS']], changeSets: [[name, 'AVAILABLE']] });
  });

  it('says CloudFormation carries on when its events cannot be read after the change set ran', async () => {
    const { outcome } = await deploy([{ operation: 'DescribeStackEvents', fault: 'reset', count: 3 }]);
    expect(errorOf(outcome)).toMatch(
      new RegExp(
        `^cannot read the events of stack 'wickr-dr-prod': CloudFormation DescribeStackEvents at ${proxy.endpoint}/: the connection was reset \\(ECONNRESET\\) \\(3 attempts\\); CloudFormation carries on: retry the task to keep watching \\(https://[^ ]+\\)$`,
      ),
    );
    expect((await motoState()).stacks).toEqual([['wickr-dr-prod', 'CREATE_COMPLETE']]);
  });

  it('stops a throttled account at maxAttempts: three DescribeStacks, nothing else sent, nothing made', async () => {
    const { outcome } = await deploy([{ operation: '*', fault: 'throttle', count: 100 }]);
    expect(errorOf(outcome)).toBe(
      `cannot read stack 'wickr-dr-prod': CloudFormation DescribeStacks at ${proxy.endpoint}/: Throttling: Rate exceeded (3 attempts)`,
    );
    expect(proxy.calls().map(c => [c.operation, c.status])).toEqual([
      ['DescribeStacks', 400],
      ['DescribeStacks', 400],
      ['DescribeStacks', 400],
    ]);
    expect(await motoState()).toEqual({ stacks: [], changeSets: [] });
  });
});
