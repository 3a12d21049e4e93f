/** Stream ARNs and sequence numbers as DynamoDB Streams writes them. */
import { tableArn, type TableRecord } from '../../engine/table.js';
import { validation } from '../../protocol/errors.js';

export function streamArn(table: Pick<TableRecord, 'region' | 'account' | 'TableName'>, label: string): string {
  return `${tableArn(table)}/stream/${label}`;
}

// arn:<partition>:dynamodb:<region>:<account>:table/<table name>/stream/<label, a timestamp>
const STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255}\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/;

/**
 * Refuses text that is not a stream ARN at all; a well-formed ARN of a stream
 * that does not exist is the caller's ResourceNotFoundException. The message is
 * the one live DynamoDB Streams answered to DescribeStream (the AWS SDK for
 * JavaScript's integration tests, run against AWS); ScyllaDB's Alternator tests,
 * run against AWS, show GetShardIterator and ListStreams' ExclusiveStartStreamArn
 * refusing malformed ARNs with a ValidationException too. Exactly which ARNs
 * DynamoDB parses is not documented: this accepts the form it writes.
 */
export function checkStreamArn(arn: string): void {
  if (!STREAM_ARN.test(arn)) throw validation('Invalid StreamArn');
}

/** Sequence numbers are numeric strings of 21 digits or more; zero-padding keeps them sorting as text too. */
export function formatSequence(sequence: number): string {
  return String(sequence).padStart(21, '0');
}

/** A sequence number from a request, or undefined when it is not one of ours. */
export function parseSequence(text: string): number | undefined {
  if (!/^\d{1,40}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
