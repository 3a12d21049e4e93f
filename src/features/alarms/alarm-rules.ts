/**
 * How CloudWatch decides a metric alarm's state from the datapoints of its
 * last EvaluationPeriods periods (the CloudWatch User Guide's "Alarm
 * evaluation" and "Configuring how CloudWatch alarms treat missing data"):
 *
 * - a datapoint breaches when its statistic compared with the threshold holds;
 * - the alarm goes to ALARM when at least DatapointsToAlarm (M, default
 *   EvaluationPeriods) of the evaluated datapoints breach, else to OK;
 * - a period without data is filled in as breaching (`breaching`) or not
 *   (`notBreaching`), or left out (`missing`, `ignore`). With datapoints left
 *   out, fewer than M may remain: then all of those must breach. Live alarms
 *   do this: a "3 out of 3" alarm with `missing` went to ALARM on "1 out of
 *   the last 3 datapoints [0.0] was less than the threshold (minimum 3
 *   datapoints for OK -> ALARM transition)" (alarm history quoted in a public
 *   runbook found by find_string);
 * - with no datapoint at all, `missing` gives INSUFFICIENT_DATA and `ignore`
 *   keeps the current state.
 *
 * The API reference (PutMetricAlarm, TreatMissingData) adds: "Alarms that
 * evaluate metrics in the AWS/DynamoDB namespace always ignore missing data
 * even if you choose a different option", so a DynamoDB alarm keeps its
 * state through periods without data (ThrottledRequests has none while
 * nothing is throttled).
 */
import type { AlarmState, Comparison, MissingDataTreatment } from './alarm-record.js';
import { DYNAMODB_NAMESPACE } from '../metrics/metric-series.js';

export interface AlarmDatapoint {
  /** Start of the period, milliseconds since the epoch. */
  readonly timestamp: number;
  /** The alarm's statistic over the period. */
  readonly value: number;
  readonly sampleCount: number;
}

export interface AlarmRule {
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingDataTreatment;
}

export interface Verdict {
  readonly state: AlarmState;
  /** The real datapoints behind the state, newest first: the breaching ones for ALARM, the others for OK. */
  readonly deciding: readonly AlarmDatapoint[];
  /** How many evaluated datapoints (real or filled in) are on the state's side. */
  readonly count: number;
  /** Periods without data. */
  readonly missing: number;
  /** How the missing periods were counted, when they were. */
  readonly filledAs?: 'Breaching' | 'NonBreaching';
}

/** How each treatment counts a period without data, if it counts it at all. */
const FILLS: Readonly<Record<MissingDataTreatment, 'Breaching' | 'NonBreaching' | undefined>> = {
  breaching: 'Breaching',
  notBreaching: 'NonBreaching',
  ignore: undefined,
  missing: undefined,
};

export function breaches(comparison: Comparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/** The treatment that applies: DynamoDB's metrics always ignore missing data (see above). */
export function effectiveTreatment(namespace: string, chosen: MissingDataTreatment | undefined): MissingDataTreatment {
  return namespace === DYNAMODB_NAMESPACE ? 'ignore' : (chosen ?? 'missing');
}

/**
 * The state the datapoints of the evaluated periods (at most one per period,
 * any order) call for, or undefined when the current state is to be kept.
 */
export function judge(rule: AlarmRule, datapoints: readonly AlarmDatapoint[]): Verdict | undefined {
  const newestFirst = [...datapoints].sort((a, b) => b.timestamp - a.timestamp);
  const missing = Math.max(0, rule.evaluationPeriods - newestFirst.length);
  const filledAs = missing === 0 ? undefined : FILLS[rule.treatMissingData];
  const filled = filledAs === undefined ? {} : { filledAs };
  if (newestFirst.length === 0) {
    if (filledAs !== undefined) return { state: filledAs === 'Breaching' ? 'ALARM' : 'OK', deciding: [], count: missing, missing, ...filled };
    return rule.treatMissingData === 'missing' ? { state: 'INSUFFICIENT_DATA', deciding: [], count: 0, missing } : undefined;
  }
  const breaching = newestFirst.filter((point) => breaches(rule.comparison, point.value, rule.threshold));
  const within = newestFirst.filter((point) => !breaches(rule.comparison, point.value, rule.threshold));
  const evaluated = newestFirst.length + (filledAs === undefined ? 0 : missing);
  const breachCount = breaching.length + (filledAs === 'Breaching' ? missing : 0);
  if (breachCount >= Math.min(rule.datapointsToAlarm, evaluated)) return { state: 'ALARM', deciding: breaching, count: breachCount, missing, ...filled };
  return { state: 'OK', deciding: within, count: evaluated - breachCount, missing, ...filled };
}
