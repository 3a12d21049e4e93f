/**
 * The state of a table at a past time, as a difference to its PITR base:
 * which items a restore to that time must write instead of the base's (or
 * not at all, when undefined).
 *
 * The base is the table exactly before change-log sequence number L (its
 * snapshot and the log head were read in one transaction). A restore to time
 * T after the base's snapshot applies, in sequence order, the logged changes
 * from L on made at or before T (the last per item wins); one to a T between
 * PITR's switch-on and the snapshot undoes the changes before L made after T
 * (the first per item tells what the item was at T). Both hold because every
 * write to the table is logged from the moment the setting committed, with
 * its old and new item.
 */
import type { Item } from '../../model/attribute-value.js';
import { readChanges, type Change } from '../../engine/change-log.js';
import type { ReadTransaction } from '../../storage/storage.js';

/** The item a change concerns (one of the two images is always there). */
function itemOf(change: Change): Item {
  return (change.new ?? change.old)!;
}

export function changesAt(
  tx: ReadTransaction,
  sourceTableId: number,
  baseSequence: number,
  restoreAt: number,
  keyOf: (item: Item) => string,
): Map<string, Item | undefined> {
  const result = new Map<string, Item | undefined>();
  for (const change of readChanges(tx, sourceTableId, 0, baseSequence)) {
    const key = keyOf(itemOf(change));
    if (change.at > restoreAt && !result.has(key)) result.set(key, change.old);
  }
  for (const change of readChanges(tx, sourceTableId, baseSequence)) {
    if (change.at <= restoreAt) result.set(keyOf(itemOf(change)), change.new);
  }
  return result;
}
