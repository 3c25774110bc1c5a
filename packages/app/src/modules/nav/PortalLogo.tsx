import { Link, sidebarConfig, useSidebarOpenState } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  root: {
    width: sidebarConfig.drawerWidthClosed,
    height: 3 * sidebarConfig.logoHeight,
    display: 'flex',
    flexFlow: 'row nowrap',
    alignItems: 'center',
    marginBottom: -14,
  },
  link: {
    width: sidebarConfig.drawerWidthClosed,
    marginLeft: 24,
    fontWeight: 700,
    fontSize: 18,
    color: '#fff',
    whiteSpace: 'nowrap',
  },
});

/** The portal's name in the sidebar: "WDR" when collapsed, "Wickr DR Portal" when open. */
export const PortalLogo = () => {
  const classes = useStyles();
  const { isOpen } = useSidebarOpenState();
  return (
    <div className={classes.root}>
      <Link to="/" underline="none" className={classes.link} aria-label="Home">
        {isOpen ? 'Wickr DR Portal' : 'WDR'}
      </Link>
    </div>
  );
};
