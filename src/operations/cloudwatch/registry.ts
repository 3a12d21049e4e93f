/**
 * The CloudWatch operations served on the same endpoint
 * (`X-Amz-Target: GraniteServiceVersion20100801.<name>`, the JSON protocol
 * @aws-sdk/client-cloudwatch speaks): the metrics DynamoDB publishes and the
 * alarms on them. Loaded on first use.
 */
import { operationTable } from '../operation-table.js';
import type { DynamoError } from '../../protocol/errors.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';

export const findCloudWatchOperation = operationTable({
  GetMetricData: async () => (await import('./get-metric-data.js')).getMetricData,
  GetMetricStatistics: async () => (await import('./get-metric-statistics.js')).getMetricStatistics,
  ListMetrics: async () => (await import('./list-metrics.js')).listMetrics,
  PutMetricAlarm: async () => (await import('./put-metric-alarm.js')).putMetricAlarm,
  DescribeAlarms: async () => (await import('./describe-alarms.js')).describeAlarms,
  DescribeAlarmsForMetric: async () => (await import('./describe-alarms-for-metric.js')).describeAlarmsForMetric,
  DeleteAlarms: async () => (await import('./delete-alarms.js')).deleteAlarms,
  SetAlarmState: async () => (await import('./set-alarm-state.js')).setAlarmState,
  GetInsightRuleReport: async () => (await import('./get-insight-rule-report.js')).getInsightRuleReport,
  DescribeInsightRules: async () => (await import('./describe-insight-rules.js')).describeInsightRules,
});

/**
 * A request outside the model's constraints: CloudWatch's front end answers
 * with the code ValidationError and the same "N validation errors detected"
 * text as DynamoDB's (AWS CLI output quoted in user reports, e.g.
 * "An error occurred (ValidationError) when calling the PutMetricAlarm
 * operation: 1 validation error detected: ..."). Syntax errors stay as they are.
 */
export function cloudWatchRefusal(error: DynamoError): DynamoError | CloudWatchError {
  return error.type === 'ValidationException' ? new CloudWatchError('ValidationError', error.message) : error;
}
