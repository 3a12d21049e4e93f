/**
 * The DynamoDB Streams API operations (`X-Amz-Target: DynamoDBStreams_20120810.<name>`),
 * by API name; loaded on first use, since most servers never see one.
 */
import { operationTable } from '../operation-table.js';

export const findStreamsOperation = operationTable({
  ListStreams: async () => (await import('./list-streams.js')).listStreams,
  DescribeStream: async () => (await import('./describe-stream.js')).describeStream,
  GetShardIterator: async () => (await import('./get-shard-iterator.js')).getShardIterator,
  GetRecords: async () => (await import('./get-records.js')).getRecords,
});
