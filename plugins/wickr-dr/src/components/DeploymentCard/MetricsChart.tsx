import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { MetricSeries } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import {
  formatMetricValue,
  isFailureMetric,
  metricLabel,
} from './presentation';
import { Sparkline } from './Sparkline';

const useStyles = makeStyles(theme => ({
  table: {
    borderCollapse: 'collapse',
    '& th, & td': {
      ...theme.typography.body2,
      padding: theme.spacing(0.25, 2, 0.25, 0),
      textAlign: 'left',
      verticalAlign: 'middle',
    },
    '& thead th': {
      ...theme.typography.caption,
      color: theme.palette.text.secondary,
    },
  },
  line: { color: theme.palette.primary.main, lineHeight: 0 },
  total: { fontVariantNumeric: 'tabular-nums' },
  failing: { color: theme.palette.error.main },
}));

function MetricRow(props: { series: MetricSeries }) {
  const { name, total, points } = props.series;
  const classes = useStyles();
  const failing = isFailureMetric(name) && total > 0;
  return (
    <tr className={failing ? classes.failing : undefined}>
      <th scope="row" title={name}>
        {metricLabel(name)}
      </th>
      <td className={failing ? undefined : classes.line}>
        <Sparkline
          values={points.map(point => point.value)}
          label={`${name} over the last 24 hours`}
        />
      </td>
      <td className={classes.total}>{formatMetricValue(name, total)}</td>
    </tr>
  );
}

/** The bot's key metrics: an hourly sparkline and the 24-hour total of each. */
export function MetricsChart(props: { series: MetricSeries[] }) {
  const { series } = props;
  const classes = useStyles();
  if (series.length === 0) {
    return <Typography variant="body2">No metrics reported yet</Typography>;
  }
  return (
    <table className={classes.table}>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Hourly</th>
          <th scope="col">24 h total</th>
        </tr>
      </thead>
      <tbody>
        {series.map(item => (
          <MetricRow key={item.name} series={item} />
        ))}
      </tbody>
    </table>
  );
}
