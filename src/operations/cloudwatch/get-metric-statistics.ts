/**
 * GetMetricStatistics: one series' statistics per period over a time range,
 * as stored by every process (metric-query.ts). Percentiles
 * (ExtendedStatistics) need the distribution of samples, which Dynalith does
 * not keep: they are refused rather than answered wrongly.
 */
import { defineOperation } from '../operation.js';
import { double, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import { periodData, STATISTICS, statisticOf, type Statistic } from '../../features/metrics/metric-query.js';
import { unitOf } from '../../features/metrics/dynamodb-metrics.js';
import { checkPeriod, dimensionsShape, periodShape, seriesOfMetric, timeRange, type MetricRequest } from './metric-shapes.js';
import type { Dimension } from '../../features/metrics/metric-series.js';

/** CloudWatch answers at most this many datapoints a call. */
export const MAX_DATAPOINTS = 1440;

interface GetMetricStatisticsRequest extends MetricRequest {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: readonly Dimension[];
  readonly StartTime: number;
  readonly EndTime: number;
  readonly Period: number;
  readonly Statistics?: readonly Statistic[];
  readonly ExtendedStatistics?: readonly string[];
  readonly Unit?: string;
}

export const getMetricStatistics = defineOperation<GetMetricStatisticsRequest>({
  name: 'GetMetricStatistics',
  shape: struct('GetMetricStatisticsInput', {
    Namespace: str({ required: true, minLength: 1, maxLength: 255 }),
    MetricName: str({ required: true, minLength: 1, maxLength: 255 }),
    Dimensions: dimensionsShape,
    StartTime: double({ required: true }),
    EndTime: double({ required: true }),
    Period: { ...periodShape, required: true },
    Statistics: list(str({ enum: STATISTICS }), { minLength: 1, maxLength: 5 }),
    ExtendedStatistics: list(str(), { minLength: 1, maxLength: 10 }),
    Unit: str(),
  }),
  async execute(request, { namespace, services }) {
    const statistics = request.Statistics ?? [];
    const extended = request.ExtendedStatistics ?? [];
    if (statistics.length === 0 && extended.length === 0) {
      // As live CloudWatch answered it (AWS CLI output quoted in a public homework repository).
      throw new CloudWatchError('InvalidParameterCombination', 'At least one of the parameters Statistics and ExtendedStatistics must be specified.');
    }
    if (extended.length > 0) throw new CloudWatchError('InvalidParameterValue', 'ExtendedStatistics (percentiles) are not kept by Dynalith; ask for Statistics.');
    checkPeriod(request.Period);
    const { startMs, endMs } = timeRange(request.StartTime, request.EndTime);
    const requested = Math.floor((endMs - startMs) / 1000 / request.Period);
    if (requested > MAX_DATAPOINTS) {
      // CloudWatch's text, as recorded in the AWS SDK for iOS's tests.
      throw new CloudWatchError(
        'InvalidParameterCombination',
        `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
      );
    }
    const unit = unitOf(request.MetricName);
    const data = request.Unit !== undefined && request.Unit !== unit ? [] : await periodData(services.storage, services.metrics, seriesOfMetric(namespace, request), startMs, endMs, request.Period);
    return {
      Label: request.MetricName,
      Datapoints: data.map(({ timestamp, stat }) => {
        const point: Record<string, unknown> = { Timestamp: timestamp / 1000, Unit: unit };
        for (const statistic of statistics) point[statistic] = statisticOf(stat, statistic);
        return point;
      }),
    };
  },
});
