import {
  CloudWatchClient,
  Metric,
  MetricDataQuery,
  paginateGetMetricData,
  paginateListMetrics,
} from '@aws-sdk/client-cloudwatch';

/** The namespace the bot publishes its metrics in. */
export const WICKR_METRICS_NAMESPACE = 'WickrIO';
/** GetMetricData takes at most 500 queries a call. */
const QUERIES_PER_CALL = 500;
const MINUTE = 60_000;

/** One sum to read: a metric (with its dimensions) summed by a period in seconds. */
export interface MetricQuery {
  metric: Metric;
  period: number;
}

/**
 * The bot's metrics of these names, every dimension set of each. The bot does not
 * document its dimensions, so they are discovered with ListMetrics.
 */
export async function wickrMetrics(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<Metric[]> {
  const found: Metric[] = [];
  for await (const page of paginateListMetrics({ client: cloudwatch }, { Namespace: WICKR_METRICS_NAMESPACE })) {
    found.push(...(page.Metrics ?? []).filter(m => names.includes(m.MetricName!)));
  }
  return found;
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Every query's sums from `start` to `end`, one per period with data, in as few GetMetricData calls as hold them. */
export async function metricSums<Q extends MetricQuery>(
  cloudwatch: CloudWatchClient,
  queries: Q[],
  start: number,
  end: number,
): Promise<Array<{ query: Q; at: Date; value: number }>> {
  const sums: Array<{ query: Q; at: Date; value: number }> = [];
  for (const batch of chunks(queries, QUERIES_PER_CALL)) {
    const input = {
      StartTime: new Date(start),
      EndTime: new Date(end),
      MetricDataQueries: batch.map(({ metric, period }, i): MetricDataQuery => ({
        Id: `m${i}`,
        Label: metric.MetricName,
        MetricStat: { Metric: metric, Period: period, Stat: 'Sum' },
      })),
    };
    for await (const page of paginateGetMetricData({ client: cloudwatch }, input)) {
      for (const result of page.MetricDataResults ?? []) {
        const query = batch[Number(result.Id!.slice(1))];
        result.Timestamps?.forEach((at, j) => sums.push({ query, at, value: result.Values?.[j] ?? 0 }));
      }
    }
  }
  return sums;
}

/**
 * The failed logins the bot counted in its Login_Failures metric from `since` to `until`
 * (all its dimension sets added up), and the first minute with one; undefined when none.
 */
export async function loginFailuresCounted(
  cloudwatch: CloudWatchClient,
  since: number,
  until: number,
): Promise<{ count: number; firstAt: number } | undefined> {
  // Whole minutes from `since` on: the minute it falls in may hold an earlier run's failures.
  const start = Math.ceil(since / MINUTE) * MINUTE;
  if (start >= until) return undefined;
  const metrics = await wickrMetrics(cloudwatch, ['Login_Failures']);
  if (!metrics.length) return undefined;
  const failed = (await metricSums(cloudwatch, metrics.map(metric => ({ metric, period: 60 })), start, until)).filter(s => s.value > 0);
  if (!failed.length) return undefined;
  return {
    count: failed.reduce((total, s) => total + s.value, 0),
    firstAt: Math.min(...failed.map(s => s.at.getTime())),
  };
}
