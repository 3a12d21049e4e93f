/**
 * A table's items as they were at a time of its recovery window, a page at a
 * time: its PITR base's items (features/pitr/pitr-base.ts) merged, in key
 * order, with the overlay of what changed between the base and that time
 * (point-in-time.ts). What a point-in-time restore writes and a full export
 * writes out; a restore from an on-demand backup reads the backup's pages
 * without an overlay. Memory holds a page of each, never the table or its
 * changes.
 */
import type { Item } from '../../model/attribute-value.js';
import { decodeStored } from '../../engine/stored-item.js';
import { keySchemaOf } from '../../engine/table.js';
import { clearPrefix, prefixRange } from '../../engine/prefix-range.js';
import type { Entry, Storage } from '../../storage/storage.js';
import { backupItemPrefix, readBackup } from '../backups/backup-store.js';
import { declareOverlayEncryption, forgetOverlayEncryption } from '../../security/encryption/encryption-records.js';
import { buildOverlay, isTombstone, overlayId, overlayPrefix, TABLE_PREFIX_BYTES, type OverlayOwner } from './point-in-time.js';

export interface PointInTime {
  readonly account: string;
  readonly region: string;
  /** The base's ARN (features/pitr/pitr-base.ts). */
  readonly baseArn: string;
  readonly sourceTableId: number;
  /** Epoch ms. */
  readonly at: number;
  /** Whose overlay this is: one per restore or export, so they never share one. */
  readonly owner: OverlayOwner;
}

/** What itemPages reads: a backup's items, and for a point in time the overlay over them. */
export interface ItemSource {
  readonly backupNumber: number;
  readonly overlay?: Uint8Array;
}

/**
 * Prepares a read at the time: 'wait' while the base is still being copied,
 * 'lost' when it never will be (its table was deleted before the copy),
 * 'stopped' when asked to stop first. The overlay stays in storage until
 * dropOverlay.
 */
export async function prepareAt(storage: Storage, point: PointInTime, stopped: () => boolean): Promise<ItemSource | 'wait' | 'lost' | 'stopped'> {
  const base = await storage.read((tx) => readBackup(tx, point.account, point.region, point.baseArn));
  if (base === undefined || base.logSequence === undefined) return base?.status === 'CREATING' ? 'wait' : 'lost';
  const overlay = overlayPrefix(point.owner);
  // What an attempt cut short wrote is cleared: the overlay is built again from the log.
  if (!(await clearPrefix(storage, overlay, stopped))) return 'stopped';
  await storage.write((tx) => declareOverlayEncryption(tx, overlayId(point.owner), point.sourceTableId));
  const schema = keySchemaOf(base.source.KeySchema, base.source.AttributeDefinitions);
  const built = await buildOverlay(storage, overlay, { sourceTableId: point.sourceTableId, baseSequence: base.logSequence, at: point.at, schema }, stopped);
  return built ? { backupNumber: base.number, overlay } : 'stopped';
}

export async function dropOverlay(storage: Storage, owner: OverlayOwner): Promise<void> {
  await clearPrefix(storage, overlayPrefix(owner));
  await storage.write((tx) => forgetOverlayEncryption(tx, overlayId(owner)));
}

/** The entries under `prefix` in key order, read `pageSize` at a time. */
async function* entriesUnder(storage: Storage, prefix: Uint8Array, pageSize: number): AsyncGenerator<Entry> {
  const range = prefixRange(prefix);
  let start = range.start;
  for (;;) {
    const page = await storage.read((tx) => [...tx.range({ start, end: range.end, limit: pageSize })]);
    yield* page;
    if (page.length < pageSize) return;
    start = Uint8Array.from([...page[page.length - 1]!.key, 0]);
  }
}

/** Item keys compared without their (equally long) table, backup or overlay prefix. */
function compareItemKeys(a: Entry, b: Entry): number {
  return Buffer.compare(a.key.subarray(TABLE_PREFIX_BYTES), b.key.subarray(TABLE_PREFIX_BYTES));
}

/**
 * The source's items in key order, `pageSize` at a time: the backup's, with
 * the overlay's in their place where it has one (a tombstone drops the item).
 */
export async function* itemPages(storage: Storage, source: ItemSource, pageSize: number): AsyncGenerator<Item[]> {
  const base = entriesUnder(storage, backupItemPrefix(source.backupNumber), pageSize);
  const overlay = source.overlay === undefined ? undefined : entriesUnder(storage, source.overlay, pageSize);
  let page: Item[] = [];
  const emit = (value: Uint8Array) => {
    if (!isTombstone(value)) page.push(decodeStored(value));
  };
  let nextBase = await base.next();
  let nextOverlay = overlay === undefined ? undefined : await overlay.next();
  while (!nextBase.done || (nextOverlay !== undefined && !nextOverlay.done)) {
    const order =
      nextBase.done ? 1 : nextOverlay === undefined || nextOverlay.done ? -1 : compareItemKeys(nextBase.value, nextOverlay.value);
    if (order < 0) {
      emit((nextBase.value as Entry).value);
      nextBase = await base.next();
    } else {
      emit((nextOverlay!.value as Entry).value);
      if (order === 0) nextBase = await base.next();
      nextOverlay = await overlay!.next();
    }
    if (page.length >= pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
