/**
 * Filling a global secondary index created on a table that already has items
 * (a deleted index's entries are purged by table-purge.ts). It runs in the background in small transactions, yielding to the event
 * loop between them, so the table stays usable meanwhile. A backfill is
 * idempotent (an entry a concurrent write already put is left alone and not
 * counted twice), so after a restart it simply starts again from the table's
 * first item.
 */
import { prefixEnd } from '../model/key-codec.js';
import type { Entry, Storage } from '../storage/storage.js';
import { addSpreadCounters, counterSlot } from './counters.js';
import { backfillEntry, tableIndexes } from './indexes.js';
import { indexStatsKey, itemPrefix } from './keyspace.js';
import type { IndexRecord, TableRecord } from './table.js';
import { decodeStored } from './stored-item.js';
import { RETRY, writeBatch, yieldToEventLoop } from './background-work.js';

/** Items per transaction: small enough not to hold up other writes for long. */
export const BATCH_SIZE = 256;

/** The table and index a backfill works for, as they are now; undefined once it should stop. */
export type BackfillTarget = () => { readonly table: TableRecord; readonly index: IndexRecord } | undefined;

function successor(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
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
      const slot = storage.concurrent === true && batch.length > 0 ? counterSlot(batch[0]!.key) : undefined;
      addSpreadCounters(tx, indexStatsKey(current.index.id), slot, count, size);
      return batch.length < batchSize ? undefined : successor(batch[batch.length - 1]!.key);
    });
    if (next === RETRY) continue;
    if (next === undefined) return true;
    from = next;
    await yieldToEventLoop();
  }
}

