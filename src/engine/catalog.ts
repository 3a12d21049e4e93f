/**
 * The table catalog: table definitions live in storage (so several nodes can
 * share them later) and are cached here. Transitional statuses (CREATING,
 * UPDATING, DELETING) carry the time they end and are resolved when read, so
 * no timer has to survive a restart. The catalog also runs the background
 * work of index changes: backfilling a new global index (restarted on open
 * for indexes still backfilling) and purging a deleted one.
 */
import { randomUUID } from 'node:crypto';
import { DynamoError } from '../protocol/errors.js';
import type { Storage } from '../storage/storage.js';
import type { Namespace } from '../operations/operation.js';
import type { IndexRecord, TableRecord } from './table.js';
import { prefixEnd } from '../model/key-codec.js';
import type { ReadTransaction, WriteTransaction } from '../storage/storage.js';
import { DamagedValue } from '../storage/faults.js';
import {
  FORMAT_VERSION_KEY,
  NEXT_TABLE_ID_KEY,
  TABLE_RECORDS,
  collectionPrefix,
  indexPrefix,
  indexStatsKey,
  itemPrefix,
  tableRecordKey,
  tableStatsKey,
} from './keyspace.js';
import { backfillIndex, purgeIndex } from './index-backfill.js';
import { pendingKey, tableExpiryRange } from '../features/ttl/ttl-keys.js';
import { storeEnabledStream } from '../features/streams/stream-state.js';

/**
 * Bump when the stored layout changes incompatibly (2: item values carry their size, see stored-item.ts; 3: key-layout.ts;
 * 4: every value on disk carries a checksum, see storage/lmdb.ts).
 */
export const FORMAT_VERSION = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function namespaceKey(ns: Namespace): string {
  return `${ns.account}\u0000${ns.region}`;
}

/** An index as an operation defines it; the catalog gives it its id. */
export type NewIndex = Omit<IndexRecord, 'id'>;

export type NewTable = Omit<
  TableRecord,
  'id' | 'account' | 'region' | 'TableId' | 'CreationDateTime' | 'TableStatus' | 'statusUntil' | 'LocalSecondaryIndexes' | 'GlobalSecondaryIndexes'
> & { readonly LocalSecondaryIndexes: readonly NewIndex[]; readonly GlobalSecondaryIndexes: readonly NewIndex[] };

/** Table and index ids come from one counter, so an index id never names a table's data or another index. */
function allocateId(tx: WriteTransaction): number {
  const stored = tx.get(NEXT_TABLE_ID_KEY);
  const id = stored === undefined ? 1 : Number(decoder.decode(stored));
  tx.put(NEXT_TABLE_ID_KEY, encoder.encode(String(id + 1)));
  return id;
}

function isLive(index: IndexRecord): boolean {
  return index.IndexStatus !== 'DELETING';
}

/** The stored format version; a record that fails its checksum but reads as a number was written before format 4. */
function storedFormat(tx: ReadTransaction): Uint8Array | undefined {
  try {
    return tx.get(FORMAT_VERSION_KEY);
  } catch (error) {
    if (error instanceof DamagedValue && /^\d+$/.test(decoder.decode(error.bytes))) return error.bytes;
    throw error;
  }
}

export class Catalog {
  private readonly tables = new Map<string, Map<string, TableRecord>>();
  /** Catalog updates run one at a time, so each starts from the record the previous one left. */
  private updates: Promise<unknown> = Promise.resolve();
  /** Ids of the indexes being backfilled by this process. */
  private readonly building = new Set<number>();

  private constructor(
    private readonly storage: Storage,
    private readonly timings: { createTableMs: number; deleteTableMs: number; updateTableMs: number },
  ) {}

  /** Opens the catalog, refusing a store written in another format. */
  static async open(storage: Storage, timings: Catalog['timings']): Promise<Catalog> {
    const catalog = new Catalog(storage, timings);
    const records = await storage.write((tx) => {
      const stored = storedFormat(tx);
      if (stored === undefined) {
        tx.put(FORMAT_VERSION_KEY, encoder.encode(String(FORMAT_VERSION)));
      } else if (Number(decoder.decode(stored)) !== FORMAT_VERSION) {
        throw new Error(
          `the data directory was written in storage format ${decoder.decode(stored)}; this build reads format ${FORMAT_VERSION}`,
        );
      }
      const out: TableRecord[] = [];
      for (const { value } of tx.range(TABLE_RECORDS)) out.push(JSON.parse(decoder.decode(value)) as TableRecord);
      return out;
    });
    for (const record of records) {
      catalog.cache(record);
      catalog.startBackfills(record);
    }
    return catalog;
  }

  private cache(record: TableRecord): void {
    const key = namespaceKey(record);
    let names = this.tables.get(key);
    if (names === undefined) this.tables.set(key, (names = new Map()));
    names.set(record.TableName, record);
  }

  private uncache(record: TableRecord): void {
    this.tables.get(namespaceKey(record))?.delete(record.TableName);
  }

  /** The table as it is now, with any finished transition applied; undefined once deleted. */
  get(ns: Namespace, name: string): TableRecord | undefined {
    const record = this.tables.get(namespaceKey(ns))?.get(name);
    if (record === undefined) return undefined;
    return this.settle(record);
  }

  /** The table, or DynamoDB's ResourceNotFoundException for data-plane operations. */
  require(ns: Namespace, name: string): TableRecord {
    const table = this.get(ns, name);
    if (table === undefined) throw new DynamoError('ResourceNotFoundException', 'Requested resource not found');
    return table;
  }

  /** Table names of a namespace in ascending order. */
  list(ns: Namespace): string[] {
    const names = this.tables.get(namespaceKey(ns));
    if (names === undefined) return [];
    return [...names.values()]
      .filter((record) => this.settle(record) !== undefined)
      .map((record) => record.TableName)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async create(ns: Namespace, table: NewTable): Promise<TableRecord> {
    if (this.get(ns, table.TableName) !== undefined) {
      throw new DynamoError('ResourceInUseException', `Table already exists: ${table.TableName}`);
    }
    const now = Date.now();
    const transitional = this.timings.createTableMs > 0;
    const record = await this.storage.write((tx) => {
      const id = allocateId(tx);
      const indexStatus = (index: NewIndex): IndexRecord => ({
        ...index,
        id: allocateId(tx),
        ...(transitional ? { IndexStatus: 'CREATING' as const, statusUntil: now + this.timings.createTableMs } : {}),
      });
      const created: TableRecord = {
        ...table,
        LocalSecondaryIndexes: table.LocalSecondaryIndexes.map(indexStatus),
        GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map(indexStatus),
        id,
        account: ns.account,
        region: ns.region,
        TableId: randomUUID(),
        CreationDateTime: now / 1000,
        TableStatus: transitional ? 'CREATING' : 'ACTIVE',
        ...(transitional ? { statusUntil: now + this.timings.createTableMs } : {}),
      };
      tx.put(tableRecordKey(ns.account, ns.region, table.TableName), encoder.encode(JSON.stringify(created)));
      storeEnabledStream(tx, created, now);
      return created;
    });
    this.cache(record);
    return record;
  }

  /**
   * Replaces a table's definition. `change` gets the current record and a
   * source of new index ids and returns the new record (or throws, changing
   * nothing); `transition` puts the table in UPDATING for the configured time.
   * A new index that needs backfilling starts filling once the record is
   * stored; a removed or DELETING index has its entries purged.
   */
  update(
    table: TableRecord,
    change: (current: TableRecord, newIndexId: () => number) => TableRecord,
    transition = true,
  ): Promise<TableRecord> {
    const run = this.updates.then(() => this.applyUpdate(table, change, transition));
    this.updates = run.catch(() => undefined);
    return run;
  }

  private async applyUpdate(
    table: TableRecord,
    change: (current: TableRecord, newIndexId: () => number) => TableRecord,
    transition: boolean,
  ): Promise<TableRecord> {
    const current = this.get(table, table.TableName);
    if (current === undefined || current.id !== table.id) {
      throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${table.TableName} not found`);
    }
    const next = await this.storage.write((tx) => {
      let changed = change(current, () => allocateId(tx));
      if (transition && this.timings.updateTableMs > 0) {
        changed = { ...changed, TableStatus: 'UPDATING', statusUntil: Date.now() + this.timings.updateTableMs };
      }
      tx.put(tableRecordKey(changed.account, changed.region, changed.TableName), encoder.encode(JSON.stringify(changed)));
      storeEnabledStream(tx, changed);
      return changed;
    });
    this.cache(next);
    const remaining = new Set(next.GlobalSecondaryIndexes.filter(isLive).map((index) => index.id));
    for (const index of current.GlobalSecondaryIndexes) {
      if (isLive(index) && !remaining.has(index.id)) purgeIndex(this.storage, index.id).catch(() => undefined);
    }
    this.startBackfills(next);
    return next;
  }

  /** Starts filling every index of the table that still needs it and is not being filled already. */
  private startBackfills(record: TableRecord): void {
    for (const index of record.GlobalSecondaryIndexes) {
      if (index.Backfilling !== true || this.building.has(index.id)) continue;
      this.building.add(index.id);
      const target = () => {
        const table = this.get(record, record.TableName);
        if (table === undefined || table.id !== record.id) return undefined;
        const now = table.GlobalSecondaryIndexes.find((candidate) => candidate.id === index.id && candidate.Backfilling === true);
        return now === undefined ? undefined : { table, index: now };
      };
      backfillIndex(this.storage, target)
        .then((done) => (done ? this.finishBackfill(record, index.id) : undefined))
        // A backfill stops when the store closes; the next start resumes it.
        .catch(() => undefined)
        .finally(() => this.building.delete(index.id));
    }
  }

  /** A filled index becomes ACTIVE, or stays CREATING until its configured transition ends. */
  private async finishBackfill(record: TableRecord, indexId: number): Promise<void> {
    await this.update(
      record,
      (current) => ({
        ...current,
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes.map((index) => {
          if (index.id !== indexId) return index;
          const { Backfilling: _, statusUntil, ...rest } = index;
          return statusUntil !== undefined && Date.now() < statusUntil
            ? { ...rest, Backfilling: false, statusUntil }
            : { ...rest, IndexStatus: 'ACTIVE' as const };
        }),
      }),
      false,
    );
  }

  /** Starts deleting a table: gone at once, or DELETING for the configured time. Returns the record as DELETING. */
  async delete(table: TableRecord): Promise<TableRecord> {
    const deleting: TableRecord = { ...table, TableStatus: 'DELETING', statusUntil: Date.now() + this.timings.deleteTableMs };
    if (this.timings.deleteTableMs > 0) {
      await this.storage.write((tx) => {
        tx.put(tableRecordKey(table.account, table.region, table.TableName), encoder.encode(JSON.stringify(deleting)));
      });
      this.cache(deleting);
    } else {
      await this.purge(table);
    }
    return deleting;
  }

  /**
   * Removes a table's record and data (items, index entries, counters, TTL
   * expiry index and indexing marker) in one transaction. Its streams stay:
   * they are readable until retention trims them, as in DynamoDB.
   */
  private async purge(table: TableRecord): Promise<void> {
    this.uncache(table);
    const indexes = [...table.LocalSecondaryIndexes, ...table.GlobalSecondaryIndexes];
    await this.storage.write((tx) => {
      tx.delete(tableRecordKey(table.account, table.region, table.TableName));
      tx.delete(tableStatsKey(table.id));
      tx.delete(pendingKey(table.id));
      for (const index of indexes) tx.delete(indexStatsKey(index.id));
      const prefixes = [itemPrefix(table.id), collectionPrefix(table.id), ...indexes.map((index) => indexPrefix(index.id))];
      const ranges = [...prefixes.map((start) => ({ start, end: prefixEnd(start) })), tableExpiryRange(table.id)];
      for (const range of ranges) {
        const keys: Uint8Array[] = [];
        for (const { key } of tx.range(range)) keys.push(key);
        for (const key of keys) tx.delete(key);
      }
    });
  }

  /** Applies a finished transition; a finished deletion purges the table in the background. */
  private settle(record: TableRecord): TableRecord | undefined {
    const now = Date.now();
    if (record.TableStatus === 'DELETING') {
      if (record.statusUntil !== undefined && now < record.statusUntil) return record;
      this.purge(record).catch(() => undefined);
      return undefined;
    }
    // An index still backfilling stays CREATING past its time, until the backfill ends.
    const indexDue = (index: IndexRecord) => index.statusUntil !== undefined && now >= index.statusUntil && index.Backfilling !== true;
    const tableDue = record.statusUntil !== undefined && now >= record.statusUntil;
    if (!tableDue && !record.LocalSecondaryIndexes.some(indexDue) && !record.GlobalSecondaryIndexes.some(indexDue)) return record;
    const settleIndexes = (indexes: readonly IndexRecord[]) =>
      indexes.flatMap((index): IndexRecord[] => {
        if (!indexDue(index)) return [index];
        if (index.IndexStatus === 'DELETING') return [];
        const { statusUntil: _, Backfilling: __, ...rest } = index;
        return [{ ...rest, IndexStatus: 'ACTIVE' }];
      });
    let settled: TableRecord = {
      ...record,
      LocalSecondaryIndexes: settleIndexes(record.LocalSecondaryIndexes),
      GlobalSecondaryIndexes: settleIndexes(record.GlobalSecondaryIndexes),
    };
    if (tableDue) {
      const { statusUntil: _, ...rest } = settled;
      settled = { ...rest, TableStatus: 'ACTIVE' };
    }
    this.cache(settled);
    return settled;
  }
}
