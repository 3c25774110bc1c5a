import { LinkButton } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import type { Launch } from '../../dayTwo/useLaunches';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    margin: theme.spacing(0.5, 0),
  },
}));

/**
 * A button per day-two launch the user may use on this deployment (each asked with its
 * permission on the entity); the others are not shown. Nothing when none is allowed.
 */
export function LaunchButtons(props: { launches: Launch[] }) {
  const classes = useStyles();
  const offered = props.launches.filter(launch => launch.allowed);
  if (offered.length === 0) return null;
  return (
    <div className={classes.actions}>
      {offered.map(launch => (
        <LinkButton
          key={launch.kind}
          to={launch.href}
          variant="outlined"
          size="small"
        >
          {launch.title}
        </LinkButton>
      ))}
    </div>
  );
}
