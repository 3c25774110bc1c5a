import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { KEY_METRICS } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type WickrDrApi, wickrDrApiRef } from '../../api';
import {
  acmeEntity,
  driftedResult,
  ECS_CONTROLLER_REASON,
  failedState,
  healthyState,
  inSyncResult,
  NOT_RUNNING_ALARM,
  NOT_RUNNING_REASON,
  reportOf,
  responseError,
  ROLLBACK_REASON,
  RUNTIME_PLATFORM_REASON,
  stateWithDrift,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from './DeploymentCard';

const ACME_REF = {
  kind: 'Resource',
  namespace: 'default',
  name: acmeEntity.metadata.name,
};

const notExpected = (call: string) => () =>
  Promise.reject(new Error(`${call} was not expected in this test`));

/**
 * The card with a fake wickr-dr API, for a user allowed everything. usePermission keeps its
 * answers for the whole test file, so who sees Check now (and what the card asks the
 * permission framework) is tested in DeploymentCard.permissions.test.tsx.
 */
function renderCard(
  getDeploymentState: WickrDrApi['getDeploymentState'],
  drift: Partial<Pick<WickrDrApi, 'getDriftReport' | 'checkDriftNow'>> = {},
) {
  const api = {
    getDeploymentState: jest.fn(getDeploymentState),
    getDriftReport: jest.fn(
      drift.getDriftReport ?? notExpected('getDriftReport'),
    ),
    checkDriftNow: jest.fn(drift.checkDriftNow ?? notExpected('checkDriftNow')),
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

/** The whole status line a text is in, including the severity spoken to screen readers. */
const statusLineOf = (text: string) => screen.getByText(text).parentElement;

describe('DeploymentCard', () => {
  it('shows a healthy deployment at a glance, with its links and metrics', async () => {
    const api = renderCard(async () => healthyState());

    expect(await screen.findByText('UPDATE_COMPLETE')).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledWith(ACME_REF);
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
      message: `not allowed to read the live state and drift of resource:default/${acmeEntity.metadata.name} (wickr-dr.deployment.read)`,
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

  it('says why the portal does not act on an entity it did not discover', async () => {
    const reason =
      'resource:default/acme-by-hand is not a deployment the portal may act on: it was not discovered by the portal (its origin is url:https://example.com/catalog-info.yaml)';
    const untrusted = await responseError(403, 'Forbidden', {
      name: 'NotAllowedError',
      message: reason,
    });
    renderCard(() => Promise.reject(untrusted));

    expect(
      await screen.findByText('The portal does not show this entity live'),
    ).toBeInTheDocument();
    expect(screen.getByText(new RegExp(reason.slice(0, 40)))).toHaveTextContent(
      reason,
    );
    expect(
      screen.queryByText(/You need the wickr-dr.deployment.read permission/),
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

describe('DeploymentCard drift', () => {
  /** The whole list item a text is in. */
  const itemOf = (text: string) => screen.getByText(text).closest('li');

  it('shows a deployment in sync, when it was checked and that CloudFormation ran the check', async () => {
    const result = { ...inSyncResult(), reused: true };
    const api = renderCard(async () => stateWithDrift(result), {
      getDriftReport: async () => reportOf(result),
    });

    expect(await screen.findByText('In sync')).toBeInTheDocument();
    expect(statusLineOf('In sync')).toHaveTextContent('OK: In sync');
    expect(screen.getByText('7 minutes ago').parentElement).toHaveTextContent(
      "Checked 7 minutes ago (CloudFormation's own recent result)",
    );
    expect(api.getDriftReport).toHaveBeenCalledWith(ACME_REF);
    expect(
      screen.queryByRole('list', {
        name: 'Resources that differ from the template',
      }),
    ).not.toBeInTheDocument();
  });

  it('lists the differing properties of a drifted deployment, suppressed ones marked', async () => {
    const result = driftedResult();
    renderCard(async () => stateWithDrift(result), {
      getDriftReport: async () => reportOf(result),
    });

    expect(
      await screen.findByText('Drifted (2 resources)'),
    ).toBeInTheDocument();
    expect(statusLineOf('Drifted (2 resources)')).toHaveTextContent(
      'Error: Drifted (2 resources)',
    );
    expect(screen.getByText('7 minutes ago').parentElement).toHaveTextContent(
      /^Checked 7 minutes ago$/,
    );

    const differing = await screen.findByRole('list', {
      name: 'Resources that differ from the template',
    });
    const resources = within(differing)
      .getAllByRole('listitem')
      .filter(item => item.parentElement === differing);
    expect(resources.map(item => item.firstChild?.textContent)).toEqual([
      'BotService',
      'AlertTopic',
      'BotTaskDefinition',
    ]);
    expect(screen.queryByText('RetentionBucket')).not.toBeInTheDocument();

    expect(itemOf('/DesiredCount')).toHaveTextContent(
      /^\/DesiredCount: 1 → 0 \(NOT_EQUAL\)$/,
    );
    expect(itemOf('/DesiredCount')).not.toHaveTextContent('suppressed');
    expect(itemOf('/DeploymentController/Type')).toHaveTextContent(
      `/DeploymentController/Type: absent → ECS (ADD), suppressed: ${ECS_CONTROLLER_REASON}`,
    );
    expect(itemOf('AlertTopic')).toHaveTextContent(
      'AlertTopic (AWS::SNS::Topic): deleted',
    );
    expect(itemOf('BotTaskDefinition')).toHaveTextContent(
      `BotTaskDefinition (AWS::ECS::TaskDefinition): every difference is suppressed/RuntimePlatform/OperatingSystemFamily: absent → LINUX (ADD), suppressed: ${RUNTIME_PLATFORM_REASON}`,
    );
    // Muted: the suppressed difference is in another (the secondary text) colour.
    const colorOf = (text: string) => getComputedStyle(itemOf(text)!).color;
    expect(colorOf('/DeploymentController/Type')).not.toBe(
      colorOf('/DesiredCount'),
    );
    expect(
      screen.getByText('2 resources cannot be checked for drift'),
    ).toBeInTheDocument();
  });

  it('shows an unknown result as a warning with its reason', async () => {
    const result = {
      ...inSyncResult(),
      status: 'UNKNOWN' as const,
      reason: 'The drift detection did not finish within 5 minutes',
      resources: [
        {
          logicalId: 'BotService',
          type: 'AWS::ECS::Service',
          status: 'UNKNOWN' as const,
          differences: [],
        },
      ],
    };
    renderCard(async () => stateWithDrift(result), {
      getDriftReport: async () => reportOf(result),
    });

    expect(await screen.findByText('Unknown')).toBeInTheDocument();
    expect(statusLineOf('Unknown')).toHaveTextContent('Warning: Unknown');
    expect(
      screen.getByText('The drift detection did not finish within 5 minutes'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Drift unknown for 1 resource'),
    ).toBeInTheDocument();
  });

  it('shows a failed check as an error with its reason, never as in sync', async () => {
    const result = {
      ...inSyncResult(),
      status: 'CHECK_FAILED' as const,
      reason:
        'AccessDenied: not authorized to perform cloudformation:DetectStackDrift',
      resources: [],
    };
    renderCard(async () => stateWithDrift(result), {
      getDriftReport: async () => reportOf(result),
    });

    expect(await screen.findByText('Check failed')).toBeInTheDocument();
    expect(statusLineOf('Check failed')).toHaveTextContent(
      'Error: Check failed',
    );
    expect(
      screen.getByText(
        'AccessDenied: not authorized to perform cloudformation:DetectStackDrift',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('In sync')).not.toBeInTheDocument();
  });

  it('says a deployment was not checked yet and reads no drift report', async () => {
    const api = renderCard(async () => stateWithDrift(null));

    expect(await screen.findByText('Not checked yet')).toBeInTheDocument();
    await screen.findByRole('button', { name: 'Check now' });
    expect(api.getDriftReport).not.toHaveBeenCalled();
  });

  it('says in place when the drift report cannot be read', async () => {
    const serverError = await responseError(500, 'Internal Server Error', {
      name: 'Error',
      message: 'the drift history is not available',
    });
    renderCard(async () => stateWithDrift(driftedResult()), {
      getDriftReport: () => Promise.reject(serverError),
    });

    expect(
      await screen.findByText(
        'Could not read the differences: the drift history is not available (HTTP 500)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Drifted (2 resources)')).toBeInTheDocument();
  });

  it('shows Check now to those allowed wickr-dr.drift.check', async () => {
    const api = renderCard(async () => stateWithDrift(driftedResult()), {
      getDriftReport: async () => reportOf(driftedResult()),
    });

    expect(
      await screen.findByRole('button', { name: 'Check now' }),
    ).toBeEnabled();
    expect(api.checkDriftNow).not.toHaveBeenCalled();
  });

  it('runs a check from Check now, then reads the state and the differences again', async () => {
    let finishCheck: () => void = () => {};
    const drifted = driftedResult();
    const api = renderCard(async () => stateWithDrift(null), {
      checkDriftNow: () =>
        new Promise(resolve => {
          finishCheck = () => resolve(drifted);
        }),
      getDriftReport: async () => reportOf(drifted),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Check now' }),
    );

    expect(
      await screen.findByRole('button', { name: 'Checking…' }),
    ).toBeDisabled();
    expect(api.checkDriftNow).toHaveBeenCalledWith(ACME_REF);
    expect(api.getDeploymentState).toHaveBeenCalledTimes(1);

    api.getDeploymentState.mockImplementation(async () =>
      stateWithDrift(drifted),
    );
    finishCheck();

    expect(
      await screen.findByText('Drifted (2 resources)'),
    ).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('/DesiredCount')).toBeInTheDocument();
    expect(api.getDriftReport).toHaveBeenCalledWith(ACME_REF);
    expect(screen.getByRole('button', { name: 'Check now' })).toBeEnabled();
    expect(screen.queryByText('Not checked yet')).not.toBeInTheDocument();
  });

  it('reads the differences again after a check of a deployment already checked', async () => {
    const inSync = inSyncResult();
    const drifted = driftedResult();
    const api = renderCard(async () => stateWithDrift(inSync), {
      getDriftReport: async () => reportOf(inSync),
      checkDriftNow: async () => drifted,
    });
    expect(await screen.findByText('In sync')).toBeInTheDocument();
    expect(api.getDriftReport).toHaveBeenCalledTimes(1);

    api.getDeploymentState.mockImplementation(async () =>
      stateWithDrift(drifted),
    );
    api.getDriftReport.mockImplementation(async () => reportOf(drifted));
    await userEvent.click(screen.getByRole('button', { name: 'Check now' }));

    expect(await screen.findByText('/DesiredCount')).toBeInTheDocument();
    expect(screen.getByText('Drifted (2 resources)')).toBeInTheDocument();
    expect(api.getDriftReport).toHaveBeenCalledTimes(2);
  });

  it('names the missing permission beside Check now when the backend answers 403', async () => {
    const forbidden = await responseError(403, 'Forbidden', {
      name: 'NotAllowedError',
      message: `not allowed to check resource:default/${acmeEntity.metadata.name} for drift (wickr-dr.drift.check)`,
    });
    const api = renderCard(async () => stateWithDrift(null), {
      checkDriftNow: () => Promise.reject(forbidden),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Check now' }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You need the wickr-dr.drift.check permission',
    );
    expect(screen.getByRole('button', { name: 'Check now' })).toBeEnabled();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(1);
  });

  it("shows the server's message beside Check now when a check fails", async () => {
    const throttled = await responseError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'CloudFormation is throttling DetectStackDrift',
    });
    renderCard(async () => stateWithDrift(null), {
      checkDriftNow: () => Promise.reject(throttled),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Check now' }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not check: CloudFormation is throttling DetectStackDrift (HTTP 503)',
    );
  });
});
