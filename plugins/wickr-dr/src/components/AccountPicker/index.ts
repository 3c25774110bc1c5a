export { WickrDrAccountPicker, MAIN_ACCOUNT_LABEL } from './AccountPicker';
export { accountPickerFormField } from './formField';
export {
  ACCOUNT_PICKER_FIELD_NAME,
  isAccountId,
  validateAccountId,
} from './validation';
