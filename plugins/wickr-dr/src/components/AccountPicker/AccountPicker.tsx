import type { ChangeEvent } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import Select from '@material-ui/core/Select';
import useAsync from 'react-use/esm/useAsync';
import { wickrDrApiRef } from '../../api';
import { describeError } from '../DeploymentCard/errors';

/**
 * The option value of the main account. The form value for it is `undefined`, never this
 * (nor an empty string, which the schema's `^[0-9]{12}$` pattern would refuse).
 */
const MAIN_ACCOUNT = 'main';

export const MAIN_ACCOUNT_LABEL = "Main account (the portal's own credentials)";

const DEFAULT_TITLE = 'AWS account';

interface AccountOption {
  value: string;
  label: string;
}

function accountOptions(
  accounts: string[] | undefined,
  current: string | undefined,
): AccountOption[] {
  const options = [{ value: MAIN_ACCOUNT, label: MAIN_ACCOUNT_LABEL }];
  for (const accountId of accounts ?? []) {
    options.push({ value: accountId, label: accountId });
  }
  // A value the list lacks (one from the URL, or any while the list loads) stays
  // selectable so the select shows it; once the list is read, it is flagged.
  if (current !== undefined && !accounts?.includes(current)) {
    options.push({
      value: current,
      label: accounts ? `${current} (not configured)` : current,
    });
  }
  return options;
}

/**
 * The scaffolder field `WickrDrAccountPicker`: the AWS account a deployment goes to,
 * chosen among the main account and those configured under `aws.accounts`. Its value is
 * the chosen account id, or `undefined` for the main account.
 */
export function WickrDrAccountPicker(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    onChange,
    formData,
    schema,
    uiSchema,
    rawErrors = [],
    required,
    disabled,
    readonly,
    idSchema,
  } = props;
  const wickrDrApi = useApi(wickrDrApiRef);
  const accounts = useAsync(() => wickrDrApi.listAccounts(), [wickrDrApi]);

  const id = idSchema?.$id ?? 'wickr-dr-account-picker';
  const descriptionId = `${id}__description`;
  const loadErrorId = `${id}__accounts-error`;
  // The scaffolder form shows the field's errors under it with this id.
  const errorId = `${id}__error`;

  const title = uiSchema?.['ui:title'] ?? schema?.title ?? DEFAULT_TITLE;
  const description = uiSchema?.['ui:description'] ?? schema?.description;
  const hasErrors = rawErrors.length > 0;
  const describedBy = [
    description ? descriptionId : undefined,
    accounts.error ? loadErrorId : undefined,
    hasErrors ? errorId : undefined,
  ]
    .filter(Boolean)
    .join(' ');

  const handleChange = (event: ChangeEvent<{ value: unknown }>) => {
    const value = String(event.target.value);
    onChange(value === MAIN_ACCOUNT ? undefined : value);
  };

  return (
    <FormControl
      fullWidth
      margin="normal"
      variant="outlined"
      required={required}
      disabled={disabled || readonly}
      error={hasErrors}
    >
      <InputLabel htmlFor={id} shrink>
        {title}
      </InputLabel>
      <Select
        native
        label={title}
        value={formData ?? MAIN_ACCOUNT}
        onChange={handleChange}
        inputProps={{
          id,
          name: id,
          'aria-describedby': describedBy || undefined,
        }}
      >
        {accountOptions(accounts.value, formData).map(option => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </Select>
      {accounts.loading && (
        <LinearProgress aria-label="Reading the configured AWS accounts" />
      )}
      {description && (
        <FormHelperText id={descriptionId} error={false}>
          {description}
        </FormHelperText>
      )}
      {accounts.error && (
        <FormHelperText id={loadErrorId} error role="alert">
          Could not read the configured AWS accounts:{' '}
          {describeError(accounts.error)}. You can still choose the main
          account.
        </FormHelperText>
      )}
    </FormControl>
  );
}
