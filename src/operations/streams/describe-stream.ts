/** DescribeStream: a stream's status, view type, key schema and shards (in pages, oldest first). */
import { defineOperation } from '../operation.js';
import { int, struct } from '../../protocol/shape.js';
import { isOpen, renderShard, requireStream } from '../../features/streams/stream-reader.js';
import { shardIdMember, streamArnMember } from './stream-shapes.js';

interface DescribeStreamRequest {
  readonly StreamArn: string;
  readonly Limit?: number;
  readonly ExclusiveStartShardId?: string;
}

export const describeStream = defineOperation<DescribeStreamRequest>({
  name: 'DescribeStream',
  shape: struct('DescribeStreamInput', {
    StreamArn: streamArnMember(true),
    Limit: int({ min: 1, max: 100 }),
    ExclusiveStartShardId: shardIdMember(false),
  }),
  async execute(request, { services }) {
    const snapshot = await requireStream(services.storage, request.StreamArn);
    const { meta } = snapshot;
    const open = isOpen(meta, services.catalog.get(meta, meta.TableName));
    const startAt = request.ExclusiveStartShardId === undefined ? 0 : snapshot.shards.findIndex((shard) => shard.ShardId === request.ExclusiveStartShardId) + 1;
    const limit = request.Limit ?? 100;
    const shards = snapshot.shards.slice(startAt, startAt + limit);
    const more = startAt + limit < snapshot.shards.length;
    return {
      StreamDescription: {
        StreamArn: meta.arn,
        StreamLabel: meta.label,
        StreamStatus: open ? 'ENABLED' : 'DISABLED',
        StreamViewType: meta.viewType,
        CreationRequestDateTime: meta.createdAt / 1000,
        TableName: meta.TableName,
        KeySchema: meta.KeySchema,
        Shards: shards.map((shard) => renderShard(snapshot, shard, open)),
        ...(more ? { LastEvaluatedShardId: shards[shards.length - 1]!.ShardId } : {}),
      },
    };
  },
});
