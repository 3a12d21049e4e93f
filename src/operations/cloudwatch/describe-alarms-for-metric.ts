/**
 * DescribeAlarmsForMetric: the account and region's alarms on one metric,
 * narrowed by statistic, period and unit when given. The metric is its
 * namespace, name and whole set of dimensions (the API reference: "If the
 * metric has any associated dimensions, you must specify them"), in any
 * order. No alarm has an ExtendedStatistic, so asking for one finds none.
 */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { seriesText, type Dimension } from '../../features/metrics/metric-series.js';
import type { Statistic } from '../../features/metrics/metric-query.js';
import { describeAlarm } from '../../features/alarms/alarm-record.js';
import { readAlarms } from '../../features/alarms/alarm-store.js';
import { dimensionsShape, periodShape } from './metric-shapes.js';
import { statisticShape, unitShape } from './alarm-shapes.js';

interface DescribeAlarmsForMetricRequest {
  readonly MetricName: string;
  readonly Namespace: string;
  readonly Statistic?: Statistic;
  readonly ExtendedStatistic?: string;
  readonly Dimensions?: readonly Dimension[];
  readonly Period?: number;
  readonly Unit?: string;
}

export const describeAlarmsForMetric = defineOperation<DescribeAlarmsForMetricRequest>({
  name: 'DescribeAlarmsForMetric',
  shape: struct('DescribeAlarmsForMetricInput', {
    MetricName: str({ required: true, minLength: 1, maxLength: 255 }),
    Namespace: str({ required: true, minLength: 1, maxLength: 255, pattern: '[^:].*' }),
    Statistic: statisticShape,
    ExtendedStatistic: str(),
    Dimensions: dimensionsShape,
    Period: periodShape,
    Unit: unitShape,
  }),
  async execute(request, { namespace, services }) {
    // A series' text is its identity with the dimensions sorted, so comparing texts compares dimension sets.
    const seriesOf = (metric: { Namespace: string; MetricName: string; Dimensions?: readonly Dimension[] }) =>
      seriesText({ account: namespace.account, region: namespace.region, namespace: metric.Namespace, metric: metric.MetricName, dimensions: metric.Dimensions ?? [] });
    const wanted = seriesOf(request);
    const alarms = await services.storage.read((tx) => readAlarms(tx, namespace));
    const found = alarms.filter(
      (alarm) =>
        request.ExtendedStatistic === undefined &&
        seriesOf(alarm) === wanted &&
        (request.Statistic === undefined || alarm.Statistic === request.Statistic) &&
        (request.Period === undefined || alarm.Period === request.Period) &&
        (request.Unit === undefined || alarm.Unit === request.Unit),
    );
    return { MetricAlarms: found.map(describeAlarm) };
  },
});
