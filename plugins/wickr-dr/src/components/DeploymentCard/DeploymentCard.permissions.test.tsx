import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { act, screen } from '@testing-library/react';
import { wickrDrApiRef } from '../../api';
import {
  acmeEntity,
  betaEntity,
  driftedResult,
  reportOf,
  spentBot,
  stateWithDrift,
  wickrBot,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from './DeploymentCard';

/*
 * In a file of its own: usePermission keeps each answer (per permission and entity) for
 * the whole test file, so the policy below is the same for every test here.
 */

type Authorize = Exclude<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  string | undefined
>;
type Decision = ReturnType<Authorize>;
/** AuthorizeResult's values, typed from the mock, as this package does not depend on permission-common. */
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

const ACME_REF = stringifyEntityRef(acmeEntity);
const BETA_REF = stringifyEntityRef(betaEntity);

/**
 * The policy as the permission backend answers it after the catalog applied
 * isEntityOwner: this user owns acme, not beta. A request without the entity's ref
 * could not be decided on the entity, so it is refused.
 */
const authorize = jest.fn<Decision, Parameters<Authorize>>(request =>
  'resourceRef' in request && request.resourceRef === ACME_REF ? ALLOW : DENY,
);

/**
 * A drifted deployment whose secret holds a spent password, with data retention off:
 * both repairs and the retention switch are on offer, to those allowed.
 */
function renderCardOf(entity: Entity) {
  const result = driftedResult();
  const api = {
    getDeploymentState: jest.fn(async () => ({
      ...stateWithDrift(result),
      registration: { value: spentBot() },
      wickr: { value: wickrBot() },
    })),
    getDriftReport: jest.fn(async () => reportOf(result)),
    checkDriftNow: jest.fn(async () => result),
    captureRegistrationNow: jest.fn(async () => spentBot()),
    setRetention: jest.fn(async () => ({
      ...wickrBot(),
      retentionEnabled: true,
    })),
    listOperations: jest.fn(async () => []),
  };
  renderInTestApp(
    <EntityProvider entity={entity}>
      <DeploymentCard />
    </EntityProvider>,
    { apis: [[wickrDrApiRef, api], mockApis.permission({ authorize })] },
  );
  return api;
}

const askedFor = (resourceRef: string, permission = 'wickr-dr.drift.check') =>
  expect.objectContaining({
    permission: expect.objectContaining({ name: permission }),
    resourceRef,
  });

describe('DeploymentCard: Check now is for those allowed on this deployment', () => {
  it('shows Check now to a user allowed wickr-dr.drift.check on the deployment', async () => {
    renderCardOf(acmeEntity);

    expect(
      await screen.findByRole('button', { name: 'Check now' }),
    ).toBeEnabled();
    expect(authorize).toHaveBeenCalledWith(askedFor(ACME_REF));
  });

  it("shows another team's deployment with its drift, but no Check now", async () => {
    const api = renderCardOf(betaEntity);

    expect(
      await screen.findByText('Drifted (2 resources)'),
    ).toBeInTheDocument();
    expect(await screen.findByText('/DesiredCount')).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(askedFor(BETA_REF));
    // Let the refusal reach the card before looking for the button.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));

    expect(
      screen.queryByRole('button', { name: /Check now|Checking/ }),
    ).not.toBeInTheDocument();
    expect(api.checkDriftNow).not.toHaveBeenCalled();
  });
});

describe('DeploymentCard: Capture the password now is for those allowed to operate this bot', () => {
  it('shows the button to a user allowed wickr-dr.bot.operate on the deployment', async () => {
    renderCardOf(acmeEntity);

    expect(
      await screen.findByRole('button', { name: 'Capture the password now' }),
    ).toBeEnabled();
    expect(authorize).toHaveBeenCalledWith(
      askedFor(ACME_REF, 'wickr-dr.bot.operate'),
    );
  });

  it("shows another team's spent password without the button", async () => {
    const api = renderCardOf(betaEntity);

    expect(
      await screen.findByText('The secret holds a spent password'),
    ).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      askedFor(BETA_REF, 'wickr-dr.bot.operate'),
    );
    // Let the refusal reach the card before looking for the button.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));

    expect(
      screen.queryByRole('button', {
        name: /Capture the password now|Capturing/,
      }),
    ).not.toBeInTheDocument();
    expect(api.captureRegistrationNow).not.toHaveBeenCalled();
  });
});

describe('DeploymentCard: the retention switch is for those allowed to operate this bot', () => {
  it('shows it to a user allowed wickr-dr.bot.operate on the deployment', async () => {
    renderCardOf(acmeEntity);

    expect(
      await screen.findByRole('button', { name: 'Turn data retention on' }),
    ).toBeEnabled();
    expect(authorize).toHaveBeenCalledWith(
      askedFor(ACME_REF, 'wickr-dr.bot.operate'),
    );
  });

  it("shows another team's network and retention, without the switch", async () => {
    const api = renderCardOf(betaEntity);

    expect(await screen.findByText('Data retention off')).toBeInTheDocument();
    expect(
      screen.getByText('Bot acme_compliance_bot is registered'),
    ).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      askedFor(BETA_REF, 'wickr-dr.bot.operate'),
    );
    // Let the refusal reach the card before looking for the button.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));

    expect(
      screen.queryByRole('button', { name: /data retention/ }),
    ).not.toBeInTheDocument();
    expect(api.setRetention).not.toHaveBeenCalled();
  });
});
