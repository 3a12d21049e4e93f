/**
 * The alarm evaluator: every --alarm-interval-ms (CloudWatch: each minute),
 * the one process holding the 'alarms' lease reads every alarm, gathers its
 * metric's statistic over its last EvaluationPeriods periods from the stored
 * one-minute data (metric-query.ts), judges the state they call for
 * (alarm-rules.ts) and writes a change with CloudWatch's reason texts, which
 * logs it and notifies the webhooks (state-change.ts).
 *
 * The periods are aligned to multiples of the period and end with the one
 * still open, so a breach counts within one interval rather than after the
 * period closes (CloudWatch waits for a period to fill; tests should not
 * have to wait a minute). Periods under a minute (10, 20, 30 s) evaluate
 * whole minutes: DynamoDB's metrics have one-minute resolution.
 */
import type { Services } from '../../engine/services.js';
import { Lease } from '../../engine/leases.js';
import { startPeriodicJob, type PeriodicJob } from '../../engine/periodic-job.js';
import { periodData, statisticOf } from '../metrics/metric-query.js';
import { seriesText } from '../metrics/metric-series.js';
import { unitOf } from '../metrics/dynamodb-metrics.js';
import type { AlarmRecord } from './alarm-record.js';
import { readAllAlarms } from './alarm-store.js';
import { effectiveTreatment, judge, type AlarmDatapoint } from './alarm-rules.js';
import { stateReason, stateReasonData } from './state-reason.js';
import { announce, writeState } from './state-change.js';

/** The alarm's datapoints over its evaluation periods at `now`, and those periods' starts (newest first). */
async function evaluationData(services: Services, alarm: AlarmRecord, now: number): Promise<{ datapoints: AlarmDatapoint[]; periodStarts: number[] }> {
  const periodMs = Math.max(60, alarm.Period) * 1000;
  const current = Math.floor(now / periodMs) * periodMs;
  const periodStarts = Array.from({ length: alarm.EvaluationPeriods }, (_, i) => current - i * periodMs);
  // A unit other than the metric's selects no data, as in GetMetricStatistics.
  if (alarm.Unit !== undefined && alarm.Unit !== unitOf(alarm.MetricName)) return { datapoints: [], periodStarts };
  const series = seriesText({ account: alarm.account, region: alarm.region, namespace: alarm.Namespace, metric: alarm.MetricName, dimensions: alarm.Dimensions });
  const data = await periodData(services.storage, services.metrics, series, periodStarts[periodStarts.length - 1]!, current + periodMs, periodMs / 1000);
  return { datapoints: data.map(({ timestamp, stat }) => ({ timestamp, value: statisticOf(stat, alarm.Statistic), sampleCount: stat.count })), periodStarts };
}

export async function evaluateAlarm(services: Services, alarm: AlarmRecord, now: number): Promise<void> {
  const { datapoints, periodStarts } = await evaluationData(services, alarm, now);
  const rule = {
    comparison: alarm.ComparisonOperator,
    threshold: alarm.Threshold,
    evaluationPeriods: alarm.EvaluationPeriods,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
    treatMissingData: effectiveTreatment(alarm.Namespace, alarm.TreatMissingData),
  };
  const verdict = judge(rule, datapoints);
  if (verdict === undefined || verdict.state === alarm.StateValue) return;
  const reason = stateReason(verdict, { ...rule, outOf: alarm.DatapointsToAlarm !== undefined, from: alarm.StateValue });
  const next = { value: verdict.state, reason, reasonData: stateReasonData(alarm, datapoints, periodStarts, now) };
  const change = await writeState(services, alarm, alarm.AlarmName, next, now, alarm);
  if (change !== undefined) announce(services, change);
}

export function startAlarmEvaluator(services: Services): PeriodicJob {
  const { storage, config, logger } = services;
  return startPeriodicJob({
    intervalMs: config.alarmIntervalMs,
    // Another process takes over within this once the holder stops renewing.
    lease: new Lease(storage, 'alarms', Math.max(2000, 3 * config.alarmIntervalMs)),
    onError: (error) => logger.warn({ err: error }, 'alarm evaluation round failed'),
    async round(stopped) {
      const alarms = await storage.read((tx) => readAllAlarms(tx));
      const now = Date.now();
      for (const alarm of alarms) {
        if (stopped()) return;
        // One alarm that cannot be evaluated (a store failure) does not stop the others.
        await evaluateAlarm(services, alarm, now).catch((error: unknown) => logger.warn({ err: error, alarm: alarm.AlarmName }, 'alarm evaluation failed'));
      }
    },
  });
}
