export { WICKR_OPERATIONS, WickrAdminClient } from './WickrAdminClient';
export type { DataRetentionAction, DataRetentionBot, WickrNetwork, WickrOperation } from './WickrAdminClient';
export { SensitiveValue } from './sensitiveValue';
export {
  WickrApiError,
  WickrBadRequestError,
  WickrForbiddenError,
  WickrInputError,
  WickrNotFoundError,
  WickrRateLimitError,
  WickrServerError,
  WickrUnauthorizedError,
  WickrValidationError,
} from './errors';
export type { WickrApiErrorInit, WickrCall, WickrFieldReason } from './errors';
