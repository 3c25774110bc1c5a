import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { wickrDrApiRef } from '../../api';
import { responseError } from '../../__testUtils__/fixtures';
import { MAIN_ACCOUNT_LABEL, WickrDrAccountPicker } from './AccountPicker';

const ACCOUNTS = ['111111111111', '222222222222'];

const SCHEMA = {
  title: 'AWS account',
  description:
    'The 12-digit account, as configured under aws.accounts; leave empty for the main account.',
  type: 'string' as const,
  pattern: '^[0-9]{12}$',
};

function renderPicker(
  listAccounts: () => Promise<string[]>,
  props: Partial<FieldExtensionComponentProps<string>> = {},
) {
  const onChange = jest.fn();
  const api = { listAccounts: jest.fn(listAccounts) };
  renderInTestApp(
    <WickrDrAccountPicker
      onChange={onChange}
      onBlur={jest.fn()}
      onFocus={jest.fn()}
      schema={SCHEMA}
      uiSchema={{}}
      idSchema={{ $id: 'root_accountId' }}
      rawErrors={[]}
      required={false}
      disabled={false}
      readonly={false}
      name="accountId"
      registry={{} as FieldExtensionComponentProps<string>['registry']}
      {...props}
    />,
    { apis: [[wickrDrApiRef, api]] },
  );
  return { onChange, api };
}

const picker = () => screen.getByRole('combobox', { name: /AWS account/ });

const optionLabels = () =>
  within(picker())
    .getAllByRole('option')
    .map(option => option.textContent);

/** Waits until the accounts are read (or could not be): the progress bar is gone. */
const listSettled = () =>
  waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());

describe('WickrDrAccountPicker', () => {
  it('offers the main account and each configured account', async () => {
    const { api } = renderPicker(async () => ACCOUNTS);

    expect(
      await screen.findByRole('option', { name: '111111111111' }),
    ).toBeInTheDocument();
    expect(optionLabels()).toEqual([MAIN_ACCOUNT_LABEL, ...ACCOUNTS]);
    expect(picker()).toHaveValue('main');
    await listSettled();
    expect(api.listAccounts).toHaveBeenCalledTimes(1);
  });

  it("is labelled with the schema's title and described by its description", async () => {
    renderPicker(async () => ACCOUNTS);

    expect(
      await screen.findByRole('combobox', { name: 'AWS account' }),
    ).toHaveAccessibleDescription(SCHEMA.description);
    expect(screen.getByText(SCHEMA.description)).toBeInTheDocument();
  });

  it('prefers the ui:title and ui:description of the uiSchema', async () => {
    renderPicker(async () => ACCOUNTS, {
      uiSchema: {
        'ui:title': 'AWS account to deploy to',
        'ui:description': 'Ask the platform team to add one.',
      },
    });

    expect(
      await screen.findByRole('combobox', { name: 'AWS account to deploy to' }),
    ).toHaveAccessibleDescription('Ask the platform team to add one.');
  });

  it('shows a progress indicator while the accounts are read', async () => {
    renderPicker(() => new Promise<string[]>(() => {}));

    expect(
      await screen.findByRole('progressbar', {
        name: 'Reading the configured AWS accounts',
      }),
    ).toBeInTheDocument();
    expect(optionLabels()).toEqual([MAIN_ACCOUNT_LABEL]);
  });

  it('sets the chosen account id', async () => {
    const { onChange } = renderPicker(async () => ACCOUNTS);
    await screen.findByRole('option', { name: '222222222222' });

    await userEvent.selectOptions(picker(), '222222222222');

    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith('222222222222');
  });

  it('sets undefined, never an empty string, for the main account', async () => {
    const { onChange } = renderPicker(async () => ACCOUNTS, {
      formData: '111111111111',
    });
    await screen.findByRole('option', { name: '222222222222' });
    expect(picker()).toHaveValue('111111111111');

    await userEvent.selectOptions(picker(), MAIN_ACCOUNT_LABEL);

    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith(undefined);
  });

  it('keeps showing a value that is not configured, and says so', async () => {
    renderPicker(async () => ACCOUNTS, { formData: '333333333333' });

    expect(
      await screen.findByRole('option', {
        name: '333333333333 (not configured)',
      }),
    ).toBeInTheDocument();
    expect(picker()).toHaveValue('333333333333');
  });

  it("shows the server's message when the accounts cannot be read, and keeps the main account", async () => {
    const { onChange } = renderPicker(async () => {
      throw await responseError(401, 'Unauthorized', {
        name: 'AuthenticationError',
        message: 'Missing credentials',
      });
    });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Could not read the configured AWS accounts: Missing credentials (HTTP 401). You can still choose the main account.',
    );
    expect(picker()).toHaveAccessibleDescription(
      expect.stringContaining('Missing credentials (HTTP 401)'),
    );
    expect(optionLabels()).toEqual([MAIN_ACCOUNT_LABEL]);
    expect(picker()).toHaveValue('main');
    expect(picker()).toBeEnabled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows the message of any other error', async () => {
    renderPicker(async () => {
      throw new TypeError('Failed to fetch');
    });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not read the configured AWS accounts: Failed to fetch.',
    );
    await listSettled();
    expect(picker()).toBeEnabled();
  });

  it('is marked invalid when the form reports errors for it', async () => {
    renderPicker(async () => ACCOUNTS, {
      formData: '12345',
      rawErrors: ['must be a 12-digit AWS account id'],
    });
    await screen.findByRole('option', { name: '111111111111' });

    expect(picker()).toBeInvalid();
    expect(picker()).toHaveAttribute(
      'aria-describedby',
      expect.stringContaining('root_accountId__error'),
    );
  });

  it('is required and disabled as the form says', async () => {
    renderPicker(async () => ACCOUNTS, { required: true, disabled: true });
    await screen.findByRole('option', { name: '111111111111' });

    expect(picker()).toBeRequired();
    expect(picker()).toBeDisabled();
  });
});
