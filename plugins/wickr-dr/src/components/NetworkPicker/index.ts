export { WickrDrNetworkPicker, NO_NETWORK_LABEL } from './NetworkPicker';
export { networkPickerFormField } from './formField';
export {
  NETWORK_ID_ERROR,
  NETWORK_PICKER_FIELD_NAME,
  isNetworkId,
  validateNetworkId,
} from './validation';
