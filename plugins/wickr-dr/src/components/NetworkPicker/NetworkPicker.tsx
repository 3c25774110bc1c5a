import type { ChangeEvent } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import Select from '@material-ui/core/Select';
import useAsync from 'react-use/esm/useAsync';
import { type WickrNetworkSummary, wickrDrApiRef } from '../../api';
import { describeError } from '../DeploymentCard/errors';

/** The option value of "no network chosen"; the form value for it is `undefined`. */
const NO_NETWORK = '';

export const NO_NETWORK_LABEL = 'Choose a Wickr network';

const DEFAULT_TITLE = 'Wickr network';

/** The access level that offers data retention (the Wickr admin guide). */
const PREMIUM = 'PREMIUM';

interface NetworkOption {
  value: string;
  label: string;
}

/** "Acme (12345678) — PREMIUM"; a network without data retention is marked. */
export function networkLabel(network: WickrNetworkSummary): string {
  const label = `${network.networkName} (${network.networkId}) — ${network.accessLevel}`;
  return network.accessLevel === PREMIUM
    ? label
    : `${label} (no data retention: needs Premium)`;
}

function networkOptions(
  networks: WickrNetworkSummary[] | undefined,
  current: string | undefined,
): NetworkOption[] {
  const options = [{ value: NO_NETWORK, label: NO_NETWORK_LABEL }];
  for (const network of networks ?? []) {
    options.push({ value: network.networkId, label: networkLabel(network) });
  }
  // A value the list lacks (from the URL, or chosen before the account or region
  // changed) stays selected so the select shows it; once the list is read, it is flagged.
  if (current && !networks?.some(n => n.networkId === current)) {
    options.push({
      value: current,
      label: networks ? `${current} (not in this account and region)` : current,
    });
  }
  return options;
}

/** The account and region the AWS page of the form chose (it comes before this field's page). */
function chosenTarget(formData: unknown): {
  accountId?: string;
  region?: string;
} {
  const data = (formData ?? {}) as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === 'string' && value !== '' ? value : undefined;
  return { accountId: text(data.accountId), region: text(data.region) };
}

/** "account 111111111111 in eu-west-2", "the main account in us-east-1". */
function whereSaid(accountId: string | undefined, region: string): string {
  return `${
    accountId ? `account ${accountId}` : 'the main account'
  } in ${region}`;
}

/** What the field says under the select about the list, or about the chosen network. */
function statusOf(options: {
  region?: string;
  accountId?: string;
  loading: boolean;
  error?: Error;
  networks?: WickrNetworkSummary[];
  chosen?: WickrNetworkSummary;
}): { text: string; severity: 'info' | 'warning' | 'error' } | undefined {
  const { region, accountId, loading, error, networks, chosen } = options;
  if (!region) {
    return {
      text: 'Choose the region (and the account) first: the networks are listed for them.',
      severity: 'info',
    };
  }
  if (loading) return undefined;
  const where = whereSaid(accountId, region);
  if (error) {
    return {
      text: `Could not read the Wickr networks of ${where}: ${describeError(
        error,
      )}.`,
      severity: 'error',
    };
  }
  if (networks && networks.length === 0) {
    return {
      text: `No Wickr network in this account and region (${where}).`,
      severity: 'info',
    };
  }
  if (chosen && chosen.accessLevel !== PREMIUM) {
    return {
      text: `${chosen.networkName} is a ${chosen.accessLevel} network: data retention needs a Premium network.`,
      severity: 'warning',
    };
  }
  return undefined;
}

/**
 * The scaffolder field `WickrDrNetworkPicker`: the AWS Wickr network of the bot, chosen
 * among the networks of the account and region picked earlier in the form (its
 * `accountId` and `region`). Its value is the network's 8-digit id, or `undefined`.
 */
export function WickrDrNetworkPicker(
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
  // The scaffolder's stepper puts every page's values in the form context.
  const { accountId, region } = chosenTarget(
    props.formContext?.formData ?? props.registry?.formContext?.formData,
  );
  const networks = useAsync(
    async () =>
      region ? wickrDrApi.listNetworks(accountId, region) : undefined,
    [wickrDrApi, accountId, region],
  );

  const id = idSchema?.$id ?? 'wickr-dr-network-picker';
  const descriptionId = `${id}__description`;
  const statusId = `${id}__networks-status`;
  // The scaffolder form shows the field's errors under it with this id.
  const errorId = `${id}__error`;

  const title = uiSchema?.['ui:title'] ?? schema?.title ?? DEFAULT_TITLE;
  const description = uiSchema?.['ui:description'] ?? schema?.description;
  const hasErrors = rawErrors.length > 0;
  const chosen = networks.value?.find(n => n.networkId === formData);
  const status = statusOf({
    region,
    accountId,
    loading: networks.loading,
    error: networks.error,
    networks: networks.value,
    chosen,
  });
  const describedBy = [
    description ? descriptionId : undefined,
    status ? statusId : undefined,
    hasErrors ? errorId : undefined,
  ]
    .filter(Boolean)
    .join(' ');

  const handleChange = (event: ChangeEvent<{ value: unknown }>) => {
    const value = String(event.target.value);
    onChange(value === NO_NETWORK ? undefined : value);
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
        value={formData ?? NO_NETWORK}
        onChange={handleChange}
        inputProps={{
          id,
          name: id,
          'aria-describedby': describedBy || undefined,
        }}
      >
        {networkOptions(networks.value, formData).map(option => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </Select>
      {networks.loading && region && (
        <LinearProgress
          aria-label={`Reading the Wickr networks of ${whereSaid(
            accountId,
            region,
          )}`}
        />
      )}
      {description && (
        <FormHelperText id={descriptionId} error={false}>
          {description}
        </FormHelperText>
      )}
      {status && (
        <FormHelperText
          id={statusId}
          error={status.severity === 'error'}
          role={status.severity === 'info' ? 'status' : 'alert'}
        >
          {status.text}
        </FormHelperText>
      )}
    </FormControl>
  );
}
