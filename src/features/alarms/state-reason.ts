/**
 * The StateReason and StateReasonData CloudWatch writes when an alarm's
 * state changes, in its words. The texts follow live alarms' messages, as
 * quoted in public code and in LocalStack's snapshots recorded against AWS:
 *
 * - "Unchecked: Initial alarm creation"
 * - "Insufficient Data: 1 datapoint was unknown."
 * - "Threshold Crossed: 1 datapoint [21.5 (dd/MM/yy HH:mm:ss)] was greater
 *   than the threshold (21.0)." for an alarm without DatapointsToAlarm;
 * - "Threshold Crossed: 2 out of the last 4 datapoints [10.7 (08/11/22
 *   02:40:00), ...] were greater than the threshold (10.7) (minimum 2
 *   datapoints for OK -> ALARM transition)." for an "M out of N" alarm, and
 *   "... was not greater than ... (minimum 1 datapoint for ALARM -> OK
 *   transition)." back (an OK needs N - M + 1 datapoints within the threshold);
 * - "Threshold Crossed: no datapoints were received for 2 periods and 2
 *   missing datapoints were treated as [Breaching]." ([NonBreaching] for OK).
 *
 * Numbers are printed as Java prints doubles (21.0, 1.0E7), dates in UTC.
 * StateReasonData is CloudWatch's JSON (version, queryDate, startDate, unit,
 * statistic, period, recentDatapoints oldest first, threshold,
 * evaluatedDatapoints newest first).
 */
import type { AlarmConfiguration, AlarmState, Comparison } from './alarm-record.js';
import type { AlarmDatapoint, Verdict } from './alarm-rules.js';

export const INITIAL_REASON = 'Unchecked: Initial alarm creation';

const RELATIONS: Readonly<Record<Comparison, string>> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** A double as Java's Double.toString writes it. */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const size = Math.abs(value);
  if (size >= 1e-3 && size < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** dd/MM/yy HH:mm:ss in UTC, as a datapoint's time reads in a StateReason. */
export function reasonDate(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** 2019-10-01T13:56:40.985+0000: the times in StateReasonData and in notifications. */
export function cloudWatchTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export interface ReasonContext {
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Whether the alarm names DatapointsToAlarm ("M out of N" wording) or not. */
  readonly outOf: boolean;
  readonly from: AlarmState;
}

export function stateReason(verdict: Verdict, context: ReasonContext): string {
  if (verdict.state === 'INSUFFICIENT_DATA') return `Insufficient Data: ${plural(verdict.missing, 'datapoint')} ${verdict.missing === 1 ? 'was' : 'were'} unknown.`;
  if (verdict.deciding.length === 0 && verdict.filledAs !== undefined) {
    return `Threshold Crossed: no datapoints were received for ${plural(verdict.missing, 'period')} and ${plural(verdict.missing, 'missing datapoint')} ${verdict.missing === 1 ? 'was' : 'were'} treated as [${verdict.filledAs}].`;
  }
  const listed = verdict.deciding.map((point) => `${javaDouble(point.value)} (${reasonDate(point.timestamp)})`).join(', ');
  const relation = `${verdict.count === 1 ? 'was' : 'were'} ${verdict.state === 'OK' ? 'not ' : ''}${RELATIONS[context.comparison]} the threshold (${javaDouble(context.threshold)})`;
  if (!context.outOf) return `Threshold Crossed: ${plural(verdict.count, 'datapoint')} [${listed}] ${relation}.`;
  const minimum = verdict.state === 'ALARM' ? context.datapointsToAlarm : context.evaluationPeriods - context.datapointsToAlarm + 1;
  return `Threshold Crossed: ${verdict.count} out of the last ${context.evaluationPeriods} datapoints [${listed}] ${relation} (minimum ${plural(minimum, 'datapoint')} for ${context.from} -> ${verdict.state} transition).`;
}

/**
 * StateReasonData for an evaluation at `queryMs` over the periods starting
 * at `periodStarts` (newest first). JSON.stringify writes whole doubles
 * without CloudWatch's ".0"; parsers read the same numbers.
 */
export function stateReasonData(
  alarm: Pick<AlarmConfiguration, 'Unit' | 'Statistic' | 'Period' | 'Threshold'>,
  datapoints: readonly AlarmDatapoint[],
  periodStarts: readonly number[],
  queryMs: number,
): string {
  const byStart = new Map(datapoints.map((point) => [point.timestamp, point]));
  const oldestWithData = [...periodStarts].reverse().find((start) => byStart.has(start));
  return JSON.stringify({
    version: '1.0',
    queryDate: cloudWatchTime(queryMs),
    ...(oldestWithData === undefined ? {} : { startDate: cloudWatchTime(oldestWithData) }),
    ...(alarm.Unit === undefined ? {} : { unit: alarm.Unit }),
    statistic: alarm.Statistic,
    period: alarm.Period,
    recentDatapoints: [...periodStarts].reverse().flatMap((start) => {
      const point = byStart.get(start);
      return point === undefined ? [] : [point.value];
    }),
    threshold: alarm.Threshold,
    evaluatedDatapoints: periodStarts.map((start) => {
      const point = byStart.get(start);
      return point === undefined ? { timestamp: cloudWatchTime(start) } : { timestamp: cloudWatchTime(start), sampleCount: point.sampleCount, value: point.value };
    }),
  });
}
