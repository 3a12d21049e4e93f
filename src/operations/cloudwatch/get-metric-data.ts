/**
 * GetMetricData: several series' statistics per period in one call, each
 * query named by its Id, timestamps newest first unless ScanBy says
 * otherwise. Metric math (Expression) and percentile statistics are refused:
 * Dynalith keeps per-minute sums, counts and extremes only.
 */
import { defineOperation } from '../operation.js';
import { bool, double, int, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import { periodData, STATISTICS, statisticOf, type Statistic } from '../../features/metrics/metric-query.js';
import { unitOf } from '../../features/metrics/dynamodb-metrics.js';
import { checkPeriod, metricShape, periodShape, seriesOfMetric, timeRange, type MetricRequest } from './metric-shapes.js';

/** CloudWatch's default and most datapoints one call returns. */
const MAX_DATAPOINTS = 100_800;

interface MetricDataQuery {
  readonly Id: string;
  readonly MetricStat?: { readonly Metric: MetricRequest; readonly Period: number; readonly Stat: string; readonly Unit?: string };
  readonly Expression?: string;
  readonly Label?: string;
  readonly ReturnData?: boolean;
}

interface GetMetricDataRequest {
  readonly MetricDataQueries: readonly MetricDataQuery[];
  readonly StartTime: number;
  readonly EndTime: number;
  readonly NextToken?: string;
  readonly ScanBy?: 'TimestampDescending' | 'TimestampAscending';
  readonly MaxDatapoints?: number;
}

function isStatistic(stat: string): stat is Statistic {
  return (STATISTICS as readonly string[]).includes(stat);
}

export const getMetricData = defineOperation<GetMetricDataRequest>({
  name: 'GetMetricData',
  shape: struct('GetMetricDataInput', {
    MetricDataQueries: list(
      struct('MetricDataQuery', {
        Id: str({ required: true, minLength: 1, maxLength: 255, pattern: '[a-z][a-zA-Z0-9_]*' }),
        MetricStat: struct('MetricStat', { Metric: { ...metricShape, required: true }, Period: { ...periodShape, required: true }, Stat: str({ required: true }), Unit: str() }),
        Expression: str({ minLength: 1, maxLength: 2048 }),
        Label: str(),
        ReturnData: bool(),
        Period: periodShape,
        AccountId: str({ minLength: 1, maxLength: 255 }),
      }),
      { required: true, maxLength: 500 },
    ),
    StartTime: double({ required: true }),
    EndTime: double({ required: true }),
    NextToken: str(),
    ScanBy: str({ enum: ['TimestampDescending', 'TimestampAscending'] }),
    MaxDatapoints: int(),
    LabelOptions: struct('LabelOptions', { Timezone: str() }),
  }),
  async execute(request, { namespace, services }) {
    const { startMs, endMs } = timeRange(request.StartTime, request.EndTime);
    const ids = new Set<string>();
    for (const query of request.MetricDataQueries) {
      if (ids.has(query.Id)) throw new CloudWatchError('ValidationError', `The value ${query.Id} for field Id is not unique.`);
      ids.add(query.Id);
      if (query.Expression !== undefined) throw new CloudWatchError('ValidationError', `Metric math expressions are not kept by Dynalith (query ${query.Id}); ask for a MetricStat.`);
      if (query.MetricStat === undefined) throw new CloudWatchError('ValidationError', `The MetricDataQuery with Id ${query.Id} must specify either a MetricStat or an Expression.`);
      if (!isStatistic(query.MetricStat.Stat)) throw new CloudWatchError('ValidationError', `The value ${query.MetricStat.Stat} for parameter MetricDataQueries.member.Stat is not valid; Dynalith keeps ${STATISTICS.join(', ')}.`);
      checkPeriod(query.MetricStat.Period);
    }
    const ascending = request.ScanBy === 'TimestampAscending';
    let budget = Math.min(request.MaxDatapoints ?? MAX_DATAPOINTS, MAX_DATAPOINTS);
    const results = [];
    for (const query of request.MetricDataQueries) {
      if (query.ReturnData === false) continue;
      const stat = query.MetricStat!;
      const statistic = stat.Stat as Statistic;
      const unit = unitOf(stat.Metric.MetricName ?? '');
      const data = stat.Unit !== undefined && stat.Unit !== unit ? [] : await periodData(services.storage, services.metrics, seriesOfMetric(namespace, stat.Metric), startMs, endMs, stat.Period);
      if (!ascending) data.reverse();
      const kept = data.slice(0, Math.max(0, budget));
      budget -= kept.length;
      results.push({
        Id: query.Id,
        Label: query.Label ?? stat.Metric.MetricName,
        Timestamps: kept.map(({ timestamp }) => timestamp / 1000),
        Values: kept.map((point) => statisticOf(point.stat, statistic)),
        StatusCode: kept.length < data.length ? 'PartialData' : 'Complete',
      });
    }
    return { MetricDataResults: results, Messages: [] };
  },
});
