import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { deploymentFieldRules } from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** The name templates use for the field: `ui:field: WickrDrNetworkPicker`. */
export const NETWORK_PICKER_FIELD_NAME = 'WickrDrNetworkPicker';

const NETWORK_ID = new RegExp(deploymentFieldRules.networkId.pattern);

/** Whether a value is an AWS Wickr network id (8 digits). */
export function isNetworkId(value: unknown): value is string {
  return typeof value === 'string' && NETWORK_ID.test(value);
}

/** What the field's validator says about a value that is not a network id. */
export const NETWORK_ID_ERROR = `networkId: must be ${deploymentFieldRules.networkId.rule}`;

/**
 * Accepts no value (whether one is required is the schema's to say) or an 8-digit
 * network id; anything else, an empty string included, is refused. Whether the network
 * is in the account and region is the backend's to check.
 */
export const validateNetworkId: CustomFieldValidator<string> = (
  value,
  validation,
) => {
  if (value !== undefined && !isNetworkId(value)) {
    validation.addError(NETWORK_ID_ERROR);
  }
};
