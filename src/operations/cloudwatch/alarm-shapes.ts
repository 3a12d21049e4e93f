/**
 * What the alarm operations share: the shapes of an alarm's name, state,
 * statistic, unit and comparison, as CloudWatch's model constrains them.
 */
import { str } from '../../protocol/shape.js';
import { STATISTICS } from '../../features/metrics/metric-query.js';
import { ALARM_STATES, COMPARISONS } from '../../features/alarms/alarm-record.js';

export const alarmNameShape = str({ minLength: 1, maxLength: 255 });

/** Listed in the order CloudWatch's validation message lists them ("[INSUFFICIENT_DATA, ALARM, OK]", recorded in LocalStack's snapshots). */
export const stateValueShape = str({ enum: ALARM_STATES });

export const statisticShape = str({ enum: STATISTICS });

/** The model's comparisons; the anomaly-band ones are refused by PutMetricAlarm itself. */
export const comparisonShape = str({ enum: [...COMPARISONS, 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'] });

/** StandardUnit. */
export const unitShape = str({
  enum: [
    'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits',
    'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second',
    'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
  ],
});
