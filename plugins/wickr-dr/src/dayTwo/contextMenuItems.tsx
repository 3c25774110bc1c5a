import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityContextMenuItemBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDeploymentEntity } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import DeleteForeverIcon from '@material-ui/icons/DeleteForever';
import PowerSettingsNewIcon from '@material-ui/icons/PowerSettingsNew';
import UpdateIcon from '@material-ui/icons/Update';
import type { LaunchKind } from './launches';
import { useLaunch, useSharedDeploymentState } from './useLaunches';

/**
 * The props of one launch's menu item. The blueprint always shows an item whose filter
 * matches (its filter sees the entity, not the user), so an item the user may not use
 * is disabled rather than hidden; so is one whose starting values are still being read.
 */
export function useLaunchMenuItemProps(kind: LaunchKind) {
  const { entity } = useEntity();
  // Only the update and stop/start forms start from the live state.
  const state = useSharedDeploymentState(entity, kind !== 'teardown');
  const launch = useLaunch(kind, stringifyEntityRef(entity), state.value);
  return {
    title: launch.title,
    href: launch.href,
    disabled: !launch.allowed || state.loading,
  };
}

/** `entity-context-menu-item:wickr-dr/preview-update`: the update template, filled with the stack's current values. */
export const previewUpdateMenuItem = EntityContextMenuItemBlueprint.make({
  name: 'preview-update',
  params: {
    icon: <UpdateIcon fontSize="small" />,
    filter: isDeploymentEntity,
    useProps: () => useLaunchMenuItemProps('update'),
  },
});

/** `entity-context-menu-item:wickr-dr/bot-running`: the stop/start template, `running` the other way from now. */
export const botRunningMenuItem = EntityContextMenuItemBlueprint.make({
  name: 'bot-running',
  params: {
    icon: <PowerSettingsNewIcon fontSize="small" />,
    filter: isDeploymentEntity,
    useProps: () => useLaunchMenuItemProps('running'),
  },
});

/** `entity-context-menu-item:wickr-dr/teardown`: the teardown template. */
export const teardownMenuItem = EntityContextMenuItemBlueprint.make({
  name: 'teardown',
  params: {
    icon: <DeleteForeverIcon fontSize="small" />,
    filter: isDeploymentEntity,
    useProps: () => useLaunchMenuItemProps('teardown'),
  },
});
