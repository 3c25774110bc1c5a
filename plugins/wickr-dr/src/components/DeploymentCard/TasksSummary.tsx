import Typography from '@material-ui/core/Typography';
import type { ServiceState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { StatusLine } from './StatusLine';

export function TasksSummary(props: { service: ServiceState | null }) {
  const { service } = props;
  if (!service) {
    return (
      <Typography variant="body2">No ECS service in this stack</Typography>
    );
  }
  const { running, desired, pending } = service;
  const pendingNote = pending > 0 ? `, ${pending} pending` : '';
  if (desired === 0) {
    return (
      <StatusLine severity="warning">
        0/0 tasks: the service is scaled to zero, so no messages are saved
      </StatusLine>
    );
  }
  return (
    <StatusLine severity={running < desired ? 'warning' : 'ok'}>
      {`${running}/${desired} tasks running${pendingNote}`}
    </StatusLine>
  );
}
