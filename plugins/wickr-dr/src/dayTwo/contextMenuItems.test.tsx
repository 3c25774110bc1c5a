import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  createExtensionTester,
  mockApis,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContextMenuItemBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import wickrDrPlugin from '../alpha';
import { wickrDrApiRef } from '../api';
import {
  ACME_PARAMETERS,
  ACME_UPDATE_FORM_VALUES,
  acmeEntity,
  betaEntity,
  stateWithParameters,
} from '../__testUtils__/fixtures';

/*
 * The items' real useProps (the hook the catalog's entity menu calls for each item)
 * with the permission API mocked. usePermission keeps each answer for the whole test
 * file, so the policy is the same for every test here: on acme, this user may update
 * and operate the bot but not tear down; on beta, nothing.
 */

type Authorize = Exclude<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  string | undefined
>;
type Decision = ReturnType<Authorize>;
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

const ACME_REF = stringifyEntityRef(acmeEntity);
const ALLOWED_ON_ACME = ['wickr-dr.deployment.update', 'wickr-dr.bot.operate'];
const authorize = jest.fn<Decision, Parameters<Authorize>>(request =>
  'resourceRef' in request &&
  request.resourceRef === ACME_REF &&
  ALLOWED_ON_ACME.includes(request.permission.name)
    ? ALLOW
    : DENY,
);

const ITEM_IDS = {
  update: 'entity-context-menu-item:wickr-dr/preview-update',
  running: 'entity-context-menu-item:wickr-dr/bot-running',
  teardown: 'entity-context-menu-item:wickr-dr/teardown',
} as const;
type Kind = keyof typeof ITEM_IDS;

const itemData = (kind: Kind) =>
  createExtensionTester(wickrDrPlugin.getExtension(ITEM_IDS[kind])).get(
    EntityContextMenuItemBlueprint.dataRefs.data,
  );

function formDataOf(href: string): unknown {
  return JSON.parse(
    new URL(href, 'http://portal.example').searchParams.get('formData')!,
  );
}

/** The items' props as the menu renders them for `entity`, against a state read `getDeploymentState` answers. */
function renderItems(
  entity: Entity,
  kinds: Kind[],
  getDeploymentState = jest.fn(async () =>
    stateWithParameters({ ...ACME_PARAMETERS, BotRunning: 'true' }),
  ),
) {
  const hooks = kinds.map(kind => itemData(kind).useProps);
  // Made once: a new API object on each render would be a new client to read with.
  const apis = [
    [wickrDrApiRef, { getDeploymentState }],
    mockApis.permission({ authorize }),
  ] as const;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={apis}>
      <EntityProvider entity={entity}>{children}</EntityProvider>
    </TestApiProvider>
  );
  const { result } = renderHook(() => hooks.map(useProps => useProps()), {
    wrapper,
  });
  return { result, getDeploymentState };
}

describe('the entity menu items: Preview an update, Stop or start the bot, Tear down', () => {
  it('opens the update template with the deployment and the stack current values, BotRunning left out', async () => {
    const { result } = renderItems(acmeEntity, ['update']);

    await waitFor(() => expect(result.current[0].disabled).toBe(false));
    const { title, href } = result.current[0] as {
      title: string;
      href: string;
    };
    expect(title).toBe('Preview an update');
    expect(href.split('?')[0]).toBe(
      '/create/templates/default/wickr-dr-update',
    );
    expect(formDataOf(href)).toEqual({
      deployment: ACME_REF,
      ...ACME_UPDATE_FORM_VALUES,
    });
  });

  it('opens stop/start with running set to the opposite of the bot now: stop a running bot', async () => {
    const { result } = renderItems(acmeEntity, ['running']);

    await waitFor(() => expect(result.current[0].disabled).toBe(false));
    const { title, href } = result.current[0] as {
      title: string;
      href: string;
    };
    expect(title).toBe('Stop or start the bot');
    expect(href).toBe(
      `/create/templates/default/wickr-dr-bot-running?formData=${encodeURIComponent(
        JSON.stringify({ deployment: ACME_REF, running: false }),
      )}`,
    );
  });

  it('offers Tear down disabled to a user without wickr-dr.deployment.delete, with its link, and reads no state for it', async () => {
    const { result, getDeploymentState } = renderItems(acmeEntity, [
      'teardown',
    ]);

    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'wickr-dr.deployment.delete',
          }),
          resourceRef: ACME_REF,
        }),
      ),
    );
    // Let the refusal reach the item.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(result.current[0]).toEqual({
      title: 'Tear down',
      href: `/create/templates/default/wickr-dr-teardown?formData=${encodeURIComponent(
        JSON.stringify({ deployment: ACME_REF }),
      )}`,
      disabled: true,
    });
    expect(getDeploymentState).not.toHaveBeenCalled();
  });

  it("disables every item on another team's deployment, each asked on that entity", async () => {
    const betaRef = stringifyEntityRef(betaEntity);
    const { result } = renderItems(betaEntity, [
      'update',
      'running',
      'teardown',
    ]);

    for (const name of [
      'wickr-dr.deployment.update',
      'wickr-dr.bot.operate',
      'wickr-dr.deployment.delete',
    ]) {
      await waitFor(() =>
        expect(authorize).toHaveBeenCalledWith(
          expect.objectContaining({
            permission: expect.objectContaining({ name }),
            resourceRef: betaRef,
          }),
        ),
      );
    }
    // Let the state read settle: the items stay disabled after it.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(result.current.map(item => item.disabled)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('keeps the update disabled until the current values are read, and shares one read among the items', async () => {
    let answer: (
      state: ReturnType<typeof stateWithParameters>,
    ) => void = () => {};
    const getDeploymentState = jest.fn(
      () =>
        new Promise<ReturnType<typeof stateWithParameters>>(
          resolve => (answer = resolve),
        ),
    );
    const { result } = renderItems(
      acmeEntity,
      ['update', 'running', 'teardown'],
      getDeploymentState,
    );

    await waitFor(() => expect(getDeploymentState).toHaveBeenCalled());
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(result.current[0].disabled).toBe(true);
    answer(stateWithParameters({ ...ACME_PARAMETERS, BotRunning: 'false' }));

    await waitFor(() => expect(result.current[0].disabled).toBe(false));
    expect(getDeploymentState).toHaveBeenCalledTimes(1);
    const running = result.current[1] as { href: string; disabled: boolean };
    expect(formDataOf(running.href)).toEqual({
      deployment: ACME_REF,
      running: true,
    });
  });

  it("still opens the update form when the state cannot be read, from the template's defaults", async () => {
    const { result } = renderItems(
      acmeEntity,
      ['update'],
      jest.fn(async () => {
        throw new Error('HTTP 503');
      }),
    );

    await waitFor(() => expect(result.current[0].disabled).toBe(false));
    expect(formDataOf((result.current[0] as { href: string }).href)).toEqual({
      deployment: ACME_REF,
    });
  });

  it.each(Object.entries(ITEM_IDS))(
    'the %s item is on deployment entities only',
    (_, id) => {
      const isShownFor = createExtensionTester(
        wickrDrPlugin.getExtension(id as (typeof ITEM_IDS)[Kind]),
      ).get(EntityContextMenuItemBlueprint.dataRefs.filterFunction);

      expect(isShownFor?.(acmeEntity)).toBe(true);
      expect(
        isShownFor?.({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: { name: 'retention-bucket' },
          spec: { type: 's3-bucket', owner: 'group:default/platform' },
        }),
      ).toBe(false);
    },
  );

  it("attaches each item to the catalog entity page's context menu", () => {
    for (const id of Object.values(ITEM_IDS)) {
      const extension = wickrDrPlugin.getExtension(id);
      const { node } = createExtensionTester(extension).query(extension);
      expect(node.spec.attachTo).toEqual({
        id: 'page:catalog/entity',
        input: 'contextMenuItems',
      });
    }
  });
});
