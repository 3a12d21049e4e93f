/**
 * Stream retention: records older than the retention period are deleted from
 * storage (the trim horizon moves past them), closed shards whose records are
 * all gone are dropped, and a closed stream with nothing left disappears.
 */
import type { ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { storedTableRecord } from '../../engine/catalog.js';
import { ARN_KEYS, arnKey, arnOfKey, headKey, recordRange, shardKey, streamKey } from './stream-keys.js';
import { putJson, readStreamByArn, type StreamSnapshot } from './stream-state.js';
import { isOpen } from './stream-reader.js';

/** Records trimmed per transaction, so one stream's backlog never holds the write lock long. */
const TRIM_BATCH = 1000;
const decoder = new TextDecoder();

function parseRecord(value: Uint8Array): { dynamodb: { ApproximateCreationDateTime: number; SequenceNumber: string } } {
  return JSON.parse(decoder.decode(value)) as { dynamodb: { ApproximateCreationDateTime: number; SequenceNumber: string } };
}

/** Whether trimming would change anything: its oldest record is past retention, or it is closed, empty and old. */
function trimDue(tx: ReadTransaction, snapshot: StreamSnapshot, cutoffMs: number, open: boolean): boolean {
  for (const { value } of tx.range({ ...recordRange(snapshot.name, snapshot.head.trimmedBelow), limit: 1 })) {
    return parseRecord(value).dynamodb.ApproximateCreationDateTime * 1000 < cutoffMs;
  }
  return !open && snapshot.meta.createdAt < cutoffMs;
}

/** Trims one batch of a stream; returns whether more may be due. */
function trimBatch(tx: WriteTransaction, snapshot: StreamSnapshot, cutoffMs: number, open: boolean): boolean {
  const { name, head, meta } = snapshot;
  let trimmedBelow = head.trimmedBelow;
  const due: Uint8Array[] = [];
  let kept = false;
  for (const { key, value } of tx.range({ ...recordRange(name, trimmedBelow), limit: TRIM_BATCH })) {
    const record = parseRecord(value);
    if (record.dynamodb.ApproximateCreationDateTime * 1000 >= cutoffMs) {
      kept = true;
      break;
    }
    due.push(key);
    trimmedBelow = Number(record.dynamodb.SequenceNumber) + 1;
  }
  for (const key of due) tx.delete(key);
  let firstShard = head.firstShard;
  for (const shard of snapshot.shards) {
    if (shard.end === undefined || shard.end >= trimmedBelow) break;
    tx.delete(shardKey(name, shard.index));
    firstShard = shard.index + 1;
  }
  // Nothing left: every record is trimmed (shards' own starting numbers hold none).
  if (!open && !kept && due.length < TRIM_BATCH && meta.createdAt < cutoffMs) {
    for (const shard of snapshot.shards) tx.delete(shardKey(name, shard.index));
    tx.delete(headKey(name));
    tx.delete(streamKey(name));
    tx.delete(arnKey(meta.arn));
    return false;
  }
  if (trimmedBelow !== head.trimmedBelow || firstShard !== head.firstShard) putJson(tx, headKey(name), { ...head, trimmedBelow, firstShard });
  return due.length === TRIM_BATCH;
}

/**
 * Trims every stream in storage to the retention period. One read finds the
 * streams with something due, so a tick costs no write transaction while
 * nothing has aged out.
 */
export async function trimStreams(storage: Storage, retentionMs: number, nowMs = Date.now()): Promise<void> {
  const cutoffMs = nowMs - retentionMs;
  // The stored table record, not the catalog's cache: a callback must not touch the cache, and every process sees storage.
  const openOf = (tx: ReadTransaction, { meta }: StreamSnapshot) => {
    const table = storedTableRecord(tx, meta.account, meta.region, meta.TableName);
    const gone = table?.TableStatus === 'DELETING' && (table.statusUntil === undefined || nowMs >= table.statusUntil);
    return isOpen(meta, gone ? undefined : table);
  };
  const due = await storage.read((tx) =>
    [...tx.range(ARN_KEYS)]
      .map(({ key }) => arnOfKey(key))
      .filter((arn) => {
        const snapshot = readStreamByArn(tx, arn);
        return snapshot !== undefined && trimDue(tx, snapshot, cutoffMs, openOf(tx, snapshot));
      }),
  );
  for (const arn of due) {
    for (let more = true; more; ) {
      more = await storage.write((tx) => {
        const snapshot = readStreamByArn(tx, arn);
        return snapshot !== undefined && trimBatch(tx, snapshot, cutoffMs, openOf(tx, snapshot));
      });
    }
  }
}
