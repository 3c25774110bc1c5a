import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';

/** The name templates use for the field: `ui:field: WickrDrAccountPicker`. */
export const ACCOUNT_PICKER_FIELD_NAME = 'WickrDrAccountPicker';

const ACCOUNT_ID = /^[0-9]{12}$/;

/** Whether a value is a 12-digit AWS account id. */
export function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ID.test(value);
}

/**
 * Accepts no value (the main account) or a 12-digit account id; anything else, an empty
 * string included, is refused. Whether the id is configured is the backend's to check.
 */
export const validateAccountId: CustomFieldValidator<string> = (
  value,
  validation,
) => {
  // The form passes undefined when the field has no value, whatever its type says.
  if (value !== undefined && !isAccountId(value)) {
    validation.addError('must be a 12-digit AWS account id');
  }
};
