import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { WickrDrNetworkPicker } from './NetworkPicker';
import { NETWORK_PICKER_FIELD_NAME, validateNetworkId } from './validation';

/** The network picker for the new frontend system's scaffolder. */
export const networkPickerFormField = createFormField({
  name: NETWORK_PICKER_FIELD_NAME,
  component: WickrDrNetworkPicker,
  validation: validateNetworkId,
});
