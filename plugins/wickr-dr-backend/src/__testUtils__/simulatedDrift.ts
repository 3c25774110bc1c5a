/**
 * A simulated CloudFormation for drift detection, which moto does not implement:
 * stacks with scripted detections (duration, failure, resources and their
 * differences), a throttle of N calls a second, latency per call, and a record of
 * every call and of how many detections ran at once.
 */
import type { Stack, StackResourceDrift } from '@aws-sdk/client-cloudformation';
import { VirtualClock } from './VirtualClock';

export interface SimulatedStack {
  name: string;
  status?: string;
  /** CloudFormation's own last check, if any. */
  lastCheck?: { at: number; status: 'IN_SYNC' | 'DRIFTED' | 'NOT_CHECKED' | 'UNKNOWN' };
  resources: StackResourceDrift[];
  detection?: {
    durationMs?: number;
    /** DETECTION_FAILED with this reason, after reporting the first half of the resources. */
    failWith?: string;
    /** Never finishes. */
    hangs?: boolean;
    /** The stack-level result CloudFormation reports (default from the resources). */
    stackStatus?: 'IN_SYNC' | 'DRIFTED' | 'UNKNOWN';
  };
}

export class ThrottlingException extends Error {
  name = 'ThrottlingException';
  $metadata = { httpStatusCode: 400 };
  constructor() {
    super('Rate exceeded');
  }
}

/** The account the simulated stacks are in. */
export const SIMULATED_ACCOUNT = '123456789012';

export const stackArn = (name: string, region = 'us-east-1', accountId = SIMULATED_ACCOUNT) =>
  `arn:aws:cloudformation:${region}:${accountId}:stack/${name}/00000000-0000-4000-8000-000000000000`;

export class SimulatedDriftCloudFormation {
  readonly calls: Array<{ operation: string; at: number }> = [];
  throttled = 0;
  /** Calls allowed a second before ThrottlingException; Infinity for none. */
  throttlePerSecond = Infinity;
  latencyMs = 100;
  maxDetectionsAtOnce = 0;
  private readonly stacks: SimulatedStack[];
  private readonly detections = new Map<string, { stack: SimulatedStack; startedAt: number; observedDone: boolean }>();
  private readonly failures = new Map<string, Error>();
  private bucket: number;
  private bucketAt: number;

  constructor(stacks: SimulatedStack[], readonly clock: VirtualClock, readonly region = 'us-east-1') {
    this.stacks = stacks;
    this.bucket = Infinity;
    this.bucketAt = clock.now;
  }

  callsTo(operation: string) {
    return this.calls.filter(c => c.operation === operation).length;
  }

  private get running() {
    return [...this.detections.values()].filter(d => !d.observedDone).length;
  }

  /** The next call of an operation fails with this error (an outage, say). */
  failNext(operation: string, error: Error) {
    this.failures.set(operation, error);
  }

  async send(operation: string, input: any): Promise<any> {
    const failure = this.failures.get(operation);
    if (failure) {
      this.failures.delete(operation);
      throw failure;
    }
    this.refill();
    if (this.bucket < 1) {
      this.throttled++;
      await this.clock.sleep(this.latencyMs / 2);
      throw new ThrottlingException();
    }
    this.bucket -= 1;
    this.calls.push({ operation, at: this.clock.now });
    await this.clock.sleep(this.latencyMs);
    const handler = (this as any)[`on${operation}`];
    if (!handler) throw new Error(`not simulated: ${operation}`);
    return handler.call(this, input);
  }

  private refill() {
    if (this.throttlePerSecond === Infinity) {
      this.bucket = 1;
      return;
    }
    const now = this.clock.now;
    if (this.bucket === Infinity) this.bucket = this.throttlePerSecond;
    this.bucket = Math.min(
      this.throttlePerSecond,
      this.bucket + ((now - this.bucketAt) / 1000) * this.throttlePerSecond,
    );
    this.bucketAt = now;
  }

  private byId(id: string) {
    return this.stacks.find(s => stackArn(s.name, this.region) === id || s.name === id)!;
  }

  private driftStatusOf(stack: SimulatedStack) {
    return stack.resources.some(
      r => r.StackResourceDriftStatus === 'MODIFIED' || r.StackResourceDriftStatus === 'DELETED',
    )
      ? 'DRIFTED'
      : 'IN_SYNC';
  }

  onDescribeStacks({ NextToken }: any) {
    const all: Stack[] = this.stacks.map(s => ({
      StackName: s.name,
      StackId: stackArn(s.name, this.region),
      StackStatus: (s.status ?? 'UPDATE_COMPLETE') as any,
      CreationTime: new Date(0),
      DriftInformation: s.lastCheck
        ? { StackDriftStatus: s.lastCheck.status, LastCheckTimestamp: new Date(s.lastCheck.at) }
        : { StackDriftStatus: 'NOT_CHECKED' },
    }));
    const start = Number(NextToken ?? 0);
    return {
      Stacks: all.slice(start, start + 100),
      NextToken: start + 100 < all.length ? String(start + 100) : undefined,
    };
  }

  onDetectStackDrift({ StackName }: any) {
    const id = `detection-${this.detections.size + 1}`;
    this.detections.set(id, { stack: this.byId(StackName), startedAt: this.clock.now, observedDone: false });
    this.maxDetectionsAtOnce = Math.max(this.maxDetectionsAtOnce, this.running);
    return { StackDriftDetectionId: id };
  }

  onDescribeStackDriftDetectionStatus({ StackDriftDetectionId }: any) {
    const detection = this.detections.get(StackDriftDetectionId)!;
    const { stack } = detection;
    const spec = stack.detection ?? {};
    const done = !spec.hangs && this.clock.now - detection.startedAt >= (spec.durationMs ?? 20_000);
    if (!done) return { StackDriftDetectionId, DetectionStatus: 'DETECTION_IN_PROGRESS' };
    detection.observedDone = true;
    stack.lastCheck = { at: this.clock.now, status: spec.stackStatus ?? this.driftStatusOf(stack) };
    return spec.failWith
      ? {
          StackDriftDetectionId,
          DetectionStatus: 'DETECTION_FAILED',
          DetectionStatusReason: spec.failWith,
          StackDriftStatus: 'UNKNOWN',
        }
      : {
          StackDriftDetectionId,
          DetectionStatus: 'DETECTION_COMPLETE',
          StackDriftStatus: spec.stackStatus ?? this.driftStatusOf(stack),
        };
  }

  onDescribeStackResourceDrifts({ StackName, NextToken }: any) {
    const stack = this.byId(StackName);
    const resources = stack.detection?.failWith
      ? stack.resources.slice(0, Math.ceil(stack.resources.length / 2))
      : stack.resources;
    const start = Number(NextToken ?? 0);
    return {
      StackResourceDrifts: resources.slice(start, start + 100),
      NextToken: start + 100 < resources.length ? String(start + 100) : undefined,
    };
  }
}
