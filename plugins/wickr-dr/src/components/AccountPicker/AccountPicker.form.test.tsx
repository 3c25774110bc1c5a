import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { wickrDrApiRef } from '../../api';
import { MAIN_ACCOUNT_LABEL, WickrDrAccountPicker } from './AccountPicker';
import { ACCOUNT_PICKER_FIELD_NAME, validateAccountId } from './validation';

// The account page of templates/wickr-dr-fargate, with the picker as its accountId field.
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
            description:
              'The 12-digit account, as configured under aws.accounts; leave empty for the main account.',
            type: 'string',
            pattern: '^[0-9]{12}$',
            'ui:field': ACCOUNT_PICKER_FIELD_NAME,
          },
          region: { title: 'Region', type: 'string', default: 'us-east-1' },
        },
      },
    },
  ],
};

/** The scaffolder's own form (rjsf, its field template and validation) with the picker. */
function renderForm(initialState?: Record<string, string>) {
  const onCreate = jest.fn(async (_values: Record<string, unknown>) => {});
  renderInTestApp(
    <Stepper
      manifest={manifest}
      extensions={[
        {
          name: ACCOUNT_PICKER_FIELD_NAME,
          component: WickrDrAccountPicker,
          validation: validateAccountId,
        },
      ]}
      initialState={initialState}
      onCreate={onCreate}
    />,
    {
      apis: [
        [
          wickrDrApiRef,
          { listAccounts: async () => ['111111111111', '222222222222'] },
        ],
      ],
    },
  );
  return onCreate;
}

const picker = () => screen.getByRole('combobox', { name: /AWS account/ });

async function reviewAndCreate() {
  await userEvent.click(screen.getByRole('button', { name: 'Review' }));
  await userEvent.click(await screen.findByRole('button', { name: 'Create' }));
}

describe('WickrDrAccountPicker in the scaffolder form', () => {
  beforeEach(() => {
    // The stepper scrolls to the top on each step; jsdom does not implement it.
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('submits the chosen account id', async () => {
    const onCreate = renderForm();
    await screen.findByRole('option', { name: '222222222222' });

    await userEvent.selectOptions(picker(), '222222222222');
    await reviewAndCreate();

    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    expect(onCreate.mock.calls[0][0]).toMatchObject({
      accountId: '222222222222',
      region: 'us-east-1',
    });
  });

  it('submits no account id for the main account, which the pattern lets through', async () => {
    const onCreate = renderForm();
    await screen.findByRole('option', { name: '222222222222' });

    // To an account and back: the value goes back to undefined, not to ''.
    await userEvent.selectOptions(picker(), '111111111111');
    await userEvent.selectOptions(picker(), MAIN_ACCOUNT_LABEL);
    await reviewAndCreate();

    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    const values = onCreate.mock.calls[0][0];
    expect(values.accountId).toBeUndefined();
    expect(values.region).toBe('us-east-1');
  });

  it("shows the form's error for an invalid value once, and refuses to go on", async () => {
    // rjsf logs the failed validation.
    jest.spyOn(console, 'error').mockImplementation(() => {});
    const onCreate = renderForm({ accountId: '12345' });
    await screen.findByRole('option', { name: '111111111111' });

    await userEvent.click(screen.getByRole('button', { name: 'Review' }));

    // The form lists the errors at the top and prints the field's under it.
    const fieldError = await screen.findByText(
      'must match pattern "^[0-9]{12}$"',
    );
    expect(fieldError).toHaveAttribute('id', 'root_accountId__error');
    expect(picker()).toBeInvalid();
    expect(picker()).toHaveAccessibleDescription(
      expect.stringContaining('must match pattern'),
    );
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();

    // Choosing the main account clears the value and the error.
    await userEvent.selectOptions(picker(), MAIN_ACCOUNT_LABEL);
    await reviewAndCreate();
    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    expect(onCreate.mock.calls[0][0].accountId).toBeUndefined();
  });

  it('shows the description once', async () => {
    renderForm();
    await screen.findByRole('option', { name: '111111111111' });

    expect(
      screen.getAllByText(
        'The 12-digit account, as configured under aws.accounts; leave empty for the main account.',
      ),
    ).toHaveLength(1);
  });
});
