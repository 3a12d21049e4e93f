/**
 * Bringing a copy of a table's items (a backup being copied, a PITR base
 * being folded forward) to a later moment with the table's logged changes,
 * in sequence order: a change with a new item puts it under the copy's key,
 * one without deletes it. For each item the last change applied wins, so a
 * change applied to an item the copy already read after it changes nothing
 * in the end: a copy read piecemeal from sequence L on, then replayed from L
 * up to the log's end, is exactly the table at that end.
 */
import { readChanges, type Change } from '../../engine/change-log.js';
import { itemKey } from '../../engine/item-key.js';
import { encodeStored, storedSize } from '../../engine/stored-item.js';
import { keySchemaOf, type TableRecord } from '../../engine/table.js';
import type { WriteTransaction } from '../../storage/storage.js';
import { itemSize } from '../../model/item-size.js';
import { keyFromItem } from '../../model/primary-key.js';
import { backupItemKey } from './backup-store.js';

export interface ReplayOutcome {
  /** The sequence number to go on from: after the last change applied, or the change `stopBefore` refused. */
  readonly next: number;
  /** True when the log ran out (before `limit` changes) or `stopBefore` stopped the replay. */
  readonly done: boolean;
  /** What the replay changed in the copy's item count and size in bytes. */
  readonly items: number;
  readonly bytes: number;
}

export interface ReplayOptions {
  /** At most this many changes (a bounded transaction); all that are left when absent. */
  readonly limit?: number;
  /** A change this says yes to, and all after it, are left out. */
  readonly stopBefore?: (change: Change) => boolean;
}

/** Applies the source's changes from sequence `from` on to backup `backupNumber`'s items. */
export function replayChanges(
  tx: WriteTransaction,
  source: Pick<TableRecord, 'id' | 'KeySchema' | 'AttributeDefinitions'>,
  backupNumber: number,
  from: number,
  { limit, stopBefore }: ReplayOptions = {},
): ReplayOutcome {
  const schema = keySchemaOf(source.KeySchema, source.AttributeDefinitions);
  // Read before writing: a range is not iterated while the transaction changes keys.
  const changes = [...readChanges(tx, source.id, from, undefined, limit)];
  let next = from;
  let items = 0;
  let bytes = 0;
  for (const change of changes) {
    if (stopBefore?.(change) === true) return { next: change.sequence, done: true, items, bytes };
    const key = backupItemKey(itemKey(source.id, keyFromItem((change.new ?? change.old)!, schema)), backupNumber);
    const before = tx.get(key);
    if (before !== undefined) {
      items--;
      bytes -= storedSize(before);
    }
    if (change.new !== undefined) {
      const size = itemSize(change.new);
      tx.put(key, encodeStored(JSON.stringify(change.new), size));
      items++;
      bytes += size;
    } else if (before !== undefined) {
      tx.delete(key);
    }
    next = change.sequence + 1;
  }
  return { next, done: limit === undefined || changes.length < limit, items, bytes };
}
