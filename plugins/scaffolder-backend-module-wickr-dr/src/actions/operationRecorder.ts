import type { AuthService, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { operationDetail, type OperationKind, type OperationRecord } from '@wickr-dr/backstage-plugin-wickr-dr-common';

export type OperationEntry = Pick<OperationRecord, 'operation' | 'by' | 'outcome' | 'detail' | 'taskId'>;

/** Where day-two operations are recorded: the wickr-dr backend plugin keeps them. */
export interface OperationRecorder {
  record(entityRef: string, entry: OperationEntry): Promise<void>;
}

/** Records nothing (tests, and a portal without the backend plugin). */
export const noRecords: OperationRecorder = { record: async () => undefined };

/**
 * Records an operation with the wickr-dr backend plugin, as the scaffolder plugin (a
 * service token), for the user who started the task. A record that cannot be written
 * is a warning: the operation itself is what matters.
 */
export class BackendOperationRecorder implements OperationRecorder {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService; logger: LoggerService }) {}

  async record(entityRef: string, entry: OperationEntry): Promise<void> {
    try {
      const { namespace, name } = parseEntityRef(entityRef);
      const { token } = await this.deps.auth.getPluginRequestToken({
        onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
        targetPluginId: 'wickr-dr',
      });
      const url = `${await this.deps.discovery.getBaseUrl('wickr-dr')}/v1/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/operations`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(entry),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
    } catch (error) {
      this.deps.logger.warn(`Could not record the ${entry.operation} of ${entityRef}: ${(error as Error).message}`);
    }
  }
}

/** Records an operation's start and its end, succeeded or failed with the reason. */
export async function recorded<T>(
  recorder: OperationRecorder,
  entityRef: string,
  entry: { operation: OperationKind; by?: string; taskId?: string; detail?: string },
  work: () => Promise<T>,
  describe: (result: T) => string | undefined = () => undefined,
): Promise<T> {
  const by = entry.by ?? 'user:default/unknown';
  const base = { operation: entry.operation, by, ...(entry.taskId && { taskId: entry.taskId }) };
  await recorder.record(entityRef, { ...base, outcome: 'started', ...(entry.detail && { detail: operationDetail(entry.detail) }) });
  try {
    const result = await work();
    const detail = describe(result);
    await recorder.record(entityRef, { ...base, outcome: 'succeeded', ...(detail && { detail: operationDetail(detail) }) });
    return result;
  } catch (error) {
    await recorder.record(entityRef, { ...base, outcome: 'failed', detail: operationDetail(String((error as Error)?.message ?? error)) });
    throw error;
  }
}
