/**
 * A table's items as they were at a time of its recovery window, a page at a
 * time: its PITR base's items (features/pitr/pitr-base.ts) brought to that
 * time with the logged changes (point-in-time.ts). What a point-in-time
 * restore writes and a full export writes out; a restore from an on-demand
 * backup reads the backup's pages unchanged. Memory holds one page and the
 * changes made between the base and the time, never the table.
 */
import type { Item } from '../../model/attribute-value.js';
import { keyFromItem, type KeySchema } from '../../model/primary-key.js';
import { decodeStored } from '../../engine/stored-item.js';
import { keySchemaOf } from '../../engine/table.js';
import type { Storage } from '../../storage/storage.js';
import { readBackupItems } from '../backups/backup-copy.js';
import { readBackup } from '../backups/backup-store.js';
import { changesAt } from './point-in-time.js';

/** Per item (its key as text), what the time's state has instead of the base's: an item, or undefined for none. */
export type ChangesSinceBase = Map<string, Item | undefined>;

export interface PointInTime {
  readonly account: string;
  readonly region: string;
  /** The base's ARN (features/pitr/pitr-base.ts). */
  readonly baseArn: string;
  readonly sourceTableId: number;
  /** Epoch ms. */
  readonly at: number;
}

export function itemKeyText(item: Item, schema: KeySchema): string {
  return JSON.stringify(keyFromItem(item, schema));
}

/**
 * The changes to apply to the base's items; 'wait' while the base is still
 * being copied, 'lost' when it never will be (its table was deleted before
 * the copy).
 */
export async function changesSinceBase(storage: Storage, point: PointInTime): Promise<ChangesSinceBase | 'wait' | 'lost'> {
  return storage.read((tx) => {
    const base = readBackup(tx, point.account, point.region, point.baseArn);
    if (base === undefined || base.logSequence === undefined) return base?.status === 'CREATING' ? 'wait' : 'lost';
    const schema = keySchemaOf(base.source.KeySchema, base.source.AttributeDefinitions);
    return changesAt(tx, point.sourceTableId, base.logSequence, point.at, (item) => itemKeyText(item, schema));
  });
}

/**
 * The items of backup `backupNumber` in key order, `pageSize` at a time; with
 * `changes`, as they were at its time: changed items replaced, removed ones
 * dropped, and the items the base did not hold in the last pages. A page may
 * come out short or empty (all its items dropped). `changes` is consumed.
 */
export async function* itemPages(
  storage: Storage,
  backupNumber: number,
  schema: KeySchema,
  changes: ChangesSinceBase | undefined,
  pageSize: number,
): AsyncGenerator<Item[]> {
  let after: Uint8Array | undefined;
  for (;;) {
    const page = await readBackupItems(storage, backupNumber, after, pageSize);
    if (page.length === 0) break;
    after = page[page.length - 1]!.key;
    const items = page.map((entry) => decodeStored(entry.value));
    if (changes === undefined) {
      yield items;
      continue;
    }
    yield items.flatMap((item) => {
      const key = itemKeyText(item, schema);
      if (!changes.has(key)) return [item];
      const replaced = changes.get(key);
      changes.delete(key);
      return replaced === undefined ? [] : [replaced];
    });
  }
  if (changes === undefined) return;
  const added = [...changes.values()].filter((item) => item !== undefined);
  for (let i = 0; i < added.length; i += pageSize) yield added.slice(i, i + pageSize);
}
