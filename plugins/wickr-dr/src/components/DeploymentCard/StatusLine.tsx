import type { ComponentType, PropsWithChildren, ReactNode } from 'react';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { Severity } from './presentation';

const INDICATORS: Record<
  Severity,
  { Indicator: ComponentType<PropsWithChildren<{}>>; spokenAs: string }
> = {
  ok: { Indicator: StatusOK, spokenAs: 'OK' },
  warning: { Indicator: StatusWarning, spokenAs: 'Warning' },
  error: { Indicator: StatusError, spokenAs: 'Error' },
  pending: { Indicator: StatusPending, spokenAs: 'In progress' },
};

const useStyles = makeStyles(theme => ({
  line: { display: 'flex', alignItems: 'baseline' },
  error: { color: theme.palette.error.main },
}));

/**
 * A status icon followed by its text. Backstage's Status components hide their
 * children from screen readers, so the text stays outside and the severity is spoken
 * separately.
 */
export function StatusLine(props: { severity: Severity; children: ReactNode }) {
  const { severity, children } = props;
  const classes = useStyles();
  const { Indicator, spokenAs } = INDICATORS[severity];
  return (
    <Typography
      variant="body2"
      component="span"
      className={`${classes.line} ${severity === 'error' ? classes.error : ''}`}
    >
      <Indicator />
      <Typography variant="srOnly">{spokenAs}: </Typography>
      <span>{children}</span>
    </Typography>
  );
}
