import { NOT_ONE_LINE } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { OperationEntry, OperationRecorder, recorded } from './operationRecorder';

const REF = 'resource:default/acme-123456789012-use1';

function memoryRecorder() {
  const entries: OperationEntry[] = [];
  const recorder: OperationRecorder = { record: async (_ref, entry) => void entries.push(entry) };
  return { entries, recorder };
}

describe('recorded: an operation recorded around its work', () => {
  it('records the start and the success with what the work describes', async () => {
    const { entries, recorder } = memoryRecorder();
    const result = await recorded(recorder, REF, { operation: 'stop', by: 'user:default/alice' }, async () => 3, n => `${n} changes`);

    expect(result).toBe(3);
    expect(entries.map(e => [e.outcome, e.detail])).toEqual([['started', undefined], ['succeeded', '3 changes']]);
    expect(entries.every(e => e.by === 'user:default/alice' && e.operation === 'stop')).toBe(true);
  });

  it('records a failure as one line the backend accepts, and rethrows it unchanged', async () => {
    const { entries, recorder } = memoryRecorder();
    const error = new Error('DeleteStack on https://cloudformation.us-east-1.amazonaws.com:\taccess denied\r\n    at handler');

    await expect(recorded(recorder, REF, { operation: 'teardown' }, async () => Promise.reject(error))).rejects.toBe(error);
    const failed = entries.find(e => e.outcome === 'failed')!;
    expect(failed.detail).toBe('DeleteStack on https://cloudformation.us-east-1.amazonaws.com: access denied');
    expect(NOT_ONE_LINE.test(failed.detail!)).toBe(false);
    expect(failed.by).toBe('user:default/unknown');
  });
});
