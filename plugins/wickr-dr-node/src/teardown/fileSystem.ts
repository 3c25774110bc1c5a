import {
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeMountTargetsCommand,
  EFSClient,
  paginateDescribeMountTargets,
} from '@aws-sdk/client-efs';
import { checkExceptions, createWaiter, WaiterState } from '@smithy/core/client';
import { couldNot, isAwsError } from './errors';

/** Mount targets take a minute or so to go; the waiter gives them ten. */
const MOUNT_TARGETS_GONE_WAIT_S = 600;

/** Delete an EFS file system: its mount targets first (waiting for them), then the file system. */
export async function deleteFileSystem(efs: EFSClient, fileSystemId: string): Promise<'deleted' | 'absent'> {
  try {
    const mountTargets = await mountTargetsOf(efs, fileSystemId);
    if (mountTargets === 'absent') return 'absent';
    await Promise.all(mountTargets.map(id => deleteMountTarget(efs, id)));
    if (mountTargets.length) await waitUntilNoMountTargets(efs, fileSystemId);
    await efs.send(new DeleteFileSystemCommand({ FileSystemId: fileSystemId }));
    return 'deleted';
  } catch (error) {
    if (isAwsError(error, 'FileSystemNotFound')) return 'absent';
    throw couldNot(`delete EFS file system '${fileSystemId}'`, error);
  }
}

async function mountTargetsOf(efs: EFSClient, fileSystemId: string): Promise<string[] | 'absent'> {
  const ids: string[] = [];
  try {
    for await (const page of paginateDescribeMountTargets({ client: efs }, { FileSystemId: fileSystemId })) {
      for (const target of page.MountTargets ?? []) if (target.LifeCycleState !== 'deleted') ids.push(target.MountTargetId!);
    }
  } catch (error) {
    if (isAwsError(error, 'FileSystemNotFound')) return 'absent';
    throw error;
  }
  return ids;
}

async function deleteMountTarget(efs: EFSClient, mountTargetId: string): Promise<void> {
  try {
    await efs.send(new DeleteMountTargetCommand({ MountTargetId: mountTargetId }));
  } catch (error) {
    if (!isAwsError(error, 'MountTargetNotFound')) throw error;
  }
}

/** The SDK's waiter machinery (EFS ships no waiter for this), polling DescribeMountTargets. */
async function waitUntilNoMountTargets(efs: EFSClient, fileSystemId: string): Promise<void> {
  const result = await createWaiter(
    { client: efs, maxWaitTime: MOUNT_TARGETS_GONE_WAIT_S, minDelay: 2, maxDelay: 15 },
    { FileSystemId: fileSystemId },
    async (client, input) => {
      try {
        const { MountTargets = [] } = await client.send(new DescribeMountTargetsCommand(input));
        return { state: MountTargets.some(t => t.LifeCycleState !== 'deleted') ? WaiterState.RETRY : WaiterState.SUCCESS };
      } catch (error) {
        if (isAwsError(error, 'FileSystemNotFound')) return { state: WaiterState.SUCCESS };
        throw error;
      }
    },
  );
  checkExceptions(result);
}
