/**
 * Reading stored metric data the way CloudWatch answers for it: a series'
 * one-minute statistics gathered into periods, and a statistic of each. What
 * this process has recorded but not yet flushed is flushed first, so a
 * reader sees its own requests at once (other processes' within their flush
 * interval).
 */
import type { Storage } from '../../storage/storage.js';
import { readMinutes } from './metric-store.js';
import { mergeStats, minuteOf, type Stat } from './metric-series.js';
import type { Metrics } from './dynamodb-metrics.js';

export interface Datapoint {
  /** Start of the period, milliseconds since the epoch. */
  readonly timestamp: number;
  readonly stat: Stat;
}

/**
 * The series' data from startMs (inclusive) to endMs (exclusive) in periods
 * of `periodSeconds`, oldest first, only periods holding data. Periods begin
 * at the start's minute; data is kept per minute, so a period under a minute
 * (CloudWatch's high-resolution periods) gives one-minute periods, as
 * CloudWatch does for a standard-resolution metric.
 */
export async function periodData(
  storage: Storage,
  metrics: Metrics,
  series: string,
  startMs: number,
  endMs: number,
  periodSeconds: number,
): Promise<Datapoint[]> {
  await metrics.flush();
  const first = minuteOf(startMs);
  const last = Math.ceil(endMs / 60_000);
  const minutesPerPeriod = Math.max(1, Math.floor(periodSeconds / 60));
  const minutes = await storage.read((tx) => readMinutes(tx, series, first, last));
  const periods = new Map<number, Stat>();
  for (const { minute, stat } of minutes) {
    const period = first + Math.floor((minute - first) / minutesPerPeriod) * minutesPerPeriod;
    const held = periods.get(period);
    periods.set(period, held === undefined ? stat : mergeStats(held, stat));
  }
  return [...periods].map(([period, stat]) => ({ timestamp: period * 60_000, stat }));
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

export function statisticOf(stat: Stat, statistic: Statistic): number {
  switch (statistic) {
    case 'SampleCount':
      return stat.count;
    case 'Average':
      return stat.count === 0 ? 0 : stat.sum / stat.count;
    case 'Sum':
      return stat.sum;
    case 'Minimum':
      return stat.min;
    case 'Maximum':
      return stat.max;
  }
}
