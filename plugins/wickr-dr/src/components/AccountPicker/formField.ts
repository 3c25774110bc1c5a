import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { WickrDrAccountPicker } from './AccountPicker';
import { ACCOUNT_PICKER_FIELD_NAME, validateAccountId } from './validation';

/** The account picker for the new frontend system's scaffolder. */
export const accountPickerFormField = createFormField({
  name: ACCOUNT_PICKER_FIELD_NAME,
  component: WickrDrAccountPicker,
  validation: validateAccountId,
});
