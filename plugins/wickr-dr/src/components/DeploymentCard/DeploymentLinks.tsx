import { Link } from '@backstage/core-components';
import type { EntityLink } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
}));

/** The entity's console links (stack, logs, buckets, ...), each opening in a new tab. */
export function DeploymentLinks(props: { links: EntityLink[] }) {
  const { links } = props;
  const classes = useStyles();
  if (links.length === 0) {
    return <Typography variant="body2">No links on this entity</Typography>;
  }
  return (
    <ul className={classes.list}>
      {links.map(link => (
        <Typography component="li" variant="body2" key={link.url}>
          <Link to={link.url} externalLinkIcon>
            {link.title ?? link.url}
          </Link>
        </Typography>
      ))}
    </ul>
  );
}
