/**
 * The state of a table at a past time, as a difference to its PITR base: an
 * overlay of the items a read at that time must see instead of the base's
 * (an item, or a tombstone where none existed), kept in storage under the
 * reader's own key range and sorted by item key like the base, so a restore or
 * an export merges the two page by page whatever the number of changes.
 *
 * The base is the table exactly before change-log sequence number L (its
 * snapshot and the log head were read in one transaction). A read at time T
 * after the base's snapshot applies, in sequence order, the logged changes
 * from L on made at or before T (the last per item wins); one at a T before
 * the snapshot undoes the changes before L made after T (the first per item
 * tells what the item was at T). Both hold because every write to the table is
 * logged from the moment the setting committed, with its old and new item.
 *
 * | key | value |
 * |---|---|
 * | `0x5a` + u32 owner (a restored table's id, or an export's number with the top bit set) + the item key after its table prefix | the stored item, or no bytes for none |
 */
import type { Item } from '../../model/attribute-value.js';
import { itemSize } from '../../model/item-size.js';
import { keyFromItem, type KeySchema } from '../../model/primary-key.js';
import { readChanges, readLogHead, type Change } from '../../engine/change-log.js';
import { itemKey } from '../../engine/item-key.js';
import { PITR_OVERLAY_PREFIX } from '../../engine/keyspace.js';
import { encodeStored } from '../../engine/stored-item.js';
import type { Storage } from '../../storage/storage.js';
import { Pace } from '../../engine/background-work.js';

/** Who an overlay belongs to: a restore (by its target table's id) or an export (by its number). */
export interface OverlayOwner {
  readonly kind: 'restore' | 'export';
  readonly id: number;
}

/** Changes read, and overlay entries written, per transaction. */
const BATCH = 500;
/** The bytes of an item key that stand for the table: its kind byte and u32 id. */
export const TABLE_PREFIX_BYTES = 5;

/** The u32 an overlay's keys carry: table ids and export numbers stay below 2^31, and the top bit tells an export's overlay from a restore's. */
export function overlayId(owner: OverlayOwner): number {
  return owner.kind === 'restore' ? owner.id : (owner.id | 0x8000_0000) >>> 0;
}

/** As long as a table's item prefix, so every item key that fits the store fits here too. */
export function overlayPrefix(owner: OverlayOwner): Uint8Array {
  const prefix = new Uint8Array(TABLE_PREFIX_BYTES);
  prefix[0] = PITR_OVERLAY_PREFIX;
  new DataView(prefix.buffer).setUint32(1, overlayId(owner));
  return prefix;
}

/** The overlay key of an item: its key with the owner's prefix in place of its table's (as the base has the backup's). */
function overlayKey(prefix: Uint8Array, tableId: number, item: Item, schema: KeySchema): Uint8Array {
  const out = Uint8Array.from(itemKey(tableId, keyFromItem(item, schema)));
  out.set(prefix);
  return out;
}

const TOMBSTONE = new Uint8Array(0);

function storedOrTombstone(item: Item | undefined): Uint8Array {
  return item === undefined ? TOMBSTONE : encodeStored(JSON.stringify(item), itemSize(item));
}

/** Whether an overlay entry says the item did not exist. */
export function isTombstone(value: Uint8Array): boolean {
  return value.length === 0;
}

/** The item a change concerns (one of the two images is always there). */
function itemOf(change: Change): Item {
  return (change.new ?? change.old)!;
}

export interface OverlaySource {
  readonly sourceTableId: number;
  /** The sequence number the base's snapshot stops before. */
  readonly baseSequence: number;
  /** Epoch ms. */
  readonly at: number;
  readonly schema: KeySchema;
}

/**
 * Writes the overlay under `prefix` (which must be empty: clear it first),
 * a batch per transaction; false if stopped first.
 */
export async function buildOverlay(storage: Storage, prefix: Uint8Array, source: OverlaySource, stopped: () => boolean): Promise<boolean> {
  const { sourceTableId, baseSequence, at, schema } = source;
  // Changes committed after this are later than any time a read can name, and reading up to a fixed end spares the log's head, which writers contend for.
  const end = await storage.read((tx) => readLogHead(tx, sourceTableId)?.next ?? baseSequence);
  const pace = new Pace();
  const pass = async (from: number, to: number, undo: boolean): Promise<boolean> => {
    for (let cursor = from; cursor < to; ) {
      if (stopped()) return false;
      const changes = await storage.read((tx) => [...readChanges(tx, sourceTableId, cursor, to, BATCH)]);
      if (changes.length === 0) return true;
      cursor = changes[changes.length - 1]!.sequence + 1;
      await storage.write((tx) => {
        for (const change of changes) {
          const key = overlayKey(prefix, sourceTableId, itemOf(change), schema);
          // Undoing: the first change after the time tells the item at it. Redoing: the last change up to it.
          if (undo && change.at > at && tx.get(key) === undefined) tx.put(key, storedOrTombstone(change.old));
          else if (!undo && change.at <= at) tx.put(key, storedOrTombstone(change.new));
        }
      });
      await pace.breathe();
    }
    return true;
  };
  return (await pass(0, baseSequence, true)) && (await pass(baseSequence, end, false));
}
