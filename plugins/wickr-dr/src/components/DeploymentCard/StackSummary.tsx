import Typography from '@material-ui/core/Typography';
import type { StackState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { stackHint, stackSeverity } from './presentation';
import { StatusLine } from './StatusLine';
import { When } from './When';

export function StackStatus(props: { stack: StackState }) {
  const { stack } = props;
  return (
    <>
      <StatusLine severity={stackSeverity(stack.category)}>
        {stack.status}
      </StatusLine>
      <Typography variant="body2" color="textSecondary">
        {stackHint(stack.category)}
      </Typography>
      {stack.reason && <Typography variant="body2">{stack.reason}</Typography>}
    </>
  );
}

export function LastOperation(props: { stack: StackState }) {
  const { lastOperation } = props.stack;
  if (!lastOperation) {
    return <Typography variant="body2">None recorded</Typography>;
  }
  return (
    <Typography variant="body2">
      {lastOperation.kind}, <When at={lastOperation.at} />
    </Typography>
  );
}
