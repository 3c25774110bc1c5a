import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  DeploymentState,
  WickrBotState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type WickrDrApi, wickrDrApiRef } from '../../api';
import {
  acmeEntity,
  healthyState,
  responseError,
  stateWithWickr,
  wickrBot,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from './DeploymentCard';

const ACME_REF = {
  kind: 'Resource',
  namespace: 'default',
  name: acmeEntity.metadata.name,
};

/**
 * The card with a fake wickr-dr API, for a user allowed everything (who sees the switch
 * by permission is in DeploymentCard.permissions.test.tsx).
 */
function renderCard(
  state: () => DeploymentState,
  setRetention: WickrDrApi['setRetention'] = () =>
    Promise.reject(new Error('setRetention was not expected')),
) {
  const api = {
    getDeploymentState: jest.fn(async () => state()),
    setRetention: jest.fn(setRetention),
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

const withBot = (bot: WickrBotState) => () => stateWithWickr({ value: bot });

/** The whole status line a text is in, including the severity spoken to screen readers. */
const statusLineOf = (text: string) => screen.getByText(text).parentElement;

const TURN_ON = 'Turn data retention on';
const TURN_OFF = 'Turn data retention off';

describe('DeploymentCard: the Wickr row', () => {
  it("shows the network by name and id, the bot registered (the console's green mark) and retention off", async () => {
    renderCard(withBot(wickrBot()));

    expect(
      await screen.findByText('Network Acme (12345678) — PREMIUM'),
    ).toBeInTheDocument();
    expect(
      statusLineOf('Bot acme_compliance_bot is registered'),
    ).toHaveTextContent('OK: Bot acme_compliance_bot is registered');
    expect(statusLineOf('Data retention off')).toHaveTextContent(
      'Warning: Data retention off',
    );
    expect(screen.getByRole('button', { name: TURN_ON })).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: TURN_OFF }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('Wickr', { selector: 'dt' })).toBeInTheDocument();
  });

  it('shows retention on, with the way to turn it off', async () => {
    renderCard(withBot({ ...wickrBot(), retentionEnabled: true }));

    expect(await screen.findByText('Data retention on')).toBeInTheDocument();
    expect(statusLineOf('Data retention on')).toHaveTextContent(
      'OK: Data retention on',
    );
    expect(screen.getByRole('button', { name: TURN_OFF })).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: TURN_ON }),
    ).not.toBeInTheDocument();
  });

  it('shows a bot that is not registered', async () => {
    renderCard(withBot({ ...wickrBot(), registered: false }));

    expect(
      await screen.findByText('Bot acme_compliance_bot is not registered'),
    ).toBeInTheDocument();
  });

  it('shows flags the API did not report as unknown, never as false, and offers both ways', async () => {
    renderCard(
      withBot({ networkId: '12345678', networkName: 'Acme', botName: 'b' }),
    );

    expect(
      await screen.findByText(
        'Bot b: registration unknown (the Wickr API did not say)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Data retention unknown (the Wickr API did not say)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/not registered/)).not.toBeInTheDocument();
    expect(screen.queryByText('Data retention off')).not.toBeInTheDocument();
    // No access level: the network without one.
    expect(screen.getByText('Network Acme (12345678)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: TURN_ON })).toBeEnabled();
    expect(screen.getByRole('button', { name: TURN_OFF })).toBeEnabled();
  });

  it('says a network that is not Premium has no data retention', async () => {
    renderCard(withBot({ ...wickrBot(), accessLevel: 'STANDARD' }));

    expect(
      await screen.findByText('Network Acme (12345678) — STANDARD'),
    ).toBeInTheDocument();
    expect(
      statusLineOf('Data retention needs a Premium network'),
    ).toHaveTextContent('Warning: Data retention needs a Premium network');
  });

  it('says when the network has no data-retention bot', async () => {
    renderCard(withBot({ ...wickrBot(), botExists: false, registered: false }));

    expect(
      await screen.findByText('No data-retention bot in this network'),
    ).toBeInTheDocument();
  });

  it('says the stack names no network', async () => {
    renderCard(() => stateWithWickr({ value: null }));

    expect(
      await screen.findByText(
        'No Wickr network: the stack names none (its wickr-dr:network tag)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Turn data retention/ }),
    ).not.toBeInTheDocument();
  });

  it('says in place why the Wickr API could not be read, and shows the other rows', async () => {
    const line =
      'Wickr GetDataRetentionBot at https://admin.wickr.eu-west-1.amazonaws.com/: ForbiddenError: not authorized (HTTP 403)';
    renderCard(() => stateWithWickr({ error: line }));

    expect(
      await screen.findByText(`Could not read the Wickr network: ${line}`),
    ).toBeInTheDocument();
    expect(screen.getByText('UPDATE_COMPLETE')).toBeInTheDocument();
  });

  it('has no Wickr row when the backend answers no wickr part', async () => {
    renderCard(() => healthyState());

    expect(await screen.findByText('UPDATE_COMPLETE')).toBeInTheDocument();
    expect(
      screen.queryByText('Wickr', { selector: 'dt' }),
    ).not.toBeInTheDocument();
  });

  it('turns retention on, says what the API then reports, and reads the state again', async () => {
    let bot = wickrBot();
    let finish: () => void = () => {};
    const api = renderCard(
      () => stateWithWickr({ value: bot }),
      (_ref, enabled) =>
        new Promise(resolve => {
          finish = () => {
            bot = { ...bot, retentionEnabled: enabled };
            resolve(bot);
          };
        }),
    );

    await userEvent.click(await screen.findByRole('button', { name: TURN_ON }));
    expect(
      screen.getByRole('button', { name: 'Turning data retention on…' }),
    ).toBeDisabled();
    expect(api.setRetention).toHaveBeenCalledWith(ACME_REF, true);
    finish();

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Done: the Wickr API reports data retention on',
    );
    expect(await screen.findByText('Data retention on')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: TURN_OFF })).toBeEnabled();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(2);
    expect(api.setRetention).toHaveBeenCalledTimes(1);
  });

  it("shows the backend's 409 when the API does not report the new value", async () => {
    const message =
      'data retention of network 12345678 was turned on, but the Wickr API still reports it off';
    renderCard(withBot(wickrBot()), async () => {
      throw await responseError(409, 'Conflict', {
        name: 'ConflictError',
        message,
      });
    });

    await userEvent.click(await screen.findByRole('button', { name: TURN_ON }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      `Could not turn data retention on: ${message} (HTTP 409)`,
    );
    expect(screen.getByRole('button', { name: TURN_ON })).toBeEnabled();
  });

  it('says which permission is missing when the backend refuses', async () => {
    renderCard(withBot({ ...wickrBot(), retentionEnabled: true }), async () => {
      throw await responseError(403, 'Forbidden', {
        name: 'NotAllowedError',
        message: 'not allowed',
      });
    });

    await userEvent.click(
      await screen.findByRole('button', { name: TURN_OFF }),
    );

    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'You need the wickr-dr.bot.operate permission',
      ),
    );
  });
});
