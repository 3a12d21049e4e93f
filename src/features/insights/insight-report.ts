/**
 * A Contributor Insights rule's report, as CloudWatch's GetInsightRuleReport
 * gives it: the rule's stored minutes (this process's counts flushed first)
 * gathered into periods from the start's minute; the contributors ranked
 * over the whole range by their sum or by their largest period; the
 * statistics asked for, per period. Values are as exact as the stored
 * minutes, which keep each minute's largest contributors (insight-store.ts).
 */
import type { Storage } from '../../storage/storage.js';
import { mergeStats, minuteOf, type Stat } from '../metrics/metric-series.js';
import type { InsightCounter } from './insight-counter.js';
import { readInsightMinutes } from './insight-store.js';
import { keyLabels, resourceId, settingOf, type InsightRule } from './insight-rules.js';

export const REPORT_METRICS = ['UniqueContributors', 'MaxContributorValue', 'SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'] as const;
export type ReportMetric = (typeof REPORT_METRICS)[number];

export interface ReportRequest {
  readonly startMs: number;
  readonly endMs: number;
  readonly periodSeconds: number;
  readonly maxContributors: number;
  readonly metrics: readonly ReportMetric[];
  readonly orderBy: 'Sum' | 'Maximum';
}

interface Period {
  total: Stat;
  readonly contributors: Map<string, number>;
}

interface Contributor {
  readonly keys: readonly string[];
  sum: number;
  max: number;
  readonly byPeriod: Map<number, number>;
}

function periodMetric(metric: ReportMetric, { total, contributors }: Period): number {
  switch (metric) {
    case 'UniqueContributors':
      return contributors.size;
    case 'MaxContributorValue':
      return Math.max(0, ...contributors.values());
    case 'SampleCount':
      return total.count;
    case 'Sum':
      return total.sum;
    case 'Minimum':
      return total.min;
    case 'Maximum':
      return total.max;
    case 'Average':
      return total.count === 0 ? 0 : total.sum / total.count;
  }
}

export async function insightReport(storage: Storage, counter: InsightCounter | undefined, rule: InsightRule, request: ReportRequest): Promise<object> {
  await counter?.flush();
  const series = { resource: resourceId(rule.resource), kind: rule.kind, rulesCreatedAt: settingOf(rule.resource)!.rulesCreatedAt };
  const first = minuteOf(request.startMs);
  const minutes = await storage.read((tx) => readInsightMinutes(tx, series, first, Math.ceil(request.endMs / 60_000)));
  const minutesPerPeriod = Math.max(1, Math.floor(request.periodSeconds / 60));
  const periods = new Map<number, Period>();
  const contributors = new Map<string, Contributor>();
  for (const { minute, total, contributors: counted } of minutes) {
    const start = first + Math.floor((minute - first) / minutesPerPeriod) * minutesPerPeriod;
    let period = periods.get(start);
    if (period === undefined) periods.set(start, (period = { total, contributors: new Map() }));
    else period.total = mergeStats(period.total, total);
    for (const { keys, sum } of counted) {
      const text = JSON.stringify(keys);
      period.contributors.set(text, (period.contributors.get(text) ?? 0) + sum);
      let contributor = contributors.get(text);
      if (contributor === undefined) contributors.set(text, (contributor = { keys, sum: 0, max: 0, byPeriod: new Map() }));
      contributor.sum += sum;
      contributor.byPeriod.set(start, (contributor.byPeriod.get(start) ?? 0) + sum);
    }
  }
  for (const contributor of contributors.values()) contributor.max = Math.max(...contributor.byPeriod.values());
  const rankOf = (contributor: Contributor) => (request.orderBy === 'Sum' ? contributor.sum : contributor.max);
  const ranked = [...contributors.values()].sort((a, b) => rankOf(b) - rankOf(a)).slice(0, request.maxContributors);
  let aggregate = 0;
  for (const period of periods.values()) aggregate += period.total.sum;
  return {
    KeyLabels: keyLabels(rule),
    AggregationStatistic: 'Sum',
    AggregateValue: aggregate,
    ApproximateUniqueCount: contributors.size,
    Contributors: ranked.map((contributor) => ({
      Keys: contributor.keys,
      ApproximateAggregateValue: rankOf(contributor),
      Datapoints: [...contributor.byPeriod].map(([start, value]) => ({ Timestamp: start * 60, ApproximateValue: value })),
    })),
    MetricDatapoints:
      request.metrics.length === 0
        ? []
        : [...periods].map(([start, period]) => {
            const datapoint: Record<string, number> = { Timestamp: start * 60 };
            for (const metric of request.metrics) datapoint[metric] = periodMetric(metric, period);
            return datapoint;
          }),
  };
}
