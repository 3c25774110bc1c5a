import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  DeploymentState,
  RegistrationState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type WickrDrApi, wickrDrApiRef } from '../../api';
import {
  acmeEntity,
  LAST_LOGIN_AT,
  registeredBot,
  responseError,
  SPENT_REASON,
  spentBot,
  stateWithRegistration,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from './DeploymentCard';

const ACME_REF = {
  kind: 'Resource',
  namespace: 'default',
  name: acmeEntity.metadata.name,
};

const CAPTURE = 'Capture the password now';

/**
 * The card with a fake wickr-dr API, for a user allowed everything (who sees the capture
 * button by permission is in DeploymentCard.permissions.test.tsx).
 */
function renderCard(
  state: () => DeploymentState,
  captureRegistrationNow: WickrDrApi['captureRegistrationNow'] = () =>
    Promise.reject(new Error('captureRegistrationNow was not expected')),
) {
  const api = {
    getDeploymentState: jest.fn(async () => state()),
    captureRegistrationNow: jest.fn(captureRegistrationNow),
    listOperations: jest.fn(async () => []),
  };
  renderInTestApp(
    <EntityProvider entity={acmeEntity}>
      <DeploymentCard />
    </EntityProvider>,
    { apis: [[wickrDrApiRef, api], mockApis.permission()] },
  );
  return api;
}

const withRegistration = (registration: RegistrationState) => () =>
  stateWithRegistration({ value: registration });

/** The whole status line a text is in, including the severity spoken to screen readers. */
const statusLineOf = (text: string) => screen.getByText(text).parentElement;

describe('DeploymentCard registration', () => {
  it('shows a registered bot and when it last logged in', async () => {
    renderCard(withRegistration(registeredBot()));

    const line = (await screen.findByText(/^Registered, last login/))
      .parentElement;
    expect(line).toHaveTextContent('OK: Registered, last login 2 hours ago');
    expect(line?.querySelector('time')).toHaveAttribute(
      'dateTime',
      LAST_LOGIN_AT,
    );
    expect(screen.queryByText(/login failure/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: CAPTURE }),
    ).not.toBeInTheDocument();
  });

  it('says a registered bot has not been seen logging in yet', async () => {
    const { lastLoginAt: _, ...noLogin } = registeredBot();
    renderCard(withRegistration(noLogin));
    expect(
      await screen.findByText('Registered, no login seen yet'),
    ).toBeInTheDocument();
  });

  it('shows a bot that has not registered as waiting for its first login', async () => {
    renderCard(
      withRegistration({ status: 'waiting', loginFailuresLastHour: 0 }),
    );

    expect(
      await screen.findByText("Waiting for the bot's first login"),
    ).toBeInTheDocument();
    expect(statusLineOf("Waiting for the bot's first login")).toHaveTextContent(
      "In progress: Waiting for the bot's first login",
    );
    expect(
      screen.queryByRole('button', { name: CAPTURE }),
    ).not.toBeInTheDocument();
  });

  it('says the secret holds a spent password, why, the failed logins, and offers to capture it', async () => {
    renderCard(withRegistration(spentBot()));

    expect(
      await screen.findByText('The secret holds a spent password'),
    ).toBeInTheDocument();
    expect(statusLineOf('The secret holds a spent password')).toHaveTextContent(
      'Error: The secret holds a spent password',
    );
    expect(screen.getByText(SPENT_REASON)).toBeInTheDocument();
    expect(statusLineOf('4 login failures in the last hour')).toHaveTextContent(
      'Warning: 4 login failures in the last hour',
    );
    expect(screen.getByRole('button', { name: CAPTURE })).toBeEnabled();
  });

  it('says a single failed login in the singular', async () => {
    renderCard(
      withRegistration({ ...registeredBot(), loginFailuresLastHour: 1 }),
    );
    expect(
      await screen.findByText('1 login failure in the last hour'),
    ).toBeInTheDocument();
  });

  it('says a password was printed but could not be read, and why', async () => {
    const reason =
      'printed at 2026-12-01T10:00:00.000Z: the line after the banner is not a password: it holds 2 words, not one value';
    renderCard(withRegistration({ status: 'unreadable', reason }));

    expect(
      await screen.findByText('A password was printed but could not be read'),
    ).toBeInTheDocument();
    expect(screen.getByText(reason)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: CAPTURE }),
    ).not.toBeInTheDocument();
  });

  it('says in place when the registration cannot be read', async () => {
    renderCard(() =>
      stateWithRegistration({
        error:
          'SecretsManager DescribeSecret at https://secretsmanager.eu-west-1.amazonaws.com/: AccessDeniedException: not allowed',
      }),
    );
    expect(
      await screen.findByText(
        /^Could not read the registration: SecretsManager DescribeSecret/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('UPDATE_COMPLETE')).toBeInTheDocument();
  });

  it('captures the password from the button, then reads the state again', async () => {
    let finish: () => void = () => {};
    let registration = spentBot();
    const api = renderCard(
      withRegistration(registration),
      () =>
        new Promise(resolve => {
          finish = () => resolve(registeredBot());
        }),
    );

    await userEvent.click(await screen.findByRole('button', { name: CAPTURE }));

    expect(
      await screen.findByRole('button', { name: 'Capturing…' }),
    ).toBeDisabled();
    expect(api.captureRegistrationNow).toHaveBeenCalledWith(ACME_REF);
    expect(api.getDeploymentState).toHaveBeenCalledTimes(1);

    registration = registeredBot();
    api.getDeploymentState.mockImplementation(async () =>
      stateWithRegistration({ value: registration }),
    );
    finish();

    expect(
      await screen.findByText(/^Registered, last login/),
    ).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(2);
    expect(
      screen.queryByText('The secret holds a spent password'),
    ).not.toBeInTheDocument();
  });

  it('names the missing permission beside the button when the backend answers 403', async () => {
    const forbidden = await responseError(403, 'Forbidden', {
      name: 'NotAllowedError',
      message: `not allowed to capture the generated password of resource:default/${acmeEntity.metadata.name}'s bot (wickr-dr.bot.operate)`,
    });
    const api = renderCard(withRegistration(spentBot()), () =>
      Promise.reject(forbidden),
    );

    await userEvent.click(await screen.findByRole('button', { name: CAPTURE }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You need the wickr-dr.bot.operate permission',
    );
    expect(api.getDeploymentState).toHaveBeenCalledTimes(1);
  });

  it("shows the server's message beside the button when a capture fails", async () => {
    const unavailable = await responseError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message:
        'could not capture the password of resource:default/acme: CloudWatchLogs FilterLogEvents at https://logs.eu-west-1.amazonaws.com/: AccessDeniedException: not authorized to perform logs:Unmask',
    });
    renderCard(withRegistration(spentBot()), () => Promise.reject(unavailable));

    await userEvent.click(await screen.findByRole('button', { name: CAPTURE }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^Could not capture: could not capture the password of resource:default\/acme: .*logs:Unmask \(HTTP 503\)$/,
    );
    expect(screen.getByRole('button', { name: CAPTURE })).toBeEnabled();
  });
});
