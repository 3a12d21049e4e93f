/**
 * GetRecords: up to Limit records (and about 1 MB) of a shard from the
 * iterator's position, and the iterator to continue with — none once a closed
 * shard has been read to its end. Records are rendered from the table's change log as JSON text once.
 */
import { defineOperation, RawJson } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { decodeIterator, encodeIterator } from '../../features/streams/shard-iterator.js';
import { readShardPage, shardClosed, shardEnd, streamNotFound } from '../../features/streams/stream-reader.js';
import { trimmedDataAccess } from '../../features/streams/trimmed.js';

interface GetRecordsRequest {
  readonly ShardIterator: string;
  readonly Limit?: number;
}

const MAX_LIMIT = 1000;

export const getRecords = defineOperation<GetRecordsRequest>({
  name: 'GetRecords',
  shape: struct('GetRecordsInput', {
    ShardIterator: str({ required: true, minLength: 1, maxLength: 2048 }),
    Limit: int({ min: 1 }),
  }),
  async execute(request, { namespace, services }) {
    const limit = request.Limit ?? MAX_LIMIT;
    if (limit > MAX_LIMIT) throw validation(`One or more parameter values were invalid: Limit should be less than or equal to ${MAX_LIMIT}`);
    const position = decodeIterator(services.secret, namespace, request.ShardIterator);
    const page = await readShardPage(services.storage, namespace, position.arn, position.shardId, position.next, limit);
    if (page === undefined) throw streamNotFound(position.arn);
    const { snapshot, shard, texts, next, cut } = page;
    if (position.next < snapshot.head.trimmedBelow) throw trimmedDataAccess();
    const end = shardEnd(snapshot, shard);
    // A page of a closed shard that stopped short of its limits has read all it will ever hold.
    const drained = shardClosed(snapshot, shard) && (!cut || (end !== undefined && next > end));
    const records = `{"Records":[${texts.join(',')}]`;
    if (drained) return new RawJson(`${records}}`);
    const iterator = encodeIterator(services.secret, namespace, { ...position, next, issuedAt: Date.now() });
    return new RawJson(`${records},"NextShardIterator":${JSON.stringify(iterator)}}`);
  },
});
