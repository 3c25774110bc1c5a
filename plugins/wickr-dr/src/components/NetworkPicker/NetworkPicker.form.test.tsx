import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type WickrNetworkSummary, wickrDrApiRef } from '../../api';
import { WickrDrAccountPicker } from '../AccountPicker/AccountPicker';
import {
  ACCOUNT_PICKER_FIELD_NAME,
  validateAccountId,
} from '../AccountPicker/validation';
import { WickrDrNetworkPicker } from './NetworkPicker';
import {
  NETWORK_ID_ERROR,
  NETWORK_PICKER_FIELD_NAME,
  validateNetworkId,
} from './validation';

// The AWS page, then the bot's page with the picker as its networkId field.
const manifest = {
  title: 'Wickr data retention on Fargate',
  steps: [
    {
      title: 'AWS',
      schema: {
        required: ['region'],
        properties: {
          accountId: {
            title: 'AWS account',
            type: 'string',
            pattern: '^[0-9]{12}$',
            'ui:field': ACCOUNT_PICKER_FIELD_NAME,
          },
          // A text field here: rjsf's enum select is not a native one.
          region: { title: 'Region', type: 'string', default: 'us-east-1' },
        },
      },
    },
    {
      title: 'The bot',
      schema: {
        required: ['networkId'],
        properties: {
          networkId: {
            title: 'Wickr network',
            type: 'string',
            'ui:field': NETWORK_PICKER_FIELD_NAME,
          },
        },
      },
    },
  ],
};

const NETWORKS: Record<string, WickrNetworkSummary[]> = {
  'main/us-east-1': [
    { networkId: '11112222', networkName: 'Main', accessLevel: 'PREMIUM' },
  ],
  '111111111111/eu-west-2': [
    { networkId: '12345678', networkName: 'Acme', accessLevel: 'PREMIUM' },
  ],
};

/** The scaffolder's own form (rjsf, its stepper and validation) with both pickers. */
function renderForm(initialState?: Record<string, string>) {
  const onCreate = jest.fn(async (_values: Record<string, unknown>) => {});
  const api = {
    listAccounts: jest.fn(async () => ['111111111111']),
    listNetworks: jest.fn(
      async (accountId: string | undefined, region: string) =>
        NETWORKS[`${accountId ?? 'main'}/${region}`] ?? [],
    ),
  };
  renderInTestApp(
    <Stepper
      manifest={manifest}
      extensions={[
        {
          name: ACCOUNT_PICKER_FIELD_NAME,
          component: WickrDrAccountPicker,
          validation: validateAccountId,
        },
        {
          name: NETWORK_PICKER_FIELD_NAME,
          component: WickrDrNetworkPicker,
          validation: validateNetworkId,
        },
      ]}
      initialState={initialState}
      onCreate={onCreate}
    />,
    { apis: [[wickrDrApiRef, api]] },
  );
  return { onCreate, api };
}

const networkPicker = () =>
  screen.getByRole('combobox', { name: /Wickr network/ });

async function chooseAwsPage(accountId: string, region: string) {
  await screen.findByRole('option', { name: '111111111111' });
  await userEvent.selectOptions(
    screen.getByRole('combobox', { name: /AWS account/ }),
    accountId,
  );
  const regionField = screen.getByRole('textbox', { name: /Region/ });
  await userEvent.clear(regionField);
  await userEvent.type(regionField, region);
  await userEvent.click(screen.getByRole('button', { name: 'Next' }));
}

async function reviewAndCreate() {
  await userEvent.click(screen.getByRole('button', { name: 'Review' }));
  await userEvent.click(await screen.findByRole('button', { name: 'Create' }));
}

describe('WickrDrNetworkPicker in the scaffolder form', () => {
  // Two pages of a real form, typed into: seconds each on a loaded machine.
  jest.setTimeout(30_000);
  beforeEach(() => {
    // The stepper scrolls to the top on each step; jsdom does not implement it.
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists the networks of the account and region of the AWS page, and submits the chosen id', async () => {
    const { onCreate, api } = renderForm();
    await chooseAwsPage('111111111111', 'eu-west-2');

    await screen.findByRole('option', { name: 'Acme (12345678) — PREMIUM' });
    expect(api.listNetworks).toHaveBeenLastCalledWith(
      '111111111111',
      'eu-west-2',
    );
    await userEvent.selectOptions(networkPicker(), '12345678');
    await reviewAndCreate();

    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    expect(onCreate.mock.calls[0][0]).toMatchObject({
      accountId: '111111111111',
      region: 'eu-west-2',
      networkId: '12345678',
    });
  });

  it('lists the networks again after going back and choosing another account and region', async () => {
    const { api } = renderForm();
    await chooseAwsPage('111111111111', 'eu-west-2');
    await screen.findByRole('option', { name: 'Acme (12345678) — PREMIUM' });

    await userEvent.click(screen.getByRole('button', { name: 'Back' }));
    await chooseAwsPage(
      "Main account (the portal's own credentials)",
      'us-east-1',
    );

    expect(
      await screen.findByRole('option', { name: 'Main (11112222) — PREMIUM' }),
    ).toBeInTheDocument();
    expect(api.listNetworks).toHaveBeenLastCalledWith(undefined, 'us-east-1');
    expect(
      screen.queryByRole('option', { name: /Acme/ }),
    ).not.toBeInTheDocument();
  });

  it("refuses a value that is not 8 digits with the field's message, and goes on once a network is chosen", async () => {
    // rjsf logs the failed validation.
    jest.spyOn(console, 'error').mockImplementation(() => {});
    const { onCreate } = renderForm({ networkId: '1234' });
    await chooseAwsPage('111111111111', 'eu-west-2');
    await screen.findByRole('option', { name: 'Acme (12345678) — PREMIUM' });

    await userEvent.click(screen.getByRole('button', { name: 'Review' }));

    // The form lists the errors at the top and prints the field's under it.
    const fieldError = await screen.findByText(NETWORK_ID_ERROR);
    expect(fieldError).toHaveAttribute('id', 'root_networkId__error');
    expect(networkPicker()).toBeInvalid();
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();

    await userEvent.selectOptions(networkPicker(), '12345678');
    await reviewAndCreate();
    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    expect(onCreate.mock.calls[0][0].networkId).toBe('12345678');
  });
});
