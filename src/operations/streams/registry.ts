/** The DynamoDB Streams API operations (`X-Amz-Target: DynamoDBStreams_20120810.<name>`), by API name. */
import type { Operation } from '../operation.js';
import { listStreams } from './list-streams.js';
import { describeStream } from './describe-stream.js';
import { getShardIterator } from './get-shard-iterator.js';
import { getRecords } from './get-records.js';

const operations: readonly Operation<never>[] = [listStreams, describeStream, getShardIterator, getRecords];

const byName = new Map<string, Operation<unknown>>(
  operations.map((operation) => [operation.name, operation as unknown as Operation<unknown>]),
);

export function findStreamsOperation(name: string): Operation<unknown> | undefined {
  return byName.get(name);
}
