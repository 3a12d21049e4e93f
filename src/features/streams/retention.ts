/**
 * Stream retention. A stream shows the changes of its window of the table's
 * log that are younger than the retention period: its trim horizon moves past
 * older ones, closed shards whose records are all past it are dropped, and a
 * closed stream with nothing left disappears. As a reader of the change log,
 * streams need every change from the lowest trim horizon of the table's
 * streams on; the log keeps those (engine/change-log.ts).
 */
import type { ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { firstChange, readChanges, type ChangeLogReader } from '../../engine/change-log.js';
import { ARN_KEYS, arnKey, arnOfKey, headKey, nameOfStreamKey, shardKey, streamKey, tableStreamsRange } from './stream-keys.js';
import { enabledStreamLabel, getJson, putJson, readStreamByArn, type StreamHead, type StreamSnapshot } from './stream-state.js';

/** Records passed per transaction, so one stream's backlog never holds the write lock long. */
const TRIM_BATCH = 1000;

export const streamsLogReader: ChangeLogReader = {
  wants: (table) => enabledStreamLabel(table) !== undefined,
  needs(tx, tableId) {
    let from: number | undefined;
    for (const { key } of tx.range(tableStreamsRange(tableId))) {
      const head = getJson<StreamHead>(tx, headKey(nameOfStreamKey(key)));
      if (head !== undefined) from = Math.min(from ?? Infinity, head.trimmedBelow);
    }
    return from === undefined ? undefined : { fromSequence: from };
  },
};

/** Whether trimming would change anything: its oldest record is past retention, or it is closed, empty and old. */
function trimDue(tx: ReadTransaction, snapshot: StreamSnapshot, cutoffMs: number): boolean {
  const first = firstChange(tx, snapshot.meta.tableId, snapshot.head.trimmedBelow, snapshot.next);
  return first !== undefined ? first.at < cutoffMs : !snapshot.open && snapshot.meta.createdAt < cutoffMs;
}

/** Trims one batch of a stream; returns whether more may be due. */
function trimBatch(tx: WriteTransaction, snapshot: StreamSnapshot, cutoffMs: number): boolean {
  const { name, head, meta } = snapshot;
  let trimmedBelow = head.trimmedBelow;
  let passed = 0;
  let kept = false;
  for (const change of readChanges(tx, meta.tableId, trimmedBelow, snapshot.next, TRIM_BATCH)) {
    if (change.at >= cutoffMs) {
      kept = true;
      break;
    }
    trimmedBelow = change.sequence + 1;
    passed++;
  }
  // Nothing left: every record is past retention (shards' own starting numbers hold none).
  if (!snapshot.open && !kept && passed < TRIM_BATCH && meta.createdAt < cutoffMs) {
    for (const shard of snapshot.shards) tx.delete(shardKey(name, shard.index));
    tx.delete(headKey(name));
    tx.delete(streamKey(name));
    tx.delete(arnKey(meta.arn));
    return false;
  }
  let firstShard = head.firstShard;
  for (const shard of snapshot.shards) {
    if (shard.end === undefined || shard.end >= trimmedBelow) break;
    tx.delete(shardKey(name, shard.index));
    firstShard = shard.index + 1;
  }
  if (trimmedBelow !== head.trimmedBelow || firstShard !== head.firstShard) putJson(tx, headKey(name), { ...head, trimmedBelow, firstShard });
  return passed === TRIM_BATCH;
}

/**
 * Moves every stream's trim horizon to the retention period. One read finds
 * the streams with something due, so a tick costs no write transaction while
 * nothing has aged out. The change log is trimmed after (trimChangeLogs).
 */
export async function trimStreams(storage: Storage, retentionMs: number, nowMs = Date.now()): Promise<void> {
  const cutoffMs = nowMs - retentionMs;
  const due = await storage.read((tx) =>
    [...tx.range(ARN_KEYS)]
      .map(({ key }) => arnOfKey(key))
      .filter((arn) => {
        const snapshot = readStreamByArn(tx, arn);
        return snapshot !== undefined && trimDue(tx, snapshot, cutoffMs);
      }),
  );
  for (const arn of due) {
    for (let more = true; more; ) {
      more = await storage.write((tx) => {
        const snapshot = readStreamByArn(tx, arn);
        return snapshot !== undefined && trimBatch(tx, snapshot, cutoffMs);
      });
    }
  }
}
