/** DescribeStream: a stream's status, view type, key schema and shards (in pages, oldest first). */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { renderShard, requireStream } from '../../features/streams/stream-reader.js';
import type { Shard } from '../../features/streams/stream-state.js';
import { checkLimit, shardIdMember, streamArnMember } from './stream-shapes.js';

interface DescribeStreamRequest {
  readonly StreamArn: string;
  readonly Limit?: number;
  readonly ExclusiveStartShardId?: string;
  readonly ShardFilter?: { readonly Type?: 'CHILD_SHARDS'; readonly ShardId?: string };
}

const MAX_LIMIT = 100;

// The validation messages of ShardFilter are DynamoDB Local 3.3.1's; no
// response recorded against live DynamoDB was found.
function checkShardFilter(request: DescribeStreamRequest): void {
  if (request.ShardFilter === undefined) return;
  if (request.ShardFilter.Type === undefined) {
    throw validation("1 validation error detected: Value 'null' at 'shardFilter.type' failed to satisfy constraint: Member must be CHILD_SHARDS");
  }
  if (request.ExclusiveStartShardId !== undefined) {
    throw validation('ShardFilter and ExclusiveStartShardId both should not be specified in the request.');
  }
}

/**
 * The shards a request asks for, before paging: a filter's children of one
 * shard, or those after ExclusiveStartShardId. Shards are kept in id order
 * (ids embed their creation time), and a start id is a position in that order
 * whether or not such a shard exists, as in DynamoDB: a start after the last
 * shard answers none (ScyllaDB's Alternator tests, run against AWS; DynamoDB
 * Local 3.3.1 alike).
 */
function selectShards(shards: readonly Shard[], request: DescribeStreamRequest): readonly Shard[] {
  const parent = request.ShardFilter?.ShardId;
  if (request.ShardFilter !== undefined) return shards.filter((shard) => parent !== undefined && shard.ParentShardId === parent);
  const start = request.ExclusiveStartShardId;
  return start === undefined ? shards : shards.filter((shard) => shard.ShardId > start);
}

export const describeStream = defineOperation<DescribeStreamRequest>({
  name: 'DescribeStream',
  shape: struct('DescribeStreamInput', {
    StreamArn: streamArnMember(true),
    Limit: int({ min: 1 }),
    ExclusiveStartShardId: shardIdMember(false),
    ShardFilter: struct('ShardFilter', { Type: str({ enum: ['CHILD_SHARDS'] }), ShardId: shardIdMember(false) }),
  }),
  async execute(request, { namespace, services }) {
    const limit = checkLimit(request.Limit, MAX_LIMIT, 'Limit cannot be greater than the maximum');
    checkShardFilter(request);
    const snapshot = await requireStream(services.storage, namespace, request.StreamArn);
    const { meta } = snapshot;
    const selected = selectShards(snapshot.shards, request);
    const shards = selected.slice(0, limit);
    return {
      StreamDescription: {
        StreamArn: meta.arn,
        StreamLabel: meta.label,
        StreamStatus: snapshot.open ? 'ENABLED' : 'DISABLED',
        StreamViewType: meta.viewType,
        CreationRequestDateTime: meta.createdAt / 1000,
        TableName: meta.TableName,
        KeySchema: meta.KeySchema,
        Shards: shards.map((shard) => renderShard(snapshot, shard)),
        ...(selected.length > limit ? { LastEvaluatedShardId: shards[shards.length - 1]!.ShardId } : {}),
      },
    };
  },
});
