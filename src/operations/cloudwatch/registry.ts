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
