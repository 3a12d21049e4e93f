/**
 * The table catalog: table definitions live in storage (so several nodes can
 * share them later) and are cached here. Transitional statuses (CREATING,
 * UPDATING, DELETING) carry the time they end and are resolved when read, so
 * no timer has to survive a restart.
 */
import { randomUUID } from 'node:crypto';
import { DynamoError } from '../protocol/errors.js';
import type { Storage } from '../storage/storage.js';
import type { Namespace } from '../operations/operation.js';
import type { IndexRecord, TableRecord } from './table.js';
import { prefixEnd } from '../model/key-codec.js';
import {
  FORMAT_VERSION_KEY,
  NEXT_TABLE_ID_KEY,
  TABLE_RECORDS,
  itemPrefix,
  tableRecordKey,
  tableStatsKey,
} from './keyspace.js';

/** Bump when the stored layout changes incompatibly. */
export const FORMAT_VERSION = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function namespaceKey(ns: Namespace): string {
  return `${ns.account}\u0000${ns.region}`;
}

export type NewTable = Omit<TableRecord, 'id' | 'account' | 'region' | 'TableId' | 'CreationDateTime' | 'TableStatus' | 'statusUntil'>;

export class Catalog {
  private readonly tables = new Map<string, Map<string, TableRecord>>();

  private constructor(
    private readonly storage: Storage,
    private readonly timings: { createTableMs: number; deleteTableMs: number; updateTableMs: number },
  ) {}

  /** Opens the catalog, refusing a store written in another format. */
  static async open(storage: Storage, timings: Catalog['timings']): Promise<Catalog> {
    const catalog = new Catalog(storage, timings);
    const records = await storage.write((tx) => {
      const stored = tx.get(FORMAT_VERSION_KEY);
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
    for (const record of records) catalog.cache(record);
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
      const stored = tx.get(NEXT_TABLE_ID_KEY);
      const id = stored === undefined ? 1 : Number(decoder.decode(stored));
      tx.put(NEXT_TABLE_ID_KEY, encoder.encode(String(id + 1)));
      const indexStatus = (index: IndexRecord): IndexRecord =>
        transitional ? { ...index, IndexStatus: 'CREATING', statusUntil: now + this.timings.createTableMs } : index;
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
      return created;
    });
    this.cache(record);
    return record;
  }

  /**
   * Replaces a table's definition. `change` gets the current record and returns
   * the new one; `transition` puts the table in UPDATING for the configured time.
   */
  async update(table: TableRecord, change: (current: TableRecord) => TableRecord, transition = true): Promise<TableRecord> {
    const current = this.get(table, table.TableName);
    if (current === undefined) throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${table.TableName} not found`);
    let next = change(current);
    if (transition && this.timings.updateTableMs > 0) {
      next = { ...next, TableStatus: 'UPDATING', statusUntil: Date.now() + this.timings.updateTableMs };
    }
    await this.storage.write((tx) => {
      tx.put(tableRecordKey(next.account, next.region, next.TableName), encoder.encode(JSON.stringify(next)));
    });
    this.cache(next);
    return next;
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

  /** Removes a table's record and data in one transaction. */
  private async purge(table: TableRecord): Promise<void> {
    this.uncache(table);
    await this.storage.write((tx) => {
      tx.delete(tableRecordKey(table.account, table.region, table.TableName));
      tx.delete(tableStatsKey(table.id));
      const start = itemPrefix(table.id);
      const keys: Uint8Array[] = [];
      for (const { key } of tx.range({ start, end: prefixEnd(start) })) keys.push(key);
      for (const key of keys) tx.delete(key);
    });
  }

  /** Applies a finished transition; a finished deletion purges the table in the background. */
  private settle(record: TableRecord): TableRecord | undefined {
    if (record.statusUntil === undefined) return record;
    const now = Date.now();
    if (record.TableStatus === 'DELETING') {
      if (now < record.statusUntil) return record;
      this.purge(record).catch(() => undefined);
      return undefined;
    }
    const indexesDue = (indexes: readonly IndexRecord[]) =>
      indexes.map((index) => {
        if (index.statusUntil === undefined || now < index.statusUntil) return index;
        const { statusUntil: _, Backfilling: __, ...rest } = index;
        return { ...rest, IndexStatus: 'ACTIVE' as const };
      });
    if (now < record.statusUntil) {
      return { ...record, GlobalSecondaryIndexes: indexesDue(record.GlobalSecondaryIndexes) };
    }
    const { statusUntil: _, ...rest } = record;
    const settled: TableRecord = {
      ...rest,
      TableStatus: 'ACTIVE',
      LocalSecondaryIndexes: indexesDue(record.LocalSecondaryIndexes),
      GlobalSecondaryIndexes: indexesDue(record.GlobalSecondaryIndexes),
    };
    this.cache(settled);
    return settled;
  }
}
