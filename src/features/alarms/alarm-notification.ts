/**
 * The message an alarm's state change sends: the JSON CloudWatch publishes
 * to an SNS topic (AlarmName, AlarmDescription, AWSAccountId, NewStateValue,
 * NewStateReason, StateChangeTime, Region by its long name, AlarmArn,
 * OldStateValue, the actions and the Trigger with its dimensions as
 * {value, name} and its statistic in capitals), as recorded from live alarms
 * in LocalStack's snapshots and quoted in public notification handlers.
 * Dynalith has no SNS: the message is POSTed to every --alarm-webhook.
 */
import { alarmArn, type AlarmRecord, type AlarmState } from './alarm-record.js';
import { cloudWatchTime } from './state-reason.js';

/** The region names SNS messages carry (the AWS console's names); other regions go by their code. */
const REGION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ca-central-1': 'Canada (Central)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-north-1': 'EU (Stockholm)',
  'eu-south-1': 'EU (Milan)',
  'me-south-1': 'Middle East (Bahrain)',
  'sa-east-1': 'South America (Sao Paulo)',
};

/** SampleCount → SAMPLE_COUNT, Average → AVERAGE. */
function statisticName(statistic: string): string {
  return statistic.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The notification of `alarm` (already in its new state) having left `oldState`. */
export function alarmNotification(alarm: AlarmRecord, oldState: AlarmState): Record<string, unknown> {
  return {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: alarm.account,
    AlarmConfigurationUpdatedTimestamp: cloudWatchTime(alarm.configurationUpdatedAt),
    NewStateValue: alarm.StateValue,
    NewStateReason: alarm.StateReason,
    StateChangeTime: cloudWatchTime(alarm.stateUpdatedAt),
    Region: REGION_NAMES[alarm.region] ?? alarm.region,
    AlarmArn: alarmArn(alarm),
    OldStateValue: oldState,
    OKActions: alarm.OKActions,
    AlarmActions: alarm.AlarmActions,
    InsufficientDataActions: alarm.InsufficientDataActions,
    Trigger: {
      MetricName: alarm.MetricName,
      Namespace: alarm.Namespace,
      StatisticType: 'Statistic',
      Statistic: statisticName(alarm.Statistic),
      Unit: alarm.Unit ?? null,
      Dimensions: alarm.Dimensions.map(({ Name, Value }) => ({ value: Value, name: Name })),
      Period: alarm.Period,
      EvaluationPeriods: alarm.EvaluationPeriods,
      ...(alarm.DatapointsToAlarm === undefined ? {} : { DatapointsToAlarm: alarm.DatapointsToAlarm }),
      ComparisonOperator: alarm.ComparisonOperator,
      Threshold: alarm.Threshold,
      TreatMissingData: alarm.TreatMissingData ?? '',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}
