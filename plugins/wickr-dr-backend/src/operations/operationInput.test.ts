import { operationInput } from './operationInput';

const TASK = '5f0e2c1a-9b7d-4e3f-8a6b-1c2d3e4f5a6b';
const valid = { operation: 'preview', by: 'user:default/alice', outcome: 'succeeded' };

describe('operationInput', () => {
  it('takes a record with its optional detail and task', () => {
    expect(operationInput({ ...valid, detail: '3 resources to change, 1 replaced', taskId: TASK })).toEqual({
      ...valid,
      detail: '3 resources to change, 1 replaced',
      taskId: TASK,
    });
  });

  it('normalises the user ref and the task id, and leaves an empty detail out', () => {
    expect(operationInput({ ...valid, by: 'User:alice', detail: '', taskId: TASK.toUpperCase() })).toEqual({
      ...valid,
      taskId: TASK,
    });
  });

  it.each(['deploy', 'preview', 'apply', 'stop', 'start', 'teardown', 'retention'])('takes the operation %s', operation => {
    expect(operationInput({ ...valid, operation }).operation).toBe(operation);
  });

  it.each([
    [{ ...valid, operation: 'reboot' }, 'operation: must be one of deploy, preview, apply, stop, start, teardown, retention'],
    [{ ...valid, operation: undefined }, 'operation: must be one of'],
    [{ ...valid, outcome: 'done' }, 'outcome: must be one of started, succeeded, failed'],
    [{ ...valid, by: 'group:default/platform-team' }, 'by: must be the entity ref of a user, such as user:default/alice'],
    [{ ...valid, by: 'alice' }, 'by: must be the entity ref of a user'],
    [{ ...valid, by: 'user:default/<script>' }, 'by: must be the entity ref of a user'],
    [{ ...valid, by: 42 }, 'by: must be the entity ref of a user'],
    [{ ...valid, detail: 'a\nsecond line' }, 'detail: must be one line of at most 500 characters'],
    [{ ...valid, detail: 'bell\u0007' }, 'detail: must be one line'],
    [{ ...valid, detail: 'line\u2028separator' }, 'detail: must be one line'],
    [{ ...valid, detail: 'c1\u0085next line' }, 'detail: must be one line'],
    [{ ...valid, detail: 'x'.repeat(501) }, 'detail: must be one line of at most 500 characters'],
    [{ ...valid, detail: { text: 'x' } }, 'detail: must be one line'],
    [{ ...valid, taskId: '../../admin' }, 'taskId: must be the id of a scaffolder task (a UUID)'],
    [{ ...valid, at: '2020-01-01T00:00:00.000Z' }, '"at": is not a field of an operation record; its fields are operation, by, outcome, detail, taskId'],
    [[valid], 'the body must be a JSON object with operation, by, outcome, detail, taskId'],
    [undefined, 'the body must be a JSON object'],
  ])('refuses %j, naming the field and the rule', (body, message) => {
    expect(() => operationInput(body)).toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringContaining(message) }));
  });

  it('takes a detail of exactly 500 characters, counted as characters rather than UTF-16 units', () => {
    const detail = '🙂'.repeat(500);
    expect(operationInput({ ...valid, detail }).detail).toBe(detail);
  });
});
