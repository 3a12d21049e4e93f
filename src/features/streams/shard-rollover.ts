/**
 * Shard rollover, run inside the storage transaction of every change that
 * joins a table's stream, just before the change takes its sequence number:
 * when the open shard is full or old it closes at the last number handed out
 * and a child opens at a number of its own.
 */
import type { WriteTransaction } from '../../storage/storage.js';
import type { TableRecord } from '../../engine/table.js';
import { readLogHead, reserveSequence } from '../../engine/change-log.js';
import { headKey, shardKey, streamName } from './stream-keys.js';
import type { StreamSettings } from './stream-settings.js';
import { enabledStreamLabel, ensureStream, getJson, newShard, putJson, type Shard } from './stream-state.js';

export function rollShardIfDue(tx: WriteTransaction, table: TableRecord, settings: StreamSettings, now: number): void {
  const label = enabledStreamLabel(table);
  if (label === undefined) return;
  const name = streamName(table.id, label);
  const head = ensureStream(tx, table, label, table.StreamSpecification!.StreamViewType!, now);
  const open = getJson<Shard>(tx, shardKey(name, head.openShard))!;
  const last = (readLogHead(tx, table.id)?.next ?? open.start + 1) - 1;
  // While the stream is open every change of the log is one of its records.
  const records = last - open.start;
  if (records === 0 || (records < settings.shardMaxRecords && now - open.createdAt < settings.shardMaxAgeMs)) return;
  putJson(tx, shardKey(name, open.index), { ...open, end: last });
  // Shard ids embed the creation time; a child a millisecond younger than its
  // parent still sorts after it, as DescribeStream lists shards in id order.
  const child = newShard(open.index + 1, reserveSequence(tx, table), Math.max(now, open.createdAt + 1), open.ShardId);
  putJson(tx, shardKey(name, child.index), child);
  putJson(tx, headKey(name), { ...head, openShard: child.index });
}
