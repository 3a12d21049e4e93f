/**
 * The item store: where items of a table are read and written. Every write of
 * an item goes through `write`, which runs the caller's pure apply step over
 * the old item inside one storage transaction and, in the same transaction,
 * moves the item's secondary index entries and keeps the table's, the
 * indexes' and the item collection's counters.
 */
import type { Item } from '../model/attribute-value.js';
import type { PrimaryKey } from '../model/primary-key.js';
import { itemSize } from '../model/item-size.js';
import { encodeStorageKey } from '../model/key-codec.js';
import { DynamoError } from '../protocol/errors.js';
import type { Storage, WriteTransaction } from '../storage/storage.js';
import { DEFAULT_CONFIG } from '../config.js';
import { addCounters, decodeCounters, readCounters, type Counters } from './counters.js';
import { maintainIndexes } from './indexes.js';
import { itemKey } from './item-key.js';
import { collectionPrefix, fitKey, indexStatsKey, tableStatsKey } from './keyspace.js';
import type { IndexRecord, TableRecord } from './table.js';

/** What an apply step decides: the new item, `undefined` to delete, or UNCHANGED to write nothing. */
export const UNCHANGED: unique symbol = Symbol('unchanged');
export type ApplyResult = Item | undefined | typeof UNCHANGED;

export interface WriteOutcome {
  readonly old: Item | undefined;
  readonly item: Item | undefined;
  readonly oldSize: number;
  readonly newSize: number;
  /** Bytes of the item's collection after the write: tables with local secondary indexes only. */
  readonly collectionSizeBytes?: number;
}

export type TableStats = Counters;

export interface ItemStoreLimits {
  /** DynamoDB's 10 GB limit on the items of one partition key plus their local index entries. */
  readonly itemCollectionLimitBytes: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function collectionKey(table: TableRecord, key: PrimaryKey): Uint8Array {
  return fitKey(encodeStorageKey(collectionPrefix(table.id), key.hash));
}

export class ItemStore {
  constructor(
    private readonly storage: Storage,
    private readonly limits: ItemStoreLimits = DEFAULT_CONFIG,
  ) {}

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
    const collected = table.LocalSecondaryIndexes.length > 0;
    return this.storage.write((tx) => {
      const stored = tx.get(storageKey);
      const old = stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as Item);
      const oldSize = old === undefined ? 0 : itemSize(old);
      const next = apply(old);
      if (next === UNCHANGED || (next === undefined && old === undefined)) {
        const unchanged = { old, item: old, oldSize, newSize: oldSize };
        return collected ? { ...unchanged, collectionSizeBytes: readCounters(tx, collectionKey(table, key)).sizeBytes } : unchanged;
      }
      const newSize = next === undefined ? 0 : itemSize(next);
      if (next === undefined) {
        tx.delete(storageKey);
      } else {
        tx.put(storageKey, encoder.encode(JSON.stringify(next)));
      }
      addCounters(tx, statsKey, (next === undefined ? 0 : 1) - (old === undefined ? 0 : 1), newSize - oldSize);
      const localGrowth = maintainIndexes(tx, table, old, next);
      const outcome = { old, item: next, oldSize, newSize };
      if (!collected) return outcome;
      const collectionSizeBytes = this.growCollection(tx, table, key, next === undefined ? -1 : old === undefined ? 1 : 0, newSize - oldSize + localGrowth);
      return { ...outcome, collectionSizeBytes };
    });
  }

  /** Adds to the item collection's size, refusing growth past the limit. Returns the new size. */
  private growCollection(tx: WriteTransaction, table: TableRecord, key: PrimaryKey, items: number, bytes: number): number {
    const counterKey = collectionKey(table, key);
    const { sizeBytes } = readCounters(tx, counterKey);
    if (bytes > 0 && sizeBytes + bytes > this.limits.itemCollectionLimitBytes) {
      throw new DynamoError('ItemCollectionSizeLimitExceededException', 'Collection size exceeded.');
    }
    return addCounters(tx, counterKey, items, bytes).sizeBytes;
  }

  async stats(table: TableRecord): Promise<TableStats> {
    return decodeCounters(await this.storage.get(tableStatsKey(table.id)));
  }

  /** An index's entry count and the size of its projected items. */
  async indexStats(index: IndexRecord): Promise<TableStats> {
    return decodeCounters(await this.storage.get(indexStatsKey(index.id)));
  }
}
