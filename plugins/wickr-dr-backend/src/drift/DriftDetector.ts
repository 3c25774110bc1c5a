import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DetectStackDriftCommand,
  paginateDescribeStackResourceDrifts,
  Stack,
  StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import {
  applySuppressions,
  DriftResult,
  ResourceDrift,
  stackDriftStatus,
  SuppressionRule,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** The stack statuses CloudFormation can check drift in. */
const DRIFTABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED']);

export interface DriftClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export interface DriftDetectorOptions {
  /** Reuse CloudFormation's own result when its last check is this recent. */
  reuseWithinMs: number;
  /** Give up on one detection after this long. */
  timeoutMs: number;
  suppressions: SuppressionRule[];
}

class DetectionTimeout extends Error {}

function toResourceDrift(drift: StackResourceDrift): ResourceDrift {
  return {
    logicalId: drift.LogicalResourceId!,
    type: drift.ResourceType!,
    physicalId: drift.PhysicalResourceId,
    status: (drift.StackResourceDriftStatus ?? 'UNKNOWN') as ResourceDrift['status'],
    differences: (drift.PropertyDifferences ?? []).map(d => ({
      path: d.PropertyPath!,
      expected: d.ExpectedValue,
      actual: d.ActualValue,
      kind: d.DifferenceType!,
    })),
  };
}

/**
 * Checks one stack for drift: reuses a recent result of CloudFormation's own, or
 * starts a detection and waits for it with jittered backoff, then reads every
 * resource's differences. The client it is given paces its calls (see pacedClient).
 * A failed or timed-out detection is reported as CHECK_FAILED with whatever partial
 * results it has, never as in sync.
 */
export class DriftDetector {
  constructor(
    private readonly cloudformation: CloudFormationClient,
    private readonly clock: DriftClock,
    private readonly options: DriftDetectorOptions,
  ) {}

  async check(stack: Stack): Promise<DriftResult> {
    const status = stack.StackStatus!;
    if (!DRIFTABLE.has(status)) {
      return this.result(
        'UNKNOWN',
        [],
        false,
        `the stack is ${status}; CloudFormation checks drift only of stacks in ${[...DRIFTABLE].join(', ')}`,
      );
    }
    const info = stack.DriftInformation;
    const lastCheck = info?.LastCheckTimestamp?.getTime();
    const recent = lastCheck !== undefined && this.clock.now() - lastCheck <= this.options.reuseWithinMs;
    if (recent && (info!.StackDriftStatus === 'IN_SYNC' || info!.StackDriftStatus === 'DRIFTED')) {
      const resources = await this.resourceDrifts(stack.StackId!);
      return this.classify(resources, 'complete', true);
    }
    return this.detect(stack.StackId!);
  }

  private async detect(stackId: string): Promise<DriftResult> {
    const { StackDriftDetectionId } = await this.cloudformation.send(
      new DetectStackDriftCommand({ StackName: stackId }),
    );
    let outcome;
    try {
      outcome = await this.waitForDetection(StackDriftDetectionId!);
    } catch (error) {
      if (error instanceof DetectionTimeout) {
        return this.result('CHECK_FAILED', [], false, error.message);
      }
      throw error;
    }
    const resources = await this.resourceDrifts(stackId);
    if (outcome.DetectionStatus === 'DETECTION_FAILED') {
      return this.classify(
        resources,
        'failed',
        false,
        `detection failed: ${outcome.DetectionStatusReason ?? 'no reason given'}`,
      );
    }
    return this.classify(resources, outcome.StackDriftStatus === 'UNKNOWN' ? 'unknown' : 'complete', false);
  }

  private async waitForDetection(detectionId: string) {
    const deadline = this.clock.now() + this.options.timeoutMs;
    let delay = 10_000;
    for (;;) {
      await this.clock.sleep(
        Math.min(delay * (0.75 + this.clock.random() * 0.5), Math.max(0, deadline - this.clock.now())),
      );
      const status = await this.cloudformation.send(
        new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }),
      );
      if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') return status;
      if (this.clock.now() >= deadline) {
        throw new DetectionTimeout(
          `detection did not finish within ${Math.round(this.options.timeoutMs / 60_000)} minutes`,
        );
      }
      delay = Math.min(delay * 1.5, 20_000);
    }
  }

  private async resourceDrifts(stackId: string): Promise<ResourceDrift[]> {
    const drifts: StackResourceDrift[] = [];
    const pages = paginateDescribeStackResourceDrifts(
      { client: this.cloudformation, pageSize: 100 },
      { StackName: stackId },
    );
    for await (const page of pages) drifts.push(...(page.StackResourceDrifts ?? []));
    return drifts.map(toResourceDrift).map(r => applySuppressions(r, this.options.suppressions));
  }

  private classify(
    resources: ResourceDrift[],
    detection: 'complete' | 'failed' | 'unknown',
    reused: boolean,
    reason?: string,
  ) {
    const { status } = stackDriftStatus(resources, detection);
    return this.result(status, resources, reused, reason);
  }

  private result(
    status: DriftResult['status'],
    resources: ResourceDrift[],
    reused: boolean,
    reason?: string,
  ): DriftResult {
    return {
      status,
      driftedResources: stackDriftStatus(resources, 'complete').driftedResources,
      checkedAt: new Date(this.clock.now()).toISOString(),
      reused,
      ...(reason && { reason }),
      resources,
    };
  }
}
