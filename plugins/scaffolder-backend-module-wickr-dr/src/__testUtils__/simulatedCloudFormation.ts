/**
 * A simulated CloudFormation for tests and benchmarks: one region, a virtual clock,
 * change sets, and operations that unfold as scripted timelines of resource events.
 * It reproduces what moto cannot: per-resource events, rollbacks, throttling and
 * stacks stuck in failed states. Install it on an aws-sdk-client-mock with
 * {@link installSimulation}, or use {@link SimulatedCloudFormation.send} directly.
 */
import type { Stack, StackEvent } from '@aws-sdk/client-cloudformation';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** A resource's part in an operation: when it starts and ends (ms after execution), and how. */
export interface ResourceStep {
  logicalId: string;
  type: string;
  startMs: number;
  endMs: number;
  /** FAILED with this reason instead of COMPLETE. */
  failWith?: string;
}

/** How an executed change set plays out. */
export interface OperationScript {
  steps: ResourceStep[];
  /** Final stack status; by default derived from the steps (a failure rolls back). */
  finalStatus?: string;
  /** When the stack reaches its final status, ms after execution (default: after the last step). */
  endMs?: number;
}

export class SimulatedError extends Error {
  constructor(name: string, message: string, readonly $metadata = { httpStatusCode: 400 }) {
    super(message);
    this.name = name;
  }
}

interface SimChangeSet {
  id: string;
  name: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  clientToken?: string;
  createdAt: number;
  status: 'CREATE_PENDING' | 'CREATE_COMPLETE' | 'FAILED';
  statusReason?: string;
  executionStatus: string;
  changes: number;
  tags: Record<string, string>;
  parameters: Record<string, string>;
  templateBody?: string;
  retainExceptOnCreate?: boolean;
}

interface SimStack {
  id: string;
  name: string;
  status: string;
  statusReason?: string;
  createdAt: number;
  updatedAt?: number;
  changeSetId?: string;
  outputs: Record<string, string>;
  events: StackEvent[];
  terminationProtection: boolean;
  tags: Record<string, string>;
  parameters: Record<string, string>;
  templateBody?: string;
}

export class SimulatedCloudFormation {
  private virtualNow = Date.UTC(2026, 10, 28, 12, 0, 0);

  /**
   * @param realTime - follow the real clock instead of the virtual one, for code that
   *   sleeps for real (a whole scaffolder task); keep step durations short then.
   */
  constructor(private readonly realTime = false) {}

  /** Milliseconds since the epoch on the simulation's clock. */
  get now(): number {
    return this.realTime ? Date.now() : this.virtualNow;
  }
  readonly calls: Array<{ operation: string; input: any; at: number }> = [];
  readonly stacks = new Map<string, SimStack>();
  readonly changeSets = new Map<string, SimChangeSet>();
  /** Throws ThrottlingException for a call when it returns true. */
  throttle: (operation: string, callIndex: number) => boolean = () => false;
  /** Script for the next executed change set. */
  nextOperation: OperationScript = { steps: [] };
  /** How long a change set takes to create. */
  changeSetDelayMs = 3_000;
  /** Resource changes a new change set reports (by default, the script's step count). */
  changeCount?: number;
  /** Make change sets report "no changes". */
  emptyChangeSets = false;
  /** The changes new change sets report, as DescribeChangeSet answers them (instead of the script's steps). */
  changes?: any[];
  /** Resources whose deletion fails, with the reason; the stack then ends DELETE_FAILED. */
  deleteFails: Array<{ logicalId: string; type: string; reason: string }> = [];
  /** Outputs a stack gets when its operation completes. */
  outputs: Record<string, string> = {};
  private seq = 0;

  /** Waits on the simulation's clock. */
  sleep = async (ms: number) => {
    if (this.realTime) await new Promise(resolve => setTimeout(resolve, ms));
    else this.virtualNow += ms;
  };

  callsTo(operation: string) {
    return this.calls.filter(c => c.operation === operation);
  }

  /** A stack that already exists in a given state, as if left by earlier runs. */
  seedStack(name: string, status: string, extra: Partial<SimStack> = {}): SimStack {
    const stack: SimStack = {
      id: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/${this.uuid()}`,
      name,
      status,
      createdAt: this.now - 86_400_000,
      outputs: {},
      events: [],
      terminationProtection: false,
      tags: { 'wickr-dr:deployment': 'prod' },
      parameters: {},
      ...extra,
    };
    this.stacks.set(name, stack);
    return stack;
  }

  async send(operation: string, input: any): Promise<any> {
    this.calls.push({ operation, input, at: this.now });
    if (this.throttle(operation, this.calls.length - 1)) {
      throw new SimulatedError('ThrottlingException', 'Rate exceeded', { httpStatusCode: 400 });
    }
    const handler = (this as any)[`on${operation}`];
    if (!handler) throw new Error(`the simulation does not implement ${operation}`);
    return handler.call(this, input);
  }

  private uuid() {
    return `00000000-0000-4000-8000-${String(++this.seq).padStart(12, '0')}`;
  }

  private find(nameOrId: string): SimStack | undefined {
    return [...this.stacks.values()].find(s => s.name === nameOrId || s.id === nameOrId);
  }

  private mustFind(nameOrId: string): SimStack {
    const stack = this.find(nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE') {
      throw new SimulatedError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  private event(stack: SimStack, at: number, logicalId: string, type: string, status: string, token?: string, reason?: string) {
    stack.events.push({
      StackId: stack.id,
      StackName: stack.name,
      EventId: this.uuid(),
      LogicalResourceId: logicalId,
      PhysicalResourceId: logicalId === stack.name ? stack.id : `${logicalId.toLowerCase()}-physical`,
      ResourceType: type,
      ResourceStatus: status as any,
      ResourceStatusReason: reason,
      Timestamp: new Date(at),
      ClientRequestToken: token,
    });
  }

  /** Applies the stack status changes whose time has come. */
  private settle(stack: SimStack) {
    const due = stack.events.filter(e => e.LogicalResourceId === stack.name && e.Timestamp!.getTime() <= this.now);
    const last = due[due.length - 1];
    if (last) stack.status = last.ResourceStatus!;
    if (stack.status.endsWith('_COMPLETE') && !stack.status.includes('ROLLBACK') && stack.status !== 'DELETE_COMPLETE') {
      stack.outputs = { ...this.outputs };
    }
  }

  private toStack(stack: SimStack): Stack {
    return {
      StackId: stack.id,
      StackName: stack.name,
      StackStatus: stack.status as any,
      StackStatusReason: stack.statusReason,
      CreationTime: new Date(stack.createdAt),
      LastUpdatedTime: stack.updatedAt ? new Date(stack.updatedAt) : undefined,
      ChangeSetId: stack.changeSetId,
      EnableTerminationProtection: stack.terminationProtection,
      Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
      Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
      Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    };
  }

  onDescribeStacks({ StackName }: any) {
    const stack = this.mustFind(StackName);
    this.settle(stack);
    if (stack.status === 'DELETE_COMPLETE') this.mustFind('');
    return { Stacks: [this.toStack(stack)] };
  }

  onCreateChangeSet(input: any) {
    const existing = [...this.changeSets.values()].find(c => c.clientToken && c.clientToken === input.ClientToken);
    if (existing) return { Id: existing.id, StackId: existing.stackId };
    let stack = this.find(input.StackName);
    if (stack?.status === 'DELETE_COMPLETE') stack = undefined;
    if (input.ChangeSetType === 'UPDATE' && !stack) {
      throw new SimulatedError('ValidationError', `Stack [${input.StackName}] does not exist`);
    }
    if (input.ChangeSetType === 'CREATE') {
      if (stack) throw new SimulatedError('AlreadyExistsException', `Stack [${input.StackName}] already exists`);
      stack = this.seedStack(input.StackName, 'REVIEW_IN_PROGRESS', { createdAt: this.now, tags: {} });
    }
    if ([...this.changeSets.values()].some(c => c.name === input.ChangeSetName && c.stackId === stack!.id)) {
      throw new SimulatedError('AlreadyExistsException', `ChangeSet [${input.ChangeSetName}] already exists`);
    }
    const id = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${input.ChangeSetName}/${this.uuid()}`;
    this.changeSets.set(id, {
      id,
      name: input.ChangeSetName,
      stackId: stack!.id,
      type: input.ChangeSetType,
      clientToken: input.ClientToken,
      createdAt: this.now,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      changes: this.changes?.length ?? this.changeCount ?? this.nextOperation.steps.length,
      tags: Object.fromEntries((input.Tags ?? []).map((t: any) => [t.Key, t.Value])),
      parameters: Object.fromEntries(
        (input.Parameters ?? []).map((p: any) => [p.ParameterKey, p.UsePreviousValue ? stack!.parameters[p.ParameterKey] : p.ParameterValue]),
      ),
      templateBody: input.UsePreviousTemplate ? stack!.templateBody : input.TemplateBody,
    });
    return { Id: id, StackId: stack!.id };
  }

  private findChangeSet(input: any): SimChangeSet {
    const byId = this.changeSets.get(input.ChangeSetName);
    const stack = input.StackName ? this.find(input.StackName) : undefined;
    const byName = [...this.changeSets.values()].find(c => c.name === input.ChangeSetName && c.stackId === stack?.id);
    const changeSet = byId ?? byName;
    if (!changeSet) throw new SimulatedError('ChangeSetNotFoundException', `ChangeSet [${input.ChangeSetName}] does not exist`);
    if (changeSet.status === 'CREATE_PENDING' && this.now - changeSet.createdAt >= this.changeSetDelayMs) {
      if (this.emptyChangeSets) {
        changeSet.status = 'FAILED';
        changeSet.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
      } else {
        changeSet.status = 'CREATE_COMPLETE';
        changeSet.executionStatus = 'AVAILABLE';
      }
    }
    return changeSet;
  }

  onDescribeChangeSet(input: any) {
    const changeSet = this.findChangeSet(input);
    const stack = this.find(changeSet.stackId)!;
    const scripted = this.changes && changeSet.status === 'CREATE_COMPLETE' ? this.changes : undefined;
    const all = scripted ?? Array.from({ length: changeSet.status === 'CREATE_COMPLETE' ? changeSet.changes : 0 }, (_, i) => ({
      Type: 'Resource' as const,
      ResourceChange: {
        Action: changeSet.type === 'CREATE' ? 'Add' : 'Modify',
        LogicalResourceId: this.nextOperation.steps[i]?.logicalId ?? `Resource${i}`,
        ResourceType: this.nextOperation.steps[i]?.type ?? 'AWS::SNS::Topic',
        Replacement: i === 0 && changeSet.type === 'UPDATE' ? 'True' : 'False',
      },
    }));
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = all.slice(start, start + 100);
    return {
      ChangeSetId: changeSet.id,
      ChangeSetName: changeSet.name,
      StackId: stack.id,
      StackName: stack.name,
      Status: changeSet.status,
      StatusReason: changeSet.statusReason,
      ExecutionStatus: changeSet.executionStatus,
      CreationTime: new Date(changeSet.createdAt),
      Parameters: Object.entries(changeSet.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
      Tags: Object.entries(changeSet.tags).map(([Key, Value]) => ({ Key, Value })),
      Changes: page,
      NextToken: start + 100 < all.length ? String(start + 100) : undefined,
    };
  }

  onExecuteChangeSet(input: any) {
    const changeSet = this.findChangeSet(input);
    if (changeSet.executionStatus !== 'AVAILABLE') {
      throw new SimulatedError('InvalidChangeSetStatusException', `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${changeSet.executionStatus}]`);
    }
    const stack = this.find(changeSet.stackId)!;
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw new SimulatedError('InvalidChangeSetStatusException', `Stack:${stack.id} is in ${stack.status} state and can not be updated.`);
    }
    changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
    changeSet.retainExceptOnCreate = input.RetainExceptOnCreate;
    stack.changeSetId = changeSet.id;
    stack.tags = changeSet.tags;
    stack.parameters = changeSet.parameters;
    stack.templateBody = changeSet.templateBody;
    stack.updatedAt = changeSet.type === 'UPDATE' ? this.now : undefined;
    this.play(stack, changeSet.type, input.ClientRequestToken);
    return {};
  }

  /** Writes the operation's events into the stack's future. */
  private play(stack: SimStack, type: 'CREATE' | 'UPDATE', token: string) {
    const t0 = this.now;
    const { steps, finalStatus, endMs } = this.nextOperation;
    const verb = type;
    this.event(stack, t0, stack.name, 'AWS::CloudFormation::Stack', `${verb}_IN_PROGRESS`, token, 'User Initiated');
    stack.status = `${verb}_IN_PROGRESS`;
    const failed = steps.filter(s => s.failWith);
    const firstFailureAt = failed.length ? Math.min(...failed.map(s => s.endMs)) : Infinity;
    for (const step of steps) {
      if (step.startMs > firstFailureAt) continue;
      this.event(stack, t0 + step.startMs, step.logicalId, step.type, `${verb}_IN_PROGRESS`, token);
      if (step.failWith) {
        this.event(stack, t0 + step.endMs, step.logicalId, step.type, `${verb}_FAILED`, token, step.failWith);
      } else if (step.endMs > firstFailureAt) {
        this.event(stack, t0 + firstFailureAt + 500, step.logicalId, step.type, `${verb}_FAILED`, token, `Resource ${verb === 'CREATE' ? 'creation' : 'update'} cancelled`);
      } else {
        this.event(stack, t0 + step.endMs, step.logicalId, step.type, `${verb}_COMPLETE`, token);
      }
    }
    const lastEnd = Math.max(0, ...steps.map(s => s.endMs));
    const end = t0 + (endMs ?? lastEnd + 1_000);
    const rolledBack = verb === 'CREATE' ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
    const final = finalStatus ?? (failed.length ? rolledBack : `${verb}_COMPLETE`);
    if (final.includes('ROLLBACK')) {
      this.event(stack, t0 + firstFailureAt + 1_000, stack.name, 'AWS::CloudFormation::Stack', verb === 'CREATE' ? 'ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_IN_PROGRESS', token, `The following resource(s) failed to ${verb.toLowerCase()}: [${failed.map(s => s.logicalId).join(', ')}].`);
    }
    const finalAt = failed.length ? t0 + firstFailureAt + 30_000 : end;
    this.event(stack, finalAt, stack.name, 'AWS::CloudFormation::Stack', final, token);
  }

  onDescribeStackEvents({ StackName, NextToken }: any) {
    const stack = this.mustFind(StackName);
    const visible = stack.events.filter(e => e.Timestamp!.getTime() <= this.now).reverse();
    const start = NextToken ? Number(NextToken) : 0;
    return {
      StackEvents: visible.slice(start, start + 100),
      NextToken: start + 100 < visible.length ? String(start + 100) : undefined,
    };
  }

  onListChangeSets({ StackName }: any) {
    const stack = this.mustFind(StackName);
    return {
      Summaries: [...this.changeSets.values()]
        .filter(c => c.stackId === stack.id)
        .map(c => ({ ChangeSetId: c.id, ChangeSetName: c.name, StackId: c.stackId, Status: c.status, ExecutionStatus: c.executionStatus })),
    };
  }

  onGetTemplate({ StackName }: any) {
    const stack = this.mustFind(StackName);
    return { TemplateBody: stack.templateBody ?? JSON.stringify({ Resources: {} }) };
  }

  onDeleteChangeSet(input: any) {
    this.changeSets.delete(this.findChangeSet(input).id);
    return {};
  }

  onDeleteStack({ StackName, ClientRequestToken }: any) {
    const stack = this.mustFind(StackName);
    if (stack.terminationProtection) {
      throw new SimulatedError('ValidationError', `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
    }
    this.event(stack, this.now, stack.name, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', ClientRequestToken);
    for (const failure of this.deleteFails) {
      this.event(stack, this.now + 2_000, failure.logicalId, failure.type, 'DELETE_FAILED', ClientRequestToken, failure.reason);
    }
    const end = this.deleteFails.length ? 'DELETE_FAILED' : 'DELETE_COMPLETE';
    this.event(stack, this.now + 5_000, stack.name, 'AWS::CloudFormation::Stack', end, ClientRequestToken);
    stack.status = 'DELETE_IN_PROGRESS';
    return {};
  }

  onCancelUpdateStack({ StackName, ClientRequestToken }: any) {
    const stack = this.mustFind(StackName);
    this.settle(stack);
    if (stack.status !== 'UPDATE_IN_PROGRESS') {
      throw new SimulatedError('ValidationError', `CancelUpdateStack cannot be called from current stack status ${stack.status}`);
    }
    // Everything scheduled from now on is replaced by a rollback.
    stack.events = stack.events.filter(e => e.Timestamp!.getTime() <= this.now);
    this.event(stack, this.now + 1_000, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', ClientRequestToken, 'Stack update cancelled');
    this.event(stack, this.now + 30_000, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE', ClientRequestToken);
    return {};
  }

  onUpdateTerminationProtection({ StackName, EnableTerminationProtection }: any) {
    const stack = this.mustFind(StackName);
    stack.terminationProtection = EnableTerminationProtection;
    return { StackId: stack.id };
  }
}
