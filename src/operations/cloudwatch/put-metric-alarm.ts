/**
 * PutMetricAlarm: creates an alarm on one metric, or replaces an existing
 * alarm's configuration. A new alarm starts in INSUFFICIENT_DATA ("Unchecked:
 * Initial alarm creation"); an update keeps the state and, as the API
 * reference says, ignores Tags. An alarm on a metric nobody records is
 * accepted, as CloudWatch accepts it, and stays without data.
 *
 * Not supported, and refused rather than accepted and never evaluated:
 * metric math (Metrics, ThresholdMetricId and the anomaly-band comparisons)
 * and percentiles (ExtendedStatistic), which need data Dynalith does not keep
 * (per-minute sums, counts and extremes only). GetMetricData and
 * GetMetricStatistics refuse the same with the same codes.
 *
 * Error texts: "MetricName must not be null", "Statistic should not be set if
 * list of Metrics is set." and "DatapointsToAlarm must be less than or equal
 * to EvaluationPeriods" (ValidationError) are live CloudWatch's, quoted in
 * public issues (terraform-provider-aws#11105, cfn-lint#766, terraform#24070).
 * The "mutually exclusive" one follows the text CloudWatch answers for
 * PutMetricData's Value and StatisticValues (LocalStack's snapshots). No
 * recording was found of the others (period, period span, missing Period,
 * Threshold or statistic, TreatMissingData); they follow other emulators'
 * texts in CloudWatch's style.
 */
import { defineOperation } from '../operation.js';
import { bool, double, int, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import type { Statistic } from '../../features/metrics/metric-query.js';
import type { Dimension } from '../../features/metrics/metric-series.js';
import { COMPARISONS, MISSING_DATA_TREATMENTS, type AlarmConfiguration, type AlarmRecord, type Comparison, type MissingDataTreatment, type Tag } from '../../features/alarms/alarm-record.js';
import { readAlarm, writeAlarm } from '../../features/alarms/alarm-store.js';
import { INITIAL_REASON } from '../../features/alarms/state-reason.js';
import { dimensionsShape, periodShape } from './metric-shapes.js';
import { alarmNameShape, comparisonShape, statisticShape, unitShape } from './alarm-shapes.js';

interface PutMetricAlarmRequest {
  readonly AlarmName: string;
  readonly AlarmDescription?: string;
  readonly ActionsEnabled?: boolean;
  readonly OKActions?: readonly string[];
  readonly AlarmActions?: readonly string[];
  readonly InsufficientDataActions?: readonly string[];
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Statistic?: Statistic;
  readonly ExtendedStatistic?: string;
  readonly Dimensions?: readonly Dimension[];
  readonly Period?: number;
  readonly Unit?: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold?: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData?: string;
  readonly EvaluateLowSampleCountPercentile?: string;
  readonly Metrics?: readonly unknown[];
  readonly Tags?: readonly Tag[];
  readonly ThresholdMetricId?: string;
}

const actionsShape = list(str({ minLength: 1, maxLength: 1024 }), { maxLength: 5 });

/** The parameters a metric math alarm leaves to its Metrics, in the API reference's order. */
const SINGLE_METRIC_PARAMETERS = ['Namespace', 'MetricName', 'Dimensions', 'Period', 'Unit', 'Statistic', 'ExtendedStatistic'] as const;

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;

function invalid(message: string): CloudWatchError {
  return new CloudWatchError('ValidationError', message);
}

function isComparison(value: string): value is Comparison {
  return (COMPARISONS as readonly string[]).includes(value);
}

function isTreatment(value: string): value is MissingDataTreatment {
  return (MISSING_DATA_TREATMENTS as readonly string[]).includes(value);
}

/** The request's alarm configuration, after CloudWatch's checks of how its parameters go together. */
function configurationOf(request: PutMetricAlarmRequest): AlarmConfiguration {
  // The API reference: an alarm name "can't contain ASCII control characters".
  if (/[\u0000-\u001f\u007f]/.test(request.AlarmName)) throw invalid('AlarmName must not contain ASCII control characters.');
  if (request.Metrics !== undefined) {
    const clash = SINGLE_METRIC_PARAMETERS.find((name) => request[name] !== undefined);
    if (clash !== undefined) throw invalid(`${clash} should not be set if list of Metrics is set.`);
    throw invalid('Metric math alarms (Metrics) are not supported by Dynalith; alarm on one metric with MetricName, Namespace, Statistic and Period.');
  }
  if (request.ThresholdMetricId !== undefined || !isComparison(request.ComparisonOperator)) {
    throw invalid(`Anomaly detection alarms (ThresholdMetricId, ${request.ComparisonOperator}) need metric math, which Dynalith does not support.`);
  }
  if (request.MetricName === undefined) throw invalid('MetricName must not be null');
  if (request.Namespace === undefined) throw invalid('Namespace must not be null');
  if (request.Statistic !== undefined && request.ExtendedStatistic !== undefined) {
    throw new CloudWatchError('InvalidParameterCombination', 'The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.');
  }
  if (request.ExtendedStatistic !== undefined) throw new CloudWatchError('InvalidParameterValue', 'ExtendedStatistic (percentiles) is not kept by Dynalith; set Statistic.');
  if (request.Statistic === undefined) throw new CloudWatchError('MissingParameter', 'The parameter Statistic or the parameter ExtendedStatistic must be specified.');
  if (request.Period === undefined) throw new CloudWatchError('MissingParameter', 'The parameter Period must be specified.');
  // API reference: "Valid values are 10, 20, 30, and any multiple of 60."
  if (![10, 20, 30].includes(request.Period) && request.Period % 60 !== 0) throw invalid('Period must be 10, 20, 30 or a multiple of 60');
  // API reference: Period × EvaluationPeriods at most a week, and a day for periods under an hour.
  const span = request.Period * request.EvaluationPeriods;
  if (request.Period < 3600 && span > DAY_SECONDS) {
    throw new CloudWatchError('InvalidParameterCombination', 'Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400).');
  }
  if (span > WEEK_SECONDS) throw new CloudWatchError('InvalidParameterCombination', 'Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800).');
  if (request.Threshold === undefined) throw new CloudWatchError('MissingParameter', 'The parameter Threshold must be specified.');
  if (request.DatapointsToAlarm !== undefined && request.DatapointsToAlarm > request.EvaluationPeriods) throw invalid('DatapointsToAlarm must be less than or equal to EvaluationPeriods');
  if (request.TreatMissingData !== undefined && !isTreatment(request.TreatMissingData)) {
    throw invalid(`The value ${request.TreatMissingData} is not supported for TreatMissingData parameter. Supported values are [breaching, notBreaching, ignore, missing].`);
  }
  if (request.EvaluateLowSampleCountPercentile !== undefined) {
    throw invalid(`Option evaluateLowSampleCountPercentile can not be applied with statistic ${request.Statistic}. This option is enabled only for percentile statistics.`);
  }
  return {
    AlarmName: request.AlarmName,
    ...(request.AlarmDescription === undefined ? {} : { AlarmDescription: request.AlarmDescription }),
    ActionsEnabled: request.ActionsEnabled ?? true,
    OKActions: request.OKActions ?? [],
    AlarmActions: request.AlarmActions ?? [],
    InsufficientDataActions: request.InsufficientDataActions ?? [],
    MetricName: request.MetricName,
    Namespace: request.Namespace,
    Statistic: request.Statistic,
    Dimensions: request.Dimensions ?? [],
    Period: request.Period,
    ...(request.Unit === undefined ? {} : { Unit: request.Unit }),
    EvaluationPeriods: request.EvaluationPeriods,
    ...(request.DatapointsToAlarm === undefined ? {} : { DatapointsToAlarm: request.DatapointsToAlarm }),
    Threshold: request.Threshold,
    ComparisonOperator: request.ComparisonOperator,
    ...(request.TreatMissingData === undefined ? {} : { TreatMissingData: request.TreatMissingData }),
  };
}

export const putMetricAlarm = defineOperation<PutMetricAlarmRequest>({
  name: 'PutMetricAlarm',
  shape: struct('PutMetricAlarmInput', {
    AlarmName: { ...alarmNameShape, required: true },
    AlarmDescription: str({ maxLength: 1024 }),
    ActionsEnabled: bool(),
    OKActions: actionsShape,
    AlarmActions: actionsShape,
    InsufficientDataActions: actionsShape,
    MetricName: str({ minLength: 1, maxLength: 255 }),
    Namespace: str({ minLength: 1, maxLength: 255, pattern: '[^:].*' }),
    Statistic: statisticShape,
    ExtendedStatistic: str(),
    Dimensions: dimensionsShape,
    Period: periodShape,
    Unit: unitShape,
    // Optional in the model only for PromQL alarms (EvaluationCriteria), which are not supported.
    EvaluationPeriods: int({ required: true, min: 1 }),
    DatapointsToAlarm: int({ min: 1 }),
    Threshold: double(),
    ComparisonOperator: { ...comparisonShape, required: true },
    TreatMissingData: str({ minLength: 1, maxLength: 255 }),
    EvaluateLowSampleCountPercentile: str({ minLength: 1, maxLength: 255 }),
    Metrics: list(struct('MetricDataQuery', {})),
    Tags: list(struct('Tag', { Key: str({ required: true, minLength: 1, maxLength: 128 }), Value: str({ required: true, maxLength: 256 }) })),
    ThresholdMetricId: str({ minLength: 1, maxLength: 255 }),
  }),
  async execute(request, { namespace, services }) {
    const configuration = configurationOf(request);
    const now = Date.now();
    await services.storage.write((tx) => {
      const existing = readAlarm(tx, namespace, request.AlarmName);
      const state =
        existing === undefined
          ? { StateValue: 'INSUFFICIENT_DATA' as const, StateReason: INITIAL_REASON, stateUpdatedAt: now, stateTransitionedAt: now }
          : {
              StateValue: existing.StateValue,
              StateReason: existing.StateReason,
              ...(existing.StateReasonData === undefined ? {} : { StateReasonData: existing.StateReasonData }),
              stateUpdatedAt: existing.stateUpdatedAt,
              stateTransitionedAt: existing.stateTransitionedAt,
            };
      const alarm: AlarmRecord = {
        account: namespace.account,
        region: namespace.region,
        ...configuration,
        ...state,
        Tags: existing?.Tags ?? request.Tags ?? [],
        // Never the time it had: the evaluator tells an updated alarm by this.
        configurationUpdatedAt: existing === undefined ? now : Math.max(now, existing.configurationUpdatedAt + 1),
      };
      writeAlarm(tx, alarm);
    });
    return {};
  },
});
