/**
 * A metric alarm as stored: its configuration as PutMetricAlarm set it, and
 * its state as the evaluator or SetAlarmState last wrote it. Times are
 * milliseconds since the epoch; the API shows them as epoch seconds.
 */
import type { Dimension } from '../metrics/metric-series.js';
import type { Statistic } from '../metrics/metric-query.js';

export const ALARM_STATES = ['INSUFFICIENT_DATA', 'ALARM', 'OK'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** The comparisons of a static threshold (the anomaly-band ones need metric math, which is not supported). */
export const COMPARISONS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const MISSING_DATA_TREATMENTS = ['breaching', 'notBreaching', 'ignore', 'missing'] as const;
export type MissingDataTreatment = (typeof MISSING_DATA_TREATMENTS)[number];

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** What PutMetricAlarm sets; an update replaces all of it but the tags. */
export interface AlarmConfiguration {
  readonly AlarmName: string;
  readonly AlarmDescription?: string;
  readonly ActionsEnabled: boolean;
  readonly OKActions: readonly string[];
  readonly AlarmActions: readonly string[];
  readonly InsufficientDataActions: readonly string[];
  readonly MetricName: string;
  readonly Namespace: string;
  readonly Statistic: Statistic;
  readonly Dimensions: readonly Dimension[];
  readonly Period: number;
  readonly Unit?: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold: number;
  readonly ComparisonOperator: Comparison;
  readonly TreatMissingData?: MissingDataTreatment;
}

export interface AlarmStateRecord {
  readonly StateValue: AlarmState;
  readonly StateReason: string;
  readonly StateReasonData?: string;
  readonly stateUpdatedAt: number;
  readonly stateTransitionedAt: number;
}

export interface AlarmRecord extends AlarmConfiguration, AlarmStateRecord {
  readonly account: string;
  readonly region: string;
  readonly Tags: readonly Tag[];
  readonly configurationUpdatedAt: number;
}

export function alarmArn(alarm: Pick<AlarmRecord, 'account' | 'region' | 'AlarmName'>): string {
  return `arn:aws:cloudwatch:${alarm.region}:${alarm.account}:alarm:${alarm.AlarmName}`;
}

/** The alarm as DescribeAlarms shows it (a MetricAlarm); members never set are left out, as CloudWatch leaves them out. */
export function describeAlarm(alarm: AlarmRecord): Record<string, unknown> {
  return {
    AlarmName: alarm.AlarmName,
    AlarmArn: alarmArn(alarm),
    ...(alarm.AlarmDescription === undefined ? {} : { AlarmDescription: alarm.AlarmDescription }),
    AlarmConfigurationUpdatedTimestamp: alarm.configurationUpdatedAt / 1000,
    ActionsEnabled: alarm.ActionsEnabled,
    OKActions: alarm.OKActions,
    AlarmActions: alarm.AlarmActions,
    InsufficientDataActions: alarm.InsufficientDataActions,
    StateValue: alarm.StateValue,
    StateReason: alarm.StateReason,
    ...(alarm.StateReasonData === undefined ? {} : { StateReasonData: alarm.StateReasonData }),
    StateUpdatedTimestamp: alarm.stateUpdatedAt / 1000,
    MetricName: alarm.MetricName,
    Namespace: alarm.Namespace,
    Statistic: alarm.Statistic,
    Dimensions: alarm.Dimensions,
    Period: alarm.Period,
    ...(alarm.Unit === undefined ? {} : { Unit: alarm.Unit }),
    EvaluationPeriods: alarm.EvaluationPeriods,
    ...(alarm.DatapointsToAlarm === undefined ? {} : { DatapointsToAlarm: alarm.DatapointsToAlarm }),
    Threshold: alarm.Threshold,
    ComparisonOperator: alarm.ComparisonOperator,
    ...(alarm.TreatMissingData === undefined ? {} : { TreatMissingData: alarm.TreatMissingData }),
    StateTransitionedTimestamp: alarm.stateTransitionedAt / 1000,
  };
}
