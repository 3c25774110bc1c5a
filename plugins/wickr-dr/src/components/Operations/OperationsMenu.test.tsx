import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { DeploymentState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { wickrDrApiRef } from '../../api';
import {
  ACME_PARAMETERS,
  acmeEntity,
  betaEntity,
  stateWithParameters,
} from '../../__testUtils__/fixtures';
import { EntityWickrDrOperationsMenu } from '../../plugin';

/*
 * The legacy frontend system's menu, rendered through its component extension.
 * usePermission keeps each answer for the whole test file: on acme this user may
 * update and tear down but not operate the bot; on beta, nothing.
 */

type Authorize = Exclude<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  string | undefined
>;
type Decision = ReturnType<Authorize>;
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

const ACME_REF = stringifyEntityRef(acmeEntity);
const ALLOWED_ON_ACME = [
  'wickr-dr.deployment.update',
  'wickr-dr.deployment.delete',
];
const authorize = jest.fn<Decision, Parameters<Authorize>>(request =>
  'resourceRef' in request &&
  request.resourceRef === ACME_REF &&
  ALLOWED_ON_ACME.includes(request.permission.name)
    ? ALLOW
    : DENY,
);

function renderMenuOf(
  entity: Entity,
  getDeploymentState: () => Promise<DeploymentState> = async () =>
    stateWithParameters(ACME_PARAMETERS),
) {
  const api = { getDeploymentState: jest.fn(getDeploymentState) };
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityWickrDrOperationsMenu />
    </EntityProvider>,
    { apis: [[wickrDrApiRef, api], mockApis.permission({ authorize })] },
  );
  return api;
}

const formDataOf = (href: string) =>
  JSON.parse(
    new URL(href, 'http://portal.example').searchParams.get('formData')!,
  );

describe('EntityWickrDrOperationsMenu (legacy frontend system)', () => {
  it('offers the launches this user may use, and reads the state only when opened', async () => {
    const api = renderMenuOf(acmeEntity);

    const button = await screen.findByRole(
      'button',
      { name: 'Operations' },
      { timeout: 15_000 },
    );
    expect(api.getDeploymentState).not.toHaveBeenCalled();
    await userEvent.click(button);

    const update = await screen.findByRole('menuitem', {
      name: 'Preview an update',
    });
    const teardown = screen.getByRole('menuitem', { name: 'Tear down' });
    expect(
      screen.queryByRole('menuitem', { name: 'Stop or start the bot' }),
    ).not.toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(1);
    expect(formDataOf(update.getAttribute('href')!)).toMatchObject({
      deployment: ACME_REF,
      taskSize: 'large',
      fileRotateMins: 15,
    });
    expect(teardown).toHaveAttribute(
      'href',
      `/create/templates/default/wickr-dr-teardown?formData=${encodeURIComponent(
        JSON.stringify({ deployment: ACME_REF }),
      )}`,
    );
  });

  it('keeps the update disabled while the current values are read', async () => {
    renderMenuOf(acmeEntity, () => new Promise(() => {}));

    await userEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Operations' },
        { timeout: 15_000 },
      ),
    );

    expect(
      await screen.findByRole('menuitem', { name: 'Preview an update' }),
    ).toHaveAttribute('aria-disabled', 'true');
    expect(
      screen.getByRole('menuitem', { name: 'Tear down' }),
    ).not.toHaveAttribute('aria-disabled', 'true');
  });

  it("shows nothing on another team's deployment", async () => {
    const api = renderMenuOf(betaEntity);

    await act(() => new Promise(resolve => setTimeout(resolve, 300)));
    expect(
      screen.queryByRole('button', { name: 'Operations' }),
    ).not.toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({ resourceRef: stringifyEntityRef(betaEntity) }),
    );
    expect(api.getDeploymentState).not.toHaveBeenCalled();
  });
});
