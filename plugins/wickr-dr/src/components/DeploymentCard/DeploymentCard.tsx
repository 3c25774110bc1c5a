import { useCallback, useMemo, useState } from 'react';
import type { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { DeploymentState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import useAsync from 'react-use/esm/useAsync';
import { wickrDrApiRef } from '../../api';
import { DeploymentStateError } from './DeploymentStateError';
import { DeploymentStateView } from './DeploymentStateView';
import { When } from './When';

function LoadingState() {
  return (
    <>
      <Progress aria-label="Loading the deployment's live state" />
      <Typography variant="body2">
        Reading the deployment's live state…
      </Typography>
    </>
  );
}

function RefreshButton(props: { onClick: () => void; disabled: boolean }) {
  return (
    <IconButton
      aria-label="Refresh"
      title="Refresh"
      onClick={props.onClick}
      disabled={props.disabled}
    >
      <RefreshIcon />
    </IconButton>
  );
}

function CardBody(props: {
  state?: DeploymentState;
  loading: boolean;
  error?: Error;
  reload: () => void;
  entity: Entity;
  entityRef: CompoundEntityRef;
}) {
  const { state, loading, error, reload, entity, entityRef } = props;
  if (error) return <DeploymentStateError error={error} onRetry={reload} />;
  if (!state) return <LoadingState />;
  return (
    <>
      {/* A refresh keeps the last state on screen; the bar says a new one is coming. */}
      {loading && <LinearProgress aria-label="Refreshing" />}
      <DeploymentStateView
        state={state}
        links={entity.metadata.links ?? []}
        entityRef={entityRef}
        onChanged={reload}
      />
    </>
  );
}

/** The live state of a Wickr data-retention deployment, for its entity page. */
export function DeploymentCard() {
  const { entity } = useEntity();
  const wickrDrApi = useApi(wickrDrApiRef);
  const { kind } = entity;
  const { name, namespace = 'default' } = entity.metadata;
  const entityRef = useMemo(
    () => ({ kind, namespace, name }),
    [kind, namespace, name],
  );
  // A counter rather than useAsyncRetry's retry, which does nothing while a read is
  // under way: a drift check or a capture that finishes then must still get the state
  // read again.
  const [reads, setReads] = useState(0);
  const reload = useCallback(() => setReads(n => n + 1), []);
  const { value, loading, error } = useAsync(
    () => wickrDrApi.getDeploymentState(entityRef),
    [wickrDrApi, entityRef, reads],
  );
  return (
    <InfoCard
      title="Wickr data retention"
      subheader={
        value && (
          // One element: InfoCard lays the subheader out as flex items, which drops spaces.
          <span>
            Checked <When at={value.checkedAt} />
          </span>
        )
      }
      action={<RefreshButton onClick={reload} disabled={loading} />}
    >
      <CardBody
        state={value}
        loading={loading}
        error={error}
        reload={reload}
        entity={entity}
        entityRef={entityRef}
      />
    </InfoCard>
  );
}
