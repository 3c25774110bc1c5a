import {
  type CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  botOperatePermission,
  type RegistrationState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { wickrDrApiRef } from '../../api';
import { describeError } from './errors';
import { countOf, type Severity } from './presentation';
import { StatusLine } from './StatusLine';
import { When } from './When';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    margin: theme.spacing(0.5, 0),
  },
}));

function captureErrorMessage(error: Error): string {
  if (error instanceof ResponseError && error.statusCode === 403) {
    return `You need the ${botOperatePermission.name} permission`;
  }
  return `Could not capture: ${describeError(error)}`;
}

/**
 * "Capture the password now", for those allowed to operate this deployment's bot; says
 * beside it why a capture failed.
 */
function CaptureNow(props: {
  entityRef: CompoundEntityRef;
  onCaptured: () => void;
}) {
  const { entityRef, onCaptured } = props;
  const classes = useStyles();
  const wickrDrApi = useApi(wickrDrApiRef);
  // A resource permission: the policy decides on this entity (its owners, say).
  const { allowed } = usePermission({
    permission: botOperatePermission,
    resourceRef: stringifyEntityRef(entityRef),
  });
  const [capture, captureNow] = useAsyncFn(async () => {
    await wickrDrApi.captureRegistrationNow(entityRef);
    onCaptured();
  }, [wickrDrApi, entityRef, onCaptured]);

  if (!allowed) return null;
  return (
    <div className={classes.actions}>
      <Button
        variant="outlined"
        size="small"
        onClick={() => captureNow()}
        disabled={capture.loading}
      >
        {capture.loading ? 'Capturing…' : 'Capture the password now'}
      </Button>
      {capture.error && !capture.loading && (
        <Typography variant="body2" color="error" role="alert">
          {captureErrorMessage(capture.error)}
        </Typography>
      )}
    </div>
  );
}

const HEADLINES: Record<
  Exclude<RegistrationState['status'], 'registered'>,
  { text: string; severity: Severity }
> = {
  waiting: { text: "Waiting for the bot's first login", severity: 'pending' },
  spent: { text: 'The secret holds a spent password', severity: 'error' },
  unreadable: {
    text: 'A password was printed but could not be read',
    severity: 'error',
  },
};

/** What the registration is, in words; a status added to the backend later is shown as it is. */
function RegistrationHeadline(props: { registration: RegistrationState }) {
  const { status, lastLoginAt } = props.registration;
  if (status === 'registered') {
    return (
      <StatusLine severity="ok">
        {lastLoginAt ? (
          <>
            Registered, last login <When at={lastLoginAt} />
          </>
        ) : (
          'Registered, no login seen yet'
        )}
      </StatusLine>
    );
  }
  const headline = HEADLINES[status] ?? {
    text: String(status),
    severity: 'warning',
  };
  return <StatusLine severity={headline.severity}>{headline.text}</StatusLine>;
}

/** The Registration row: the bot's password lifecycle, failed logins, and the repair for a spent password. */
export function RegistrationSection(props: {
  registration: RegistrationState;
  entityRef: CompoundEntityRef;
  /** Called when a capture has finished, to read the state again. */
  onCaptured: () => void;
}) {
  const { registration, entityRef, onCaptured } = props;
  const failures = registration.loginFailuresLastHour ?? 0;
  return (
    <>
      <RegistrationHeadline registration={registration} />
      {registration.reason && (
        <Typography variant="body2">{registration.reason}</Typography>
      )}
      {failures > 0 && (
        <StatusLine severity="warning">
          {`${countOf(failures, 'login failure')} in the last hour`}
        </StatusLine>
      )}
      {registration.status === 'spent' && (
        <CaptureNow entityRef={entityRef} onCaptured={onCaptured} />
      )}
    </>
  );
}
