/**
 * Filling a global secondary index created on a table that already has items,
 * and emptying the entries of a deleted index. Both run in the background in
 * small transactions, yielding to the event loop between them, so the table
 * stays usable meanwhile. A backfill is idempotent (an entry a concurrent
 * write already put is left alone and not counted twice), so after a restart
 * it simply starts again from the table's first item.
 */
import { prefixEnd } from '../model/key-codec.js';
import type { Entry, Storage, WriteTransaction } from '../storage/storage.js';
import { CommitFailed } from '../storage/faults.js';
import { addCounters } from './counters.js';
import { backfillEntry, tableIndexes } from './indexes.js';
import { indexPrefix, indexStatsKey, itemPrefix } from './keyspace.js';
import type { IndexRecord, TableRecord } from './table.js';
import { decodeStored } from './stored-item.js';

/** Items (or entries) per transaction: small enough not to hold up other writes for long. */
export const BATCH_SIZE = 256;

/** The table and index a backfill works for, as they are now; undefined once it should stop. */
export type BackfillTarget = () => { readonly table: TableRecord; readonly index: IndexRecord } | undefined;

function successor(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How long background index work waits before it tries a commit the disk could not take again. */
const RETRY_AFTER_FAILED_COMMIT_MS = 1000;

/** What writeBatch answers for a batch whose commit failed: the caller checks its target again and retries. */
const RETRY = Symbol('retry');

/**
 * A batch of background work. A batch whose commit failed (a full disk;
 * nothing of it was applied) answers RETRY after a pause, so the work goes on
 * once there is space instead of leaving the index CREATING until a restart.
 */
async function writeBatch<T>(storage: Storage, fn: (tx: WriteTransaction) => T): Promise<T | typeof RETRY> {
  try {
    return await storage.write(fn);
  } catch (error) {
    if (!(error instanceof CommitFailed)) throw error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_FAILED_COMMIT_MS).unref());
    return RETRY;
  }
}

/** Writes an entry for every existing item. Resolves true when done, false when the target went away. */
export async function backfillIndex(storage: Storage, target: BackfillTarget, batchSize = BATCH_SIZE): Promise<boolean> {
  const initial = target();
  if (initial === undefined) return false;
  const start = itemPrefix(initial.table.id);
  const end = prefixEnd(start);
  let from = start;
  for (;;) {
    const current = target();
    if (current === undefined) return false;
    const definition = tableIndexes(current.table).maintained.find((index) => index.record.id === current.index.id);
    if (definition === undefined) return false;
    const next = await writeBatch(storage, (tx) => {
      // Read the batch before writing: backends need not support writes during a range walk.
      const batch: Entry[] = [...tx.range({ start: from, ...(end !== undefined ? { end } : {}), limit: batchSize })];
      let count = 0;
      let size = 0;
      for (const { value } of batch) {
        const entry = backfillEntry(tx, definition, decodeStored(value));
        if (entry !== undefined) {
          count += 1;
          size += entry.size;
        }
      }
      addCounters(tx, indexStatsKey(current.index.id), count, size);
      return batch.length < batchSize ? undefined : successor(batch[batch.length - 1]!.key);
    });
    if (next === RETRY) continue;
    if (next === undefined) return true;
    from = next;
    await yieldToEventLoop();
  }
}

/** Deletes every entry and the counters of an index that no longer exists. */
export async function purgeIndex(storage: Storage, indexId: number, batchSize = BATCH_SIZE): Promise<void> {
  const start = indexPrefix(indexId);
  const end = prefixEnd(start)!;
  for (;;) {
    const more = await writeBatch(storage, (tx) => {
      const keys = [...tx.range({ start, end, limit: batchSize })].map((entry) => entry.key);
      for (const key of keys) tx.delete(key);
      if (keys.length < batchSize) tx.delete(indexStatsKey(indexId));
      return keys.length === batchSize;
    });
    if (more === RETRY) continue;
    if (!more) return;
    await yieldToEventLoop();
  }
}
