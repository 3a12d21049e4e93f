/**
 * The item store: where items of a table are read and written. Every write of
 * an item goes through `write`, which runs the caller's pure apply step over
 * the old item inside one storage transaction and keeps the table's counters
 * in the same transaction.
 */
import type { Item } from '../model/attribute-value.js';
import type { PrimaryKey } from '../model/primary-key.js';
import { itemSize } from '../model/item-size.js';
import type { Storage } from '../storage/storage.js';
import { itemKey } from './item-key.js';
import { tableStatsKey } from './keyspace.js';
import type { TableRecord } from './table.js';

/** What an apply step decides: the new item, `undefined` to delete, or UNCHANGED to write nothing. */
export const UNCHANGED: unique symbol = Symbol('unchanged');
export type ApplyResult = Item | undefined | typeof UNCHANGED;

export interface WriteOutcome {
  readonly old: Item | undefined;
  readonly item: Item | undefined;
  readonly oldSize: number;
  readonly newSize: number;
}

export interface TableStats {
  readonly itemCount: number;
  readonly sizeBytes: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function decodeStats(bytes: Uint8Array | undefined): TableStats {
  if (bytes === undefined) return { itemCount: 0, sizeBytes: 0 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { itemCount: view.getFloat64(0), sizeBytes: view.getFloat64(8) };
}

function encodeStats(stats: TableStats): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, stats.itemCount);
  view.setFloat64(8, stats.sizeBytes);
  return bytes;
}

export class ItemStore {
  constructor(private readonly storage: Storage) {}

  /** The stored JSON text of an item, or undefined. */
  async getText(table: TableRecord, key: PrimaryKey): Promise<string | undefined> {
    const bytes = await this.storage.get(itemKey(table.id, key));
    return bytes === undefined ? undefined : decoder.decode(bytes);
  }

  async get(table: TableRecord, key: PrimaryKey): Promise<Item | undefined> {
    const text = await this.getText(table, key);
    return text === undefined ? undefined : (JSON.parse(text) as Item);
  }

  /**
   * Reads the item under `key`, hands it to `apply` and stores what it returns,
   * all in one transaction. `apply` may throw (e.g. a failed condition): then
   * nothing is written.
   */
  async write(table: TableRecord, key: PrimaryKey, apply: (old: Item | undefined) => ApplyResult): Promise<WriteOutcome> {
    const storageKey = itemKey(table.id, key);
    const statsKey = tableStatsKey(table.id);
    return this.storage.write((tx) => {
      const stored = tx.get(storageKey);
      const old = stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as Item);
      const oldSize = old === undefined ? 0 : itemSize(old);
      const next = apply(old);
      if (next === UNCHANGED || (next === undefined && old === undefined)) {
        return { old, item: old, oldSize, newSize: oldSize };
      }
      const newSize = next === undefined ? 0 : itemSize(next);
      if (next === undefined) {
        tx.delete(storageKey);
      } else {
        tx.put(storageKey, encoder.encode(JSON.stringify(next)));
      }
      const stats = decodeStats(tx.get(statsKey));
      tx.put(
        statsKey,
        encodeStats({
          itemCount: stats.itemCount + (next === undefined ? 0 : 1) - (old === undefined ? 0 : 1),
          sizeBytes: stats.sizeBytes + newSize - oldSize,
        }),
      );
      return { old, item: next, oldSize, newSize };
    });
  }

  async stats(table: TableRecord): Promise<TableStats> {
    return decodeStats(await this.storage.get(tableStatsKey(table.id)));
  }
}
