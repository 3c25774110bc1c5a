import {
  parseEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  DeploymentState,
  OperationRecord,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { wickrDrApiRef } from '../../api';
import { taskHref } from '../../dayTwo/launches';
import { describeError } from '../DeploymentCard/errors';
import type { Severity } from '../DeploymentCard/presentation';
import { StatusLine } from '../DeploymentCard/StatusLine';
import { When } from '../DeploymentCard/When';

/** How many records the card shows. */
export const RECENT_OPERATIONS = 5;

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: 0, listStyle: 'none' },
  item: { margin: theme.spacing(0, 0, 1) },
  detail: { overflowWrap: 'anywhere' },
}));

const OPERATION_LABELS: Record<string, string> = {
  deploy: 'Deploy',
  preview: 'Preview an update',
  apply: 'Apply an update',
  stop: 'Stop the bot',
  start: 'Start the bot',
  teardown: 'Tear down',
  retention: 'Turn data retention on or off',
};

const OUTCOME_SEVERITY: Record<string, Severity> = {
  started: 'pending',
  succeeded: 'ok',
  failed: 'error',
};

/** "alice" for user:default/alice, "ops/bob" for user:ops/bob; the text as it is otherwise. */
function userName(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref, { defaultKind: 'user' });
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

function OperationItem(props: { record: OperationRecord }) {
  const { operation, outcome, by, at, detail, taskId } = props.record;
  const classes = useStyles();
  return (
    <li className={classes.item}>
      <StatusLine severity={OUTCOME_SEVERITY[outcome] ?? 'warning'}>
        {OPERATION_LABELS[operation] ?? operation}: {outcome}
      </StatusLine>
      <Typography variant="body2" color="textSecondary">
        by <span title={by}>{userName(by)}</span>, <When at={at} />
        {taskId && (
          <>
            {' · '}
            <Link to={taskHref(taskId)}>Task log</Link>
          </>
        )}
      </Typography>
      {detail && (
        <Typography variant="body2" className={classes.detail}>
          {detail}
        </Typography>
      )}
    </li>
  );
}

/**
 * The deployment's latest operations: what, who, when and how it ended, with a link to
 * the task's log. Read again with each new read of the state (`withState`), so the
 * card's refresh, and a change made from it, bring the list up to date too.
 */
export function RecentOperations(props: {
  entityRef: CompoundEntityRef;
  withState: DeploymentState;
}) {
  const { entityRef, withState } = props;
  const classes = useStyles();
  const wickrDrApi = useApi(wickrDrApiRef);
  const { value, error } = useAsync(
    async () => wickrDrApi.listOperations(entityRef, RECENT_OPERATIONS),
    [wickrDrApi, entityRef, withState],
  );
  if (error) {
    return (
      <StatusLine severity="error">
        Could not read the recent operations: {describeError(error)}
      </StatusLine>
    );
  }
  if (!value) {
    return (
      <Typography variant="body2">Reading the recent operations…</Typography>
    );
  }
  if (value.length === 0) {
    return <Typography variant="body2">No operations recorded yet</Typography>;
  }
  return (
    <ul className={classes.list} aria-label="Recent operations">
      {value.map(record => (
        <OperationItem
          key={`${record.at}-${record.operation}-${record.outcome}`}
          record={record}
        />
      ))}
    </ul>
  );
}
