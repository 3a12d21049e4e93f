/**
 * What the CloudWatch metric operations share: the shapes of a metric and its
 * dimensions (constraints as CloudWatch's model declares them), the series a
 * request names, and the checks of a time range and period.
 */
import { int, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import { seriesText, type Dimension } from '../../features/metrics/metric-series.js';
import type { Namespace } from '../operation.js';

export const dimensionShape = struct('Dimension', {
  Name: str({ required: true, minLength: 1, maxLength: 255 }),
  Value: str({ required: true, minLength: 1, maxLength: 1024 }),
});

export const dimensionsShape = list(dimensionShape, { maxLength: 30 });

export const metricShape = struct('Metric', {
  Namespace: str({ minLength: 1, maxLength: 255 }),
  MetricName: str({ minLength: 1, maxLength: 255 }),
  Dimensions: dimensionsShape,
});

export const periodShape = int({ min: 1 });

export interface MetricRequest {
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: readonly Dimension[];
}

/** The stored series a metric names in the caller's account and region. */
export function seriesOfMetric(where: Namespace, metric: MetricRequest): string {
  return seriesText({ account: where.account, region: where.region, namespace: metric.Namespace ?? '', metric: metric.MetricName ?? '', dimensions: metric.Dimensions ?? [] });
}

/** CloudWatch keeps data at 1, 5, 10, 30 seconds (high resolution) or whole minutes. */
export function checkPeriod(period: number): void {
  if (period < 60 ? ![1, 5, 10, 30].includes(period) : period % 60 !== 0) {
    // moto's and other emulators' text; no live recording was found.
    throw new CloudWatchError('InvalidParameterValue', 'The parameter Period must be a multiple of 60.');
  }
}

/** Epoch seconds (as the JSON protocol sends timestamps) to milliseconds, with CloudWatch's order check. */
export function timeRange(startSeconds: number, endSeconds: number): { startMs: number; endMs: number } {
  // Text as live CloudWatch answered it (moto's tests, recorded against AWS).
  if (!(startSeconds < endSeconds)) throw new CloudWatchError('InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.');
  return { startMs: startSeconds * 1000, endMs: endSeconds * 1000 };
}
