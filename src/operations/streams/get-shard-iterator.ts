/** GetShardIterator: a position in a shard to read from, by iterator type. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { requireStream, shardEnd } from '../../features/streams/stream-reader.js';
import { encodeIterator } from '../../features/streams/shard-iterator.js';
import { parseSequence } from '../../features/streams/stream-arn.js';
import { trimmedDataAccess } from '../../features/streams/trimmed.js';
import { shardIdMember, streamArnMember } from './stream-shapes.js';

type IteratorType = 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';

interface GetShardIteratorRequest {
  readonly StreamArn: string;
  readonly ShardId: string;
  readonly ShardIteratorType: IteratorType;
  readonly SequenceNumber?: string;
}

const INVALID = 'One or more parameter values were invalid: ';

export const getShardIterator = defineOperation<GetShardIteratorRequest>({
  name: 'GetShardIterator',
  shape: struct('GetShardIteratorInput', {
    StreamArn: streamArnMember(true),
    ShardId: shardIdMember(true),
    ShardIteratorType: str({ required: true, enum: ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] }),
    SequenceNumber: str({ minLength: 21, maxLength: 40 }),
  }),
  async execute(request, { namespace, services }) {
    const type = request.ShardIteratorType;
    const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
    if (!bySequence && request.SequenceNumber !== undefined) throw validation(`${INVALID}SequenceNumber should not be passed for this iterator type`);
    const sequence = request.SequenceNumber === undefined ? undefined : parseSequence(request.SequenceNumber);
    if (bySequence && sequence === undefined) throw validation(`${INVALID}Invalid SequenceNumber`);
    const snapshot = await requireStream(services.storage, namespace, request.StreamArn);
    const shard = snapshot.shards.find((candidate) => candidate.ShardId === request.ShardId);
    if (shard === undefined) {
      throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Shard does not exist`);
    }
    const { head } = snapshot;
    const end = shardEnd(snapshot, shard);
    // A shard's numbers run from its own starting number to its last record's.
    const afterLast = end === undefined ? snapshot.next : end + 1;
    let next: number;
    if (type === 'TRIM_HORIZON') next = Math.max(shard.start, head.trimmedBelow);
    else if (type === 'LATEST') next = afterLast;
    else {
      const at = sequence! + (type === 'AFTER_SEQUENCE_NUMBER' ? 1 : 0);
      if (sequence! < shard.start || sequence! >= afterLast) throw validation(`${INVALID}Invalid SequenceNumber`);
      if (sequence! < head.trimmedBelow) throw trimmedDataAccess();
      next = at;
    }
    return { ShardIterator: encodeIterator(services.secret, namespace, { arn: snapshot.meta.arn, shardId: shard.ShardId, next, issuedAt: Date.now() }) };
  },
});
