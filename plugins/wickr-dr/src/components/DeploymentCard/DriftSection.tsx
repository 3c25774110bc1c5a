import {
  type CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  driftCheckPermission,
  isDrifted,
  type DriftSummary,
  type PropertyDifference,
  type ResourceDrift,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { wickrDrApiRef } from '../../api';
import { describeError } from './errors';
import { countOf, driftHeadline, driftSeverity } from './presentation';
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
  resources: {
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(3),
  },
  differences: { margin: 0, paddingLeft: theme.spacing(3) },
  type: { color: theme.palette.text.secondary },
  deleted: { color: theme.palette.error.main },
  suppressed: { color: theme.palette.text.secondary },
  value: {
    fontFamily: 'monospace',
    fontSize: '0.9em',
    overflowWrap: 'anywhere',
  },
}));

/** The latest check at a glance: its status, why it is not known, and when it ran. */
function DriftHeadline(props: { drift: DriftSummary }) {
  const { drift } = props;
  return (
    <>
      <StatusLine severity={driftSeverity(drift.status)}>
        {driftHeadline(drift)}
      </StatusLine>
      {drift.reason && <Typography variant="body2">{drift.reason}</Typography>}
      <Typography variant="body2" color="textSecondary">
        Checked <When at={drift.checkedAt} />
        {drift.reused && " (CloudFormation's own recent result)"}
      </Typography>
    </>
  );
}

function checkErrorMessage(error: Error): string {
  if (error instanceof ResponseError && error.statusCode === 403) {
    return `You need the ${driftCheckPermission.name} permission`;
  }
  return `Could not check: ${describeError(error)}`;
}

/** "Check now", for those allowed to check this deployment; says beside it why a check failed. */
function CheckNow(props: {
  entityRef: CompoundEntityRef;
  onChecked: () => void;
}) {
  const { entityRef, onChecked } = props;
  const classes = useStyles();
  const wickrDrApi = useApi(wickrDrApiRef);
  // A resource permission: the policy decides on this entity (its owners, say).
  const { allowed } = usePermission({
    permission: driftCheckPermission,
    resourceRef: stringifyEntityRef(entityRef),
  });
  const [check, checkNow] = useAsyncFn(async () => {
    await wickrDrApi.checkDriftNow(entityRef);
    onChecked();
  }, [wickrDrApi, entityRef, onChecked]);

  if (!allowed) return null;
  return (
    <div className={classes.actions}>
      <Button
        variant="outlined"
        size="small"
        onClick={() => checkNow()}
        disabled={check.loading}
      >
        {check.loading ? 'Checking…' : 'Check now'}
      </Button>
      {check.error && !check.loading && (
        <Typography variant="body2" color="error" role="alert">
          {checkErrorMessage(check.error)}
        </Typography>
      )}
    </div>
  );
}

function Value(props: { value?: string }) {
  const classes = useStyles();
  if (props.value === undefined) return <em>absent</em>;
  return <code className={classes.value}>{props.value}</code>;
}

/** One property: path, expected → actual, kind; a suppressed one stays, muted and marked. */
function DifferenceItem(props: { difference: PropertyDifference }) {
  const { path, expected, actual, kind, suppressedBy } = props.difference;
  const classes = useStyles();
  return (
    <Typography
      component="li"
      variant="body2"
      className={suppressedBy ? classes.suppressed : undefined}
    >
      <code className={classes.value}>{path}</code>: <Value value={expected} />{' '}
      → <Value value={actual} /> ({kind})
      {suppressedBy && <em>, suppressed: {suppressedBy}</em>}
    </Typography>
  );
}

function ResourceItem(props: { resource: ResourceDrift }) {
  const { resource } = props;
  const classes = useStyles();
  const deleted = resource.status === 'DELETED';
  return (
    <Typography component="li" variant="body2">
      <strong>{resource.logicalId}</strong>{' '}
      <span className={classes.type}>({resource.type})</span>
      {deleted && <span className={classes.deleted}>: deleted</span>}
      {!deleted && !isDrifted(resource) && (
        <span className={classes.suppressed}>
          : every difference is suppressed
        </span>
      )}
      {resource.differences.length > 0 && (
        <ul className={classes.differences}>
          {resource.differences.map(difference => (
            <DifferenceItem
              key={`${difference.path} ${difference.kind}`}
              difference={difference}
            />
          ))}
        </ul>
      )}
    </Typography>
  );
}

/** The modified and deleted resources of a check, and how many could not be checked. */
function DriftResources(props: { resources: ResourceDrift[] }) {
  const { resources } = props;
  const classes = useStyles();
  const differing = resources.filter(
    r => r.status === 'MODIFIED' || r.status === 'DELETED',
  );
  const notChecked = resources.filter(r => r.status === 'NOT_CHECKED').length;
  const unknown = resources.filter(r => r.status === 'UNKNOWN').length;
  return (
    <>
      {differing.length > 0 && (
        <ul
          className={classes.resources}
          aria-label="Resources that differ from the template"
        >
          {differing.map(resource => (
            <ResourceItem key={resource.logicalId} resource={resource} />
          ))}
        </ul>
      )}
      {notChecked > 0 && (
        <Typography variant="body2" color="textSecondary">
          {`${countOf(notChecked, 'resource')} cannot be checked for drift`}
        </Typography>
      )}
      {unknown > 0 && (
        <Typography variant="body2" color="textSecondary">
          {`Drift unknown for ${countOf(unknown, 'resource')}`}
        </Typography>
      )}
    </>
  );
}

/**
 * The differing properties of the latest check, read again whenever the card reads a
 * new state (its `drift` is then a new object), so a finished check shows at once.
 */
function DriftDetails(props: {
  entityRef: CompoundEntityRef;
  drift: DriftSummary;
}) {
  const { entityRef, drift } = props;
  const wickrDrApi = useApi(wickrDrApiRef);
  const { value, loading, error } = useAsync(
    () => wickrDrApi.getDriftReport(entityRef),
    [wickrDrApi, entityRef, drift],
  );
  if (error) {
    return (
      <StatusLine severity="error">
        Could not read the differences: {describeError(error)}
      </StatusLine>
    );
  }
  if (!value) {
    return loading ? (
      <Typography variant="body2" color="textSecondary">
        Reading the differences…
      </Typography>
    ) : null;
  }
  return value.latest ? (
    <DriftResources resources={value.latest.resources} />
  ) : null;
}

/** The Drift row of the card: the latest check, its differences and "Check now". */
export function DriftSection(props: {
  drift: DriftSummary | null;
  entityRef: CompoundEntityRef;
  /** Called when a check has finished, to read the state again. */
  onChecked: () => void;
}) {
  const { drift, entityRef, onChecked } = props;
  return (
    <>
      {drift ? (
        <DriftHeadline drift={drift} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          Not checked yet
        </Typography>
      )}
      <CheckNow entityRef={entityRef} onChecked={onChecked} />
      {drift && <DriftDetails entityRef={entityRef} drift={drift} />}
    </>
  );
}
