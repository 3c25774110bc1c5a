import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { AlarmsState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { StatusLine } from './StatusLine';
import { When } from './When';

const useStyles = makeStyles(theme => ({
  list: { margin: theme.spacing(0.5, 0, 0), paddingLeft: theme.spacing(3) },
}));

type Alarm = AlarmsState['inAlarm'][number];

function AlarmItem(props: { alarm: Alarm }) {
  const { name, reason, since } = props.alarm;
  return (
    <Typography component="li" variant="body2">
      <strong>{name}</strong>
      {since && (
        <>
          {' '}
          (since <When at={since} />)
        </>
      )}
      {reason && `: ${reason}`}
    </Typography>
  );
}

export function AlarmsSummary(props: { alarms: AlarmsState }) {
  const { total, inAlarm } = props.alarms;
  const classes = useStyles();
  const noun = inAlarm.length === 1 ? 'alarm' : 'alarms';
  return (
    <>
      <StatusLine severity={inAlarm.length > 0 ? 'error' : 'ok'}>
        {`${inAlarm.length} ${noun} in ALARM`}{' '}
        <Typography component="span" variant="body2" color="textSecondary">
          (of {total})
        </Typography>
      </StatusLine>
      {inAlarm.length > 0 && (
        <ul className={classes.list}>
          {inAlarm.map(alarm => (
            <AlarmItem key={alarm.name} alarm={alarm} />
          ))}
        </ul>
      )}
    </>
  );
}
