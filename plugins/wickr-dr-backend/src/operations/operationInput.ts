import { makeValidator, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  MAX_OPERATION_DETAIL_LENGTH,
  NOT_ONE_LINE,
  type OperationKind,
  type OperationRecord,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** What the scaffolder sends: a record without its deployment (the path names it) and its time (the backend's). */
export type OperationInput = Omit<OperationRecord, 'entityRef' | 'at'>;

// Records, so that the compiler notices a kind or an outcome added to the common types.
const KINDS: Record<OperationKind, true> = {
  deploy: true,
  preview: true,
  apply: true,
  stop: true,
  start: true,
  teardown: true,
  retention: true,
};
const OUTCOMES: Record<OperationRecord['outcome'], true> = { started: true, succeeded: true, failed: true };

export const OPERATION_KINDS = Object.keys(KINDS) as OperationKind[];
export const OPERATION_OUTCOMES = Object.keys(OUTCOMES) as Array<OperationRecord['outcome']>;

const FIELDS = ['operation', 'by', 'outcome', 'detail', 'taskId'];
export const MAX_DETAIL_LENGTH = MAX_OPERATION_DETAIL_LENGTH;
/** The scaffolder names its tasks with UUIDs. */
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REF_LENGTH = 255;

const validator = makeValidator();

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${field}: must be one of ${allowed.join(', ')}`);
}

/** `by`: a user's entity ref (`user:<namespace>/<name>`, the namespace default if left out), normalised. */
function userRef(value: unknown): string {
  const rule = 'by: must be the entity ref of a user, such as user:default/alice';
  if (typeof value !== 'string' || value.length > MAX_REF_LENGTH) throw new InputError(rule);
  let ref;
  try {
    ref = parseEntityRef(value);
  } catch {
    throw new InputError(rule);
  }
  const valid =
    ref.kind.toLocaleLowerCase('en-US') === 'user' &&
    validator.isValidNamespace(ref.namespace) &&
    validator.isValidEntityName(ref.name);
  if (!valid) throw new InputError(rule);
  return stringifyEntityRef(ref);
}

function detailLine(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ok = typeof value === 'string' && [...value].length <= MAX_DETAIL_LENGTH && !NOT_ONE_LINE.test(value);
  if (!ok) {
    throw new InputError(
      `detail: must be one line of at most ${MAX_DETAIL_LENGTH} characters, without line breaks or other control characters`,
    );
  }
  return value;
}

function taskId(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !TASK_ID.test(value)) {
    throw new InputError('taskId: must be the id of a scaffolder task (a UUID)');
  }
  return value.toLocaleLowerCase('en-US');
}

/**
 * The body of POST .../operations, checked field by field: each refusal is an
 * InputError (400) naming the field and its rule. Fields it does not know are refused,
 * so that a typo is not silently dropped.
 */
export function operationInput(body: unknown): OperationInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(`the body must be a JSON object with ${FIELDS.join(', ')} (detail and taskId optional)`);
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find(name => !FIELDS.includes(name));
  if (unknown !== undefined) {
    // The caller's text, quoted and cut short.
    const name = JSON.stringify(unknown.slice(0, 64));
    throw new InputError(`${name}: is not a field of an operation record; its fields are ${FIELDS.join(', ')}`);
  }
  const operation = oneOf('operation', fields.operation, OPERATION_KINDS);
  const by = userRef(fields.by);
  const outcome = oneOf('outcome', fields.outcome, OPERATION_OUTCOMES);
  const detail = detailLine(fields.detail);
  const task = taskId(fields.taskId);
  return {
    operation,
    by,
    outcome,
    ...(detail !== undefined && { detail }),
    ...(task !== undefined && { taskId: task }),
  };
}
