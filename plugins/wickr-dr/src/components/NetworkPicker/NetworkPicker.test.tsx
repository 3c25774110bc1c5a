import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type WickrNetworkSummary, wickrDrApiRef } from '../../api';
import { responseError } from '../../__testUtils__/fixtures';
import { NO_NETWORK_LABEL, WickrDrNetworkPicker } from './NetworkPicker';

const ACME: WickrNetworkSummary = {
  networkId: '12345678',
  networkName: 'Acme',
  accessLevel: 'PREMIUM',
};
const TRIAL: WickrNetworkSummary = {
  networkId: '87654321',
  networkName: 'Trial',
  accessLevel: 'STANDARD',
};
const NETWORKS = [ACME, TRIAL];

const SCHEMA = {
  title: 'Wickr network',
  description: 'The AWS Wickr network the bot retains the messages of.',
  type: 'string' as const,
  pattern: '^[0-9]{8}$',
};

type ListNetworks = (
  accountId: string | undefined,
  region: string,
) => Promise<WickrNetworkSummary[]>;

/** The picker on the bot's page, after an AWS page that chose `earlier`. */
function renderPicker(
  listNetworks: ListNetworks,
  earlier: Record<string, unknown> = {
    accountId: '111111111111',
    region: 'eu-west-2',
  },
  props: Partial<FieldExtensionComponentProps<string>> = {},
) {
  const onChange = jest.fn();
  const api = { listNetworks: jest.fn(listNetworks) };
  renderInTestApp(
    <WickrDrNetworkPicker
      onChange={onChange}
      onBlur={jest.fn()}
      onFocus={jest.fn()}
      schema={SCHEMA}
      uiSchema={{}}
      idSchema={{ $id: 'root_networkId' }}
      rawErrors={[]}
      required={false}
      disabled={false}
      readonly={false}
      name="networkId"
      formContext={{ formData: { ...earlier, networkId: props.formData } }}
      registry={{} as FieldExtensionComponentProps<string>['registry']}
      {...props}
    />,
    { apis: [[wickrDrApiRef, api]] },
  );
  return { onChange, api };
}

const picker = () => screen.getByRole('combobox', { name: /Wickr network/ });

const optionLabels = () =>
  within(picker())
    .getAllByRole('option')
    .map(option => option.textContent);

const PREMIUM_LABEL = 'Acme (12345678) — PREMIUM';
const STANDARD_LABEL =
  'Trial (87654321) — STANDARD (no data retention: needs Premium)';

describe('WickrDrNetworkPicker', () => {
  it("lists the networks of the form's account and region, as name (id) — access level", async () => {
    const { api } = renderPicker(async () => NETWORKS);

    expect(
      await screen.findByRole('option', { name: PREMIUM_LABEL }),
    ).toBeInTheDocument();
    expect(optionLabels()).toEqual([
      NO_NETWORK_LABEL,
      PREMIUM_LABEL,
      STANDARD_LABEL,
    ]);
    expect(api.listNetworks).toHaveBeenCalledTimes(1);
    expect(api.listNetworks).toHaveBeenCalledWith('111111111111', 'eu-west-2');
  });

  it('lists the networks of the main account when the form chose no account', async () => {
    const { api } = renderPicker(async () => NETWORKS, {
      region: 'us-east-1',
    });

    await screen.findByRole('option', { name: PREMIUM_LABEL });
    expect(api.listNetworks).toHaveBeenCalledWith(undefined, 'us-east-1');
  });

  it("is labelled with the schema's title and described by its description", async () => {
    renderPicker(async () => NETWORKS);

    expect(
      await screen.findByRole('combobox', { name: 'Wickr network' }),
    ).toHaveAccessibleDescription(SCHEMA.description);
  });

  it('sets the chosen network id', async () => {
    const { onChange } = renderPicker(async () => NETWORKS);
    await screen.findByRole('option', { name: PREMIUM_LABEL });

    await userEvent.selectOptions(picker(), PREMIUM_LABEL);

    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith('12345678');
  });

  it('sets undefined, never an empty string, when no network is chosen', async () => {
    const { onChange } = renderPicker(async () => NETWORKS, undefined, {
      formData: '12345678',
    });
    await screen.findByRole('option', { name: PREMIUM_LABEL });
    expect(picker()).toHaveValue('12345678');

    await userEvent.selectOptions(picker(), NO_NETWORK_LABEL);

    expect(onChange).toHaveBeenCalledWith(undefined);
  });

  it('marks a Standard network, and says under the field that it has no data retention once chosen', async () => {
    renderPicker(async () => NETWORKS, undefined, { formData: '87654321' });

    expect(
      await screen.findByRole('option', { name: STANDARD_LABEL }),
    ).toBeInTheDocument();
    expect(picker()).toHaveValue('87654321');
    const warning = await screen.findByRole('alert');
    expect(warning).toHaveTextContent(
      'Trial is a STANDARD network: data retention needs a Premium network.',
    );
    expect(picker()).toHaveAccessibleDescription(
      expect.stringContaining('data retention needs a Premium network'),
    );
  });

  it('says nothing under a Premium network', async () => {
    renderPicker(async () => NETWORKS, undefined, { formData: '12345678' });
    await screen.findByRole('option', { name: PREMIUM_LABEL });

    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows a progress indicator naming the account and region while the networks are read', async () => {
    renderPicker(() => new Promise<WickrNetworkSummary[]>(() => {}));

    expect(
      await screen.findByRole('progressbar', {
        name: 'Reading the Wickr networks of account 111111111111 in eu-west-2',
      }),
    ).toBeInTheDocument();
    expect(optionLabels()).toEqual([NO_NETWORK_LABEL]);
  });

  it('says so when the account has no network in the region', async () => {
    renderPicker(async () => [], { region: 'ca-central-1' });

    expect(await screen.findByRole('status')).toHaveTextContent(
      'No Wickr network in this account and region (the main account in ca-central-1).',
    );
    expect(optionLabels()).toEqual([NO_NETWORK_LABEL]);
  });

  it("shows the server's message when the networks cannot be read", async () => {
    const { onChange } = renderPicker(async () => {
      throw await responseError(403, 'Forbidden', {
        name: 'NotAllowedError',
        message:
          'Wickr ListNetworks at https://admin.wickr.eu-west-2.amazonaws.com/: ForbiddenError: not authorized',
      });
    });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Could not read the Wickr networks of account 111111111111 in eu-west-2: Wickr ListNetworks at https://admin.wickr.eu-west-2.amazonaws.com/: ForbiddenError: not authorized (HTTP 403).',
    );
    expect(picker()).toHaveAccessibleDescription(
      expect.stringContaining('not authorized (HTTP 403)'),
    );
    expect(picker()).toBeEnabled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('asks for the region first, and lists nothing without one', async () => {
    const { api } = renderPicker(async () => NETWORKS, {
      accountId: '111111111111',
    });

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Choose the region (and the account) first: the networks are listed for them.',
    );
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(api.listNetworks).not.toHaveBeenCalled();
    expect(optionLabels()).toEqual([NO_NETWORK_LABEL]);
  });

  it('keeps showing a network the account and region lack, and says so', async () => {
    renderPicker(async () => NETWORKS, undefined, { formData: '99999999' });

    expect(
      await screen.findByRole('option', {
        name: '99999999 (not in this account and region)',
      }),
    ).toBeInTheDocument();
    expect(picker()).toHaveValue('99999999');
  });

  it('is marked invalid when the form reports errors for it', async () => {
    renderPicker(async () => NETWORKS, undefined, {
      formData: '1234',
      rawErrors: ['networkId: must be an AWS Wickr network id: 8 digits'],
    });
    await screen.findByRole('option', { name: PREMIUM_LABEL });

    expect(picker()).toBeInvalid();
    expect(picker()).toHaveAttribute(
      'aria-describedby',
      expect.stringContaining('root_networkId__error'),
    );
  });

  it('is required and disabled as the form says', async () => {
    renderPicker(async () => NETWORKS, undefined, {
      required: true,
      disabled: true,
    });
    await screen.findByRole('option', { name: PREMIUM_LABEL });

    expect(picker()).toBeRequired();
    expect(picker()).toBeDisabled();
  });
});
