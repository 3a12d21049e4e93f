/**
 * The item store: where items of a table are read and written. Every write of
 * an item goes through `write` (one item) or `writeMany` (a transaction's
 * items), which run the caller's pure apply step over
 * the old item inside one storage transaction and, in the same transaction,
 * moves the item's secondary index entries and keeps the table's, the
 * indexes' and the item collection's counters.
 */
import type { Item } from '../model/attribute-value.js';
import type { PrimaryKey } from '../model/primary-key.js';
import { itemSize } from '../model/item-size.js';
import { DynamoError } from '../protocol/errors.js';
import type { Storage, WriteTransaction } from '../storage/storage.js';
import { DEFAULT_CONFIG } from '../config.js';
import { addCounters, addSpreadCounters, counterSlot, readCounters, readSpreadCounters, touchSpreadCounters, type Counters } from './counters.js';
import { maintainIndexes, tableIndexes, type IndexWrite } from './indexes.js';
import { itemKey } from './item-key.js';
import { CHANGE_LOG_READERS, changeAdmitted, itemChangeHook, type ChangeOrigin, type ItemChangeHook } from '../features/item-change-hooks.js';
import { collectionPrefix, indexStatsKey, tableStatsKey } from './keyspace.js';
import { partitionStart } from './key-layout.js';
import { readIdempotencyRecord, writeIdempotencyRecord, type IdempotencyClaim } from './idempotency.js';
import { decodeStored, encodeStored, storedSize, StoredItem } from './stored-item.js';
import type { IndexRecord, TableRecord } from './table.js';
import { StaleCatalog, storedCatalogVersion } from './catalog.js';

/** What an apply step decides: the new item, `undefined` to delete, or UNCHANGED to write nothing. */
export const UNCHANGED: unique symbol = Symbol('unchanged');
export type ApplyResult = Item | undefined | typeof UNCHANGED;

export interface WriteOutcome {
  readonly old: Item | undefined;
  readonly item: Item | undefined;
  readonly oldSize: number;
  readonly newSize: number;
  /** The secondary index entries the write put or deleted, for write capacity. */
  readonly indexWrites: readonly IndexWrite[];
  /** Bytes of the item's collection after the write: tables with local secondary indexes only. */
  readonly collectionSizeBytes?: number;
}

export type TableStats = Counters;

/** One item's part in a multi-item write: which item, and the pure step deciding its new state. */
export interface WriteStep {
  readonly table: TableRecord;
  readonly key: PrimaryKey;
  readonly apply: (old: Item | undefined) => ApplyResult;
  /** Who makes the change, for its stream record (TTL deletions are the service's). */
  readonly origin?: ChangeOrigin;
  /**
   * True when `apply` ignores the old item and the caller never reads the
   * outcome's `old`: the store then parses the old item only when the
   * table's indexes, stream or TTL need it, and otherwise reports it as
   * undefined (its size is still reported).
   */
  readonly blind?: boolean;
}

export interface ManyOutcome {
  /** One per step, in order. A replay's outcomes carry sizes only (no items). */
  readonly outcomes: readonly WriteOutcome[];
  /** True when an idempotency record answered and nothing was applied. */
  readonly replayed: boolean;
}

/**
 * Thrown by writeMany when one or more steps failed: per step, in order,
 * its DynamoError or undefined for a step that would have succeeded.
 */
export class StepFailures extends Error {
  constructor(readonly failures: readonly (DynamoError | undefined)[]) {
    super('transaction steps failed');
  }
}

export interface ItemStoreLimits {
  /** DynamoDB's 10 GB limit on the items of one partition key plus their local index entries. */
  readonly itemCollectionLimitBytes: number;
  /** Stream shard rollover and retention (see features/streams). */
  readonly streamShardMaxRecords: number;
  readonly streamShardMaxAgeMs: number;
  readonly streamRetentionMs: number;
}

/** Whether writes to the table must see the old item whatever the apply step does: for its index entries, change log record or TTL entry. */
function tableReadsOld(table: TableRecord): boolean {
  return tableIndexes(table).maintained.length > 0 || CHANGE_LOG_READERS.some((reader) => reader.wants(table)) || table.TimeToLive !== undefined;
}

function collectionKey(table: TableRecord, key: PrimaryKey): Uint8Array {
  return partitionStart(collectionPrefix(table.id), [key.hash]);
}

export class ItemStore {
  /** The stream record and TTL expiry entry of each change, written in the change's own transaction. */
  private readonly onChange: ItemChangeHook;
  /** Told of each committed write's table, for background work that would rather start at once than at its next round. */
  private readonly committed = new Set<(table: TableRecord) => void>();

  /**
   * `catalogVersion` is the catalog version the caller's table records come
   * from: each write checks it against storage's inside its transaction, so a
   * write decided on a table definition another process has changed since
   * (a new index, a stream) writes nothing and throws StaleCatalog.
   */
  constructor(
    private readonly storage: Storage,
    private readonly limits: ItemStoreLimits = DEFAULT_CONFIG,
    private readonly catalogVersion?: () => number,
  ) {
    this.onChange = itemChangeHook(limits);
  }

  /**
   * Runs `body` in the transaction, then checks the catalog version: a stale
   * catalog wins over whatever the body decided (it is run again on a fresh
   * one). Checked last so that a remote backend fetches the version with the
   * body's first reads, in one round trip.
   */
  private checked<T>(tx: WriteTransaction, body: () => T): T {
    try {
      return body();
    } finally {
      if (this.catalogVersion !== undefined && storedCatalogVersion(tx) !== this.catalogVersion()) {
        throw new StaleCatalog();
      }
    }
  }

  /** The stored item (its JSON text and size), or undefined. */
  async getStored(table: TableRecord, key: PrimaryKey): Promise<StoredItem | undefined> {
    const bytes = await this.storage.get(itemKey(table.id, key));
    return bytes === undefined ? undefined : StoredItem.of(bytes);
  }

  async get(table: TableRecord, key: PrimaryKey): Promise<Item | undefined> {
    return (await this.getStored(table, key))?.item;
  }

  /**
   * Reads the item under `key`, hands it to `apply` and stores what it returns,
   * all in one transaction. `apply` may throw (e.g. a failed condition): then
   * nothing is written.
   */
  async write(table: TableRecord, key: PrimaryKey, apply: (old: Item | undefined) => ApplyResult, origin: ChangeOrigin = {}): Promise<WriteOutcome> {
    const outcome = await this.storage.write((tx) => this.checked(tx, () => this.applyStep(tx, { table, key, apply, origin })));
    this.tell(table);
    return outcome;
  }

  /** Stores `next` (undefined: deletes the item) whatever was there; the outcome's `old` is not reported. */
  async replace(table: TableRecord, key: PrimaryKey, next: Item | undefined): Promise<WriteOutcome> {
    const outcome = await this.storage.write((tx) => this.checked(tx, () => this.applyStep(tx, { table, key, apply: () => next, blind: true })));
    this.tell(table);
    return outcome;
  }

  /** Calls `listener` with the table of every write committed from now on (in this process). */
  onCommit(listener: (table: TableRecord) => void): void {
    this.committed.add(listener);
  }

  private tell(table: TableRecord | undefined): void {
    if (table !== undefined) for (const listener of this.committed) listener(table);
  }

  /**
   * Stores each item (undefined: deletes it) whatever was there, as
   * `replace` does for one: BatchWriteItem's writes, which are not atomic
   * together. Where transactions are serial (LMDB, memory) each is its own,
   * and issued together they share commits; where they run concurrently (a
   * database) all go in one transaction, a round trip or two instead of one
   * or two per item. A write's DynamoError (an item collection over its
   * limit) fails the call.
   */
  async replaceMany(writes: readonly { readonly table: TableRecord; readonly key: PrimaryKey; readonly next: Item | undefined }[]): Promise<WriteOutcome[]> {
    if (this.storage.concurrent !== true) return Promise.all(writes.map(({ table, key, next }) => this.replace(table, key, next)));
    try {
      const { outcomes } = await this.writeMany(writes.map(({ table, key, next }) => ({ table, key, apply: () => next, blind: true })));
      return [...outcomes];
    } catch (error) {
      if (error instanceof StepFailures) throw error.failures.find((failure) => failure !== undefined)!;
      throw error;
    }
  }

  /**
   * Runs several apply steps (each on a distinct item) in ONE storage
   * transaction, all or nothing. Every step runs even after one fails, since a
   * transaction's caller reports each step's fate; a step's DynamoError is
   * collected, and if any step failed nothing is written and the promise
   * rejects with a StepFailures. Other errors abort at once.
   *
   * With `idempotency`, the token record is checked and written inside the
   * same transaction, so a replay can never apply twice: a live record with
   * the same fingerprint answers with the recorded outcomes (`replayed`), one
   * with another fingerprint is refused.
   */
  async writeMany(steps: readonly WriteStep[], idempotency?: IdempotencyClaim): Promise<ManyOutcome> {
    const many = await this.storage.write((tx) => this.checked(tx, () => {
      if (idempotency !== undefined) {
        const recorded = readIdempotencyRecord(tx, idempotency);
        if (recorded !== undefined) return { outcomes: recorded, replayed: true };
      }
      const outcomes: WriteOutcome[] = [];
      const failures: (DynamoError | undefined)[] = [];
      let failed = false;
      // One counter slot for the whole transaction: spread per item, a batch would touch most slots and conflict with every other batch.
      const first = steps[0];
      const slot = this.storage.concurrent === true && first !== undefined ? counterSlot(itemKey(first.table.id, first.key)) : undefined;
      for (const step of steps) {
        try {
          outcomes.push(this.applyStep(tx, step, slot));
          failures.push(undefined);
        } catch (error) {
          if (!(error instanceof DynamoError)) throw error;
          failures.push(error);
          failed = true;
        }
      }
      if (failed) throw new StepFailures(failures);
      if (idempotency !== undefined) writeIdempotencyRecord(tx, idempotency, outcomes);
      return { outcomes, replayed: false };
    }));
    if (!many.replayed) for (const table of new Set(steps.map((step) => step.table))) this.tell(table);
    return many;
  }

  /** One item's write inside the caller's transaction: the item, its index entries and every counter. */
  /** `sharedSlot`: the counter slot of a multi-item transaction (else the item's own, where counters are spread). */
  private applyStep(tx: WriteTransaction, { table, key, apply, origin = {}, blind = false }: WriteStep, sharedSlot?: number): WriteOutcome {
    const storageKey = itemKey(table.id, key);
    const collected = table.LocalSecondaryIndexes.length > 0;
    const slot = sharedSlot ?? (this.storage.concurrent === true ? counterSlot(storageKey) : undefined);
    // A remote backend fetches what a run reads in one round trip: the counter is read up front, with the item,
    // since an apply step that fails on a not-yet-fetched item (SET c = c + 1) would end the run before it.
    if (slot !== undefined) touchSpreadCounters(tx, tableStatsKey(table.id), slot);
    const stored = tx.get(storageKey);
    const existed = stored !== undefined;
    const old = existed && (!blind || tableReadsOld(table)) ? decodeStored(stored) : undefined;
    const oldSize = existed ? storedSize(stored) : 0;
    const applied = apply(old);
    const next = applied !== UNCHANGED && origin.replica !== undefined && !changeAdmitted(tx, table, storageKey, origin, applied === undefined, existed) ? UNCHANGED : applied;
    if (next === UNCHANGED || (next === undefined && !existed)) {
      const unchanged = { old, item: old, oldSize, newSize: oldSize, indexWrites: [] };
      return collected ? { ...unchanged, collectionSizeBytes: readCounters(tx, collectionKey(table, key)).sizeBytes } : unchanged;
    }
    const newSize = next === undefined ? 0 : itemSize(next);
    if (next === undefined) {
      tx.delete(storageKey);
    } else {
      tx.put(storageKey, encodeStored(JSON.stringify(next), newSize));
    }
    addSpreadCounters(tx, tableStatsKey(table.id), slot, (next === undefined ? 0 : 1) - (existed ? 1 : 0), newSize - oldSize);
    const { localGrowth, writes } = maintainIndexes(tx, table, old, next, slot);
    this.onChange(tx, table, key, old, next, origin);
    const outcome = { old, item: next, oldSize, newSize, indexWrites: writes };
    if (!collected) return outcome;
    const collectionSizeBytes = this.growCollection(tx, table, key, next === undefined ? -1 : existed ? 0 : 1, newSize - oldSize + localGrowth);
    return { ...outcome, collectionSizeBytes };
  }

  /** Adds to the item collection's size, refusing growth past the limit. Returns the new size. */
  private growCollection(tx: WriteTransaction, table: TableRecord, key: PrimaryKey, items: number, bytes: number): number {
    const counterKey = collectionKey(table, key);
    const { sizeBytes } = readCounters(tx, counterKey);
    if (bytes > 0 && sizeBytes + bytes > this.limits.itemCollectionLimitBytes) {
      throw new DynamoError('ItemCollectionSizeLimitExceededException', 'Collection size exceeded.');
    }
    addCounters(tx, counterKey, items, bytes);
    return sizeBytes + bytes;
  }

  async stats(table: TableRecord): Promise<TableStats> {
    return this.storage.read((tx) => readSpreadCounters(tx, tableStatsKey(table.id)));
  }

  /** An index's entry count and the size of its projected items. */
  async indexStats(index: IndexRecord): Promise<TableStats> {
    return this.storage.read((tx) => readSpreadCounters(tx, indexStatsKey(index.id)));
  }
}
