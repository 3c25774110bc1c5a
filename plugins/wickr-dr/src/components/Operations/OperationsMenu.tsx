import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isDeploymentEntity } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import Button from '@material-ui/core/Button';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import ArrowDropDownIcon from '@material-ui/icons/ArrowDropDown';
import { useState } from 'react';
import {
  useLaunches,
  useSharedDeploymentState,
} from '../../dayTwo/useLaunches';

/**
 * The day-two launches of a deployment as a menu, for the legacy frontend system's
 * entity page: only those the user may use (each asked with its permission on the
 * entity); nothing when none is, or on any other entity. The state is read when the
 * menu opens, for the update's starting values and stop/start's way.
 */
export function WickrDrOperationsMenu() {
  const { entity } = useEntity();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const state = useSharedDeploymentState(entity, anchor !== null);
  const launches = useLaunches(stringifyEntityRef(entity), state.value);
  const offered = launches.filter(launch => launch.allowed);
  if (!isDeploymentEntity(entity) || offered.length === 0) return null;
  return (
    <>
      <Button
        variant="outlined"
        aria-haspopup="menu"
        aria-controls="wickr-dr-operations-menu"
        endIcon={<ArrowDropDownIcon />}
        onClick={event => setAnchor(event.currentTarget)}
      >
        Operations
      </Button>
      <Menu
        id="wickr-dr-operations-menu"
        anchorEl={anchor}
        open={anchor !== null}
        onClose={() => setAnchor(null)}
        keepMounted={false}
      >
        {offered.map(launch => (
          <MenuItem
            key={launch.kind}
            component={Link}
            to={launch.href}
            // The starting values (update) and the way to go (stop/start) come from the state.
            disabled={launch.kind !== 'teardown' && state.loading}
          >
            {launch.title}
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
