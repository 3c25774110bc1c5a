import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { act, screen } from '@testing-library/react';
import { wickrDrApiRef } from '../../api';
import {
  acmeEntity,
  driftedResult,
  reportOf,
  stateWithDrift,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from './DeploymentCard';

/*
 * In a file of its own: usePermission keeps each answer for the whole test file, so a
 * refusal here would leak into the tests where the user may check (and back).
 */

/** AuthorizeResult.DENY, typed from the mock, as this package does not depend on permission-common. */
type Decision = Exclude<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  Function | undefined
>;
const DENY = 'DENY' as Decision;

describe('DeploymentCard without wickr-dr.drift.check', () => {
  it('shows the drift but no Check now button', async () => {
    const result = driftedResult();
    const api = {
      getDeploymentState: jest.fn(async () => stateWithDrift(result)),
      getDriftReport: jest.fn(async () => reportOf(result)),
      checkDriftNow: jest.fn(async () => result),
    };
    const authorize = jest.fn(() => DENY);
    renderInTestApp(
      <EntityProvider entity={acmeEntity}>
        <DeploymentCard />
      </EntityProvider>,
      {
        apis: [[wickrDrApiRef, api], mockApis.permission({ authorize })],
      },
    );

    expect(
      await screen.findByText('Drifted (2 resources)'),
    ).toBeInTheDocument();
    expect(await screen.findByText('/DesiredCount')).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'wickr-dr.drift.check' }),
      }),
    );
    // Let the refusal reach the card before looking for the button.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));

    expect(
      screen.queryByRole('button', { name: /Check now|Checking/ }),
    ).not.toBeInTheDocument();
    expect(api.checkDriftNow).not.toHaveBeenCalled();
  });
});
