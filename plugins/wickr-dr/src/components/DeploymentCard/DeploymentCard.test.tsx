import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { KEY_METRICS } from '@internal/plugin-wickr-dr-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type WickrDrApi, wickrDrApiRef } from '../../api';
import {
  acmeEntity,
  failedState,
  healthyState,
  NOT_RUNNING_ALARM,
  NOT_RUNNING_REASON,
  responseError,
  ROLLBACK_REASON,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from './DeploymentCard';

function renderCard(getDeploymentState: WickrDrApi['getDeploymentState']) {
  const api = { getDeploymentState: jest.fn(getDeploymentState) };
  renderInTestApp(
    <EntityProvider entity={acmeEntity}>
      <DeploymentCard />
    </EntityProvider>,
    { apis: [[wickrDrApiRef, api]] },
  );
  return api;
}

/** The whole status line a text is in, including the severity spoken to screen readers. */
const statusLineOf = (text: string) => screen.getByText(text).parentElement;

describe('DeploymentCard', () => {
  it('shows a healthy deployment at a glance, with its links and metrics', async () => {
    const api = renderCard(async () => healthyState());

    expect(await screen.findByText('UPDATE_COMPLETE')).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledWith({
      kind: 'Resource',
      namespace: 'default',
      name: 'acme-eu-west-1',
    });
    expect(statusLineOf('UPDATE_COMPLETE')).toHaveTextContent(
      'OK: UPDATE_COMPLETE',
    );
    expect(screen.getByText('3 hours ago').parentElement).toHaveTextContent(
      'UPDATE, 3 hours ago',
    );
    expect(statusLineOf('1/1 tasks running')).toHaveTextContent(
      'OK: 1/1 tasks running',
    );
    expect(screen.getByText('0 alarms in ALARM')).toBeInTheDocument();
    expect(screen.getByText('Not checked yet')).toBeInTheDocument();

    const links = acmeEntity.metadata.links ?? [];
    expect(links).toHaveLength(9);
    for (const link of links) {
      const anchor = screen.getByRole('link', {
        name: new RegExp(`^${link.title}`),
      });
      expect(anchor).toHaveAttribute('href', link.url);
      expect(anchor).toHaveAttribute('target', '_blank');
    }

    for (const metric of KEY_METRICS) {
      expect(
        screen.getByRole('img', { name: `${metric} over the last 24 hours` }),
      ).toBeInTheDocument();
    }
    const messagesRow = screen.getByRole('row', { name: /Messages saved/ });
    expect(within(messagesRow).getByText('1,234')).toBeInTheDocument();
    expect(screen.getByText('52.4 MB')).toBeInTheDocument();
  });

  it('shows a failed update: its status, reason, the alarm in ALARM and the missing task', async () => {
    renderCard(async () => failedState());

    expect(
      await screen.findByText('UPDATE_ROLLBACK_COMPLETE'),
    ).toBeInTheDocument();
    expect(statusLineOf('UPDATE_ROLLBACK_COMPLETE')).toHaveTextContent(
      'Warning: UPDATE_ROLLBACK_COMPLETE',
    );
    expect(
      screen.getByText(/The last update failed and was rolled back/),
    ).toBeInTheDocument();
    expect(screen.getByText(ROLLBACK_REASON)).toBeInTheDocument();

    expect(statusLineOf('0/1 tasks running, 1 pending')).toHaveTextContent(
      'Warning: 0/1 tasks running, 1 pending',
    );

    expect(statusLineOf('1 alarm in ALARM')).toHaveTextContent(
      'Error: 1 alarm in ALARM (of 6)',
    );
    const alarm = screen.getByText(NOT_RUNNING_ALARM).closest('li');
    expect(alarm).toHaveTextContent(NOT_RUNNING_REASON);
  });

  it('shows a stack that was never created as an error, with what to do', async () => {
    renderCard(async () => {
      const state = healthyState();
      return {
        ...state,
        stack: {
          ...state.stack,
          status: 'ROLLBACK_COMPLETE',
          category: 'never-created',
        },
        service: { value: null },
      };
    });

    expect(await screen.findByText('ROLLBACK_COMPLETE')).toBeInTheDocument();
    expect(statusLineOf('ROLLBACK_COMPLETE')).toHaveTextContent(
      'Error: ROLLBACK_COMPLETE',
    );
    expect(screen.getByText(/delete it and deploy again/)).toBeInTheDocument();
    expect(
      screen.getByText('No ECS service in this stack'),
    ).toBeInTheDocument();
  });

  it('says it is reading while the state is loading', async () => {
    renderCard(() => new Promise(() => {}));

    expect(
      await screen.findByText("Reading the deployment's live state…"),
    ).toBeInTheDocument();
    expect(screen.getByText('Wickr data retention')).toBeInTheDocument();
  });

  it('names the missing permission when the backend answers 403', async () => {
    const forbidden = await responseError(403, 'Forbidden', {
      name: 'NotAllowedError',
      message:
        'not allowed to read Wickr data-retention deployments (wickr-dr.deployment.read)',
    });
    renderCard(() => Promise.reject(forbidden));

    expect(
      await screen.findByText(
        'You need the wickr-dr.deployment.read permission; ask a portal admin',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it.each([
    [401, 'Unauthorized', 'AuthenticationError', 'Sign in again'],
    [
      404,
      'Not Found',
      'NotFoundError',
      'The deployment is not in the catalog any more',
    ],
  ])(
    'says what to do when the backend answers %i',
    async (status, statusText, name, advice) => {
      const refusal = await responseError(status, statusText, {
        name,
        message: 'refused',
      });
      renderCard(() => Promise.reject(refusal));

      expect(await screen.findByText(advice)).toBeInTheDocument();
    },
  );

  it('shows a server error with a Retry that reads the state again', async () => {
    const serverError = await responseError(500, 'Internal Server Error', {
      name: 'Error',
      message: 'CloudFormation is throttling DescribeStacks',
    });
    const api = renderCard(() => Promise.reject(serverError));

    expect(
      await screen.findByText(/CloudFormation is throttling DescribeStacks/),
    ).toBeInTheDocument();
    api.getDeploymentState.mockImplementation(async () => healthyState());
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('UPDATE_COMPLETE')).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(2);
  });

  it('reads the state again from the refresh action', async () => {
    const api = renderCard(async () => healthyState());
    expect(await screen.findByText('UPDATE_COMPLETE')).toBeInTheDocument();

    api.getDeploymentState.mockImplementation(async () => failedState());
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    expect(
      await screen.findByText('UPDATE_ROLLBACK_COMPLETE'),
    ).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(2);
  });

  it('shows a section that could not be read in place and the rest as usual', async () => {
    renderCard(async () => ({
      ...healthyState(),
      metrics: {
        error:
          'AccessDenied: not authorized to perform cloudwatch:GetMetricData',
      },
    }));

    expect(
      await screen.findByText(
        'Could not read the metrics: AccessDenied: not authorized to perform cloudwatch:GetMetricData',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryAllByRole('img', { name: /over the last 24 hours/ }),
    ).toHaveLength(0);
    expect(screen.getByText('UPDATE_COMPLETE')).toBeInTheDocument();
    expect(screen.getByText('1/1 tasks running')).toBeInTheDocument();
    expect(screen.getByText('0 alarms in ALARM')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^CloudFormation stack/ }),
    ).toBeInTheDocument();
  });
});
