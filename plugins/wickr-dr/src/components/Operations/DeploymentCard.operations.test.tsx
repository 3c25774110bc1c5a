import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { OperationRecord } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { wickrDrApiRef } from '../../api';
import {
  ACME_PARAMETERS,
  ACME_UPDATE_FORM_VALUES,
  acmeEntity,
  betaEntity,
  operationRecords,
  responseError,
  stateWithParameters,
  TASK_ID,
} from '../../__testUtils__/fixtures';
import { DeploymentCard } from '../DeploymentCard';

/*
 * The card's launch buttons and its Recent operations list. usePermission keeps each
 * answer for the whole test file, so the policy is the same for every test here: this
 * user may do everything on acme and nothing on beta.
 */

type Authorize = Exclude<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  string | undefined
>;
type Decision = ReturnType<Authorize>;
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

const ACME_REF = stringifyEntityRef(acmeEntity);
const authorize = jest.fn<Decision, Parameters<Authorize>>(request =>
  'resourceRef' in request && request.resourceRef === ACME_REF ? ALLOW : DENY,
);

function renderCardOf(
  entity: Entity,
  listOperations: () => Promise<OperationRecord[]> = async () =>
    operationRecords(),
) {
  const api = {
    getDeploymentState: jest.fn(async () =>
      stateWithParameters({ ...ACME_PARAMETERS, BotRunning: 'false' }),
    ),
    listOperations: jest.fn(listOperations),
  };
  renderInTestApp(
    <EntityProvider entity={entity}>
      <DeploymentCard />
    </EntityProvider>,
    { apis: [[wickrDrApiRef, api], mockApis.permission({ authorize })] },
  );
  return api;
}

/** A launch's link: Backstage's LinkButton, an <a href> with the role of a button. */
const hrefOf = async (name: string) =>
  (await screen.findByRole('button', { name })).getAttribute('href')!;
const formDataOf = (href: string) =>
  JSON.parse(
    new URL(href, 'http://portal.example').searchParams.get('formData')!,
  );

describe('DeploymentCard: the day-two launches', () => {
  it('links each launch to its template, filled from the live state, for a user allowed them', async () => {
    renderCardOf(acmeEntity);

    const update = await hrefOf('Preview an update');
    expect(update.split('?')[0]).toBe(
      '/create/templates/default/wickr-dr-update',
    );
    expect(formDataOf(update)).toEqual({
      deployment: ACME_REF,
      ...ACME_UPDATE_FORM_VALUES,
    });
    // The bot is stopped (BotRunning false): the link starts it.
    expect(await hrefOf('Stop or start the bot')).toBe(
      `/create/templates/default/wickr-dr-bot-running?formData=${encodeURIComponent(
        JSON.stringify({ deployment: ACME_REF, running: true }),
      )}`,
    );
    expect(await hrefOf('Tear down')).toBe(
      `/create/templates/default/wickr-dr-teardown?formData=${encodeURIComponent(
        JSON.stringify({ deployment: ACME_REF }),
      )}`,
    );
    for (const name of [
      'wickr-dr.deployment.update',
      'wickr-dr.bot.operate',
      'wickr-dr.deployment.delete',
    ]) {
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({ name }),
          resourceRef: ACME_REF,
        }),
      );
    }
  });

  it("shows another team's deployment and its operations, without the launches", async () => {
    renderCardOf(betaEntity);

    expect(
      await screen.findByRole('list', { name: 'Recent operations' }),
    ).toBeInTheDocument();
    // Let the refusals reach the card before looking for the links.
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));

    for (const name of [
      'Preview an update',
      'Stop or start the bot',
      'Tear down',
    ]) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({ resourceRef: stringifyEntityRef(betaEntity) }),
    );
  });
});

describe('DeploymentCard: Recent operations', () => {
  it('lists what, who, when and how it ended, with a link to the task when there is one', async () => {
    const api = renderCardOf(acmeEntity);

    const list = await screen.findByRole('list', { name: 'Recent operations' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Apply an update: failed');
    expect(items[0]).toHaveTextContent('by alice, 7 minutes ago');
    expect(items[0]).toHaveTextContent(
      'UPDATE_ROLLBACK_COMPLETE: BotService failed to stabilise',
    );
    expect(
      within(items[0]).getByRole('link', { name: 'Task log' }),
    ).toHaveAttribute('href', `/create/tasks/${TASK_ID}`);
    expect(items[1]).toHaveTextContent('Preview an update: succeeded');
    expect(items[1]).toHaveTextContent('2 resources to change, none replaced');
    expect(
      within(items[1]).queryByRole('link', { name: 'Task log' }),
    ).not.toBeInTheDocument();
    expect(items[2]).toHaveTextContent('Stop the bot: started');
    expect(items[2]).toHaveTextContent('by ops/bob');
    expect(within(items[0]).getByText('Error:')).toBeInTheDocument();
    expect(within(items[1]).getByText('OK:')).toBeInTheDocument();
    expect(within(items[2]).getByText('In progress:')).toBeInTheDocument();
    expect(api.listOperations).toHaveBeenCalledWith(
      expect.objectContaining({ name: acmeEntity.metadata.name }),
      5,
    );
  });

  it('reads the operations again with the state, from the refresh action', async () => {
    const api = renderCardOf(acmeEntity);
    await screen.findByRole('list', { name: 'Recent operations' });
    const reads = api.listOperations.mock.calls.length;

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    await screen.findByRole('list', { name: 'Recent operations' });
    await act(() => new Promise(resolve => setTimeout(resolve, 50)));
    expect(api.getDeploymentState).toHaveBeenCalledTimes(2);
    expect(api.listOperations.mock.calls.length).toBeGreaterThan(reads);
  });

  it('says when no operation has been recorded', async () => {
    renderCardOf(acmeEntity, async () => []);

    expect(
      await screen.findByText('No operations recorded yet'),
    ).toBeInTheDocument();
  });

  it('says in place why the operations could not be read, and shows the rest of the card', async () => {
    renderCardOf(acmeEntity, async () => {
      throw await responseError(503, 'Service Unavailable', {
        name: 'ServiceUnavailableError',
        message: 'the database is not reachable',
      });
    });

    expect(
      await screen.findByText(
        'Could not read the recent operations: the database is not reachable (HTTP 503)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('UPDATE_COMPLETE')).toBeInTheDocument();
  });

  it('shows what a record holds as text, never as markup', async () => {
    const [record] = operationRecords();
    renderCardOf(acmeEntity, async () => [
      {
        ...record,
        detail: '<img src=x onerror="alert(1)">',
        by: 'user:default/<b>mallory</b>',
      },
    ]);

    const list = await screen.findByRole('list', { name: 'Recent operations' });
    expect(
      within(list).getByText('<img src=x onerror="alert(1)">'),
    ).toBeInTheDocument();
    expect(list.querySelector('img, b')).toBeNull();
  });
});
