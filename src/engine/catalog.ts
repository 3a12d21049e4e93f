/**
 * The table catalog: table definitions live in storage, which every process
 * and node shares, and are cached here, checked against a version in storage
 * (StaleCatalog). Transitional statuses (CREATING,
 * UPDATING, DELETING) carry the time they end and are resolved when read, so
 * no timer has to survive a restart. The catalog also runs the background
 * work of table and index changes: backfilling a new global index (restarted
 * on open for indexes still backfilling), purging a deleted index, and
 * purging a deleted table's data (table-purge.ts; resumed on open), each in
 * the one process of all that holds the job's lease (leases.ts).
 */
import { randomUUID } from 'node:crypto';
import { DynamoError } from '../protocol/errors.js';
import type { Storage } from '../storage/storage.js';
import type { Namespace } from '../operations/operation.js';
import type { IndexRecord, RestoreSummary, TableRecord } from './table.js';
import type { ReadTransaction, WriteTransaction } from '../storage/storage.js';
import { DamagedValue } from '../storage/faults.js';
import { CATALOG_VERSION_KEY, FORMAT_VERSION_KEY, NEXT_TABLE_ID_KEY, TABLE_RECORDS, tableRecordKey } from './keyspace.js';
import { backfillIndex } from './index-backfill.js';
import { markForPurge, markIndexForPurge, purgeMarked, purgeMarkers } from './table-purge.js';
import { followTableChange } from '../features/streams/stream-state.js';
import { followTimeToLive } from '../features/ttl/ttl-backfill.js';
import { declareTableEncryption } from '../security/encryption/encryption-records.js';
import { keepDeletedTable } from '../features/pitr/deleted-tables.js';
import { holderName, Lease } from './leases.js';

/** How long a background job's lease lasts; its holder renews it a few times per length while it works. */
const JOB_LEASE_MS = 5000;

/**
 * Bump when the stored layout changes incompatibly (2: item values carry their size, see stored-item.ts; 3: key-layout.ts;
 * 4: every value on disk carries a checksum, see storage/lmdb.ts; 5: stream records live in the tables' change logs,
 * see change-log.ts).
 */
export const FORMAT_VERSION = 5;

/** Rewrites a store of format `from` into the current format, in the transaction that opens it. */
export interface FormatUpgrade {
  readonly from: number;
  apply(tx: WriteTransaction): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function namespaceKey(ns: Namespace): string {
  return `${ns.account}\u0000${ns.region}`;
}

/** An index as an operation defines it; the catalog gives it its id. */
export type NewIndex = Omit<IndexRecord, 'id'>;

export type NewTable = Omit<
  TableRecord,
  'id' | 'account' | 'region' | 'TableId' | 'CreationDateTime' | 'TableStatus' | 'statusUntil' | 'LocalSecondaryIndexes' | 'GlobalSecondaryIndexes' | 'RestoreSummary'
> & { readonly LocalSecondaryIndexes: readonly NewIndex[]; readonly GlobalSecondaryIndexes: readonly NewIndex[] };

/** What a change of several tables may do in its one transaction (Catalog.changeGroup). */
export interface CatalogGroup {
  readonly tx: WriteTransaction;
  /** A table as the cache has it (what the change decides on). */
  current(ns: Namespace, name: string): TableRecord | undefined;
  /** Creates a table, as Catalog.create does; with `fill`, CREATING until its writer ends it. */
  create(ns: Namespace, table: NewTable, fill?: TableFill): TableRecord;
  /** Replaces a table's record (`before` as `current` gave it). */
  replace(before: TableRecord, after: TableRecord): void;
  /** An id for a new index of one of the tables. */
  newIndexId(): number;
}

/** A change of a table's definition (Catalog.update). */
export type TableChange = (current: TableRecord, newIndexId: () => number, tx: WriteTransaction) => TableRecord;

/**
 * A table created CREATING for a background writer to fill (a restore, an
 * import; see creating-table.ts): a restore's summary, and `begin`, which
 * records the writer's work in the table's own transaction.
 */
export interface TableFill {
  readonly summary?: RestoreSummary;
  begin(tx: WriteTransaction, record: TableRecord): void;
}

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

/** The global indexes an update deletes (or turns DELETING): their entries are purged. */
function removedIndexes(current: TableRecord, next: TableRecord): IndexRecord[] {
  const remaining = new Set(next.GlobalSecondaryIndexes.filter(isLive).map((index) => index.id));
  return current.GlobalSecondaryIndexes.filter((index) => isLive(index) && !remaining.has(index.id));
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

/**
 * Thrown inside a storage transaction that was about to act on a cached
 * catalog older than storage's (another process changed a table): the
 * transaction writes nothing; the dispatcher reloads the catalog and runs the
 * request again.
 */
export class StaleCatalog extends Error {
  constructor() {
    // No stack: a remote backend's incomplete runs throw it whenever the version is not fetched yet, and drop it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('the table catalog changed in another process');
    Error.stackTraceLimit = limit;
  }
}

/** The catalog's version as stored (0 before the first table change). */
export function storedCatalogVersion(tx: ReadTransaction): number {
  const stored = tx.get(CATALOG_VERSION_KEY);
  return stored === undefined ? 0 : Number(decoder.decode(stored));
}

/** A table's record as stored, without the cache: what a transaction callback reads (it must not touch the cache). */
export function storedTableRecord(tx: ReadTransaction, account: string, region: string, name: string): TableRecord | undefined {
  const stored = tx.get(tableRecordKey(account, region, name));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as TableRecord);
}

interface StoredCatalog {
  readonly version: number;
  readonly records: TableRecord[];
  readonly purges: Set<number>;
}

/** Every table's record as stored, of every account and region: for background work that serves them all. */
export function storedTableRecords(tx: ReadTransaction): TableRecord[] {
  const records: TableRecord[] = [];
  for (const { value } of tx.range(TABLE_RECORDS)) records.push(JSON.parse(decoder.decode(value)) as TableRecord);
  return records;
}

function readCatalog(tx: ReadTransaction): StoredCatalog {
  return { version: storedCatalogVersion(tx), records: storedTableRecords(tx), purges: new Set(purgeMarkers(tx)) };
}

export class Catalog {
  private readonly tables = new Map<string, Map<string, TableRecord>>();
  /** The tables of multi-Region strong consistency, by namespace and name. */
  private readonly strong = new Set<string>();
  /** The stored catalog version the cache shows; every process's catalog change bumps it in storage. */
  private loadedVersion = 0;
  /** Catalog changes (and reloads) run one at a time, so each starts from the state the previous one left. */
  private updates: Promise<unknown> = Promise.resolve();
  private watcher: NodeJS.Timeout | undefined;
  /** Ids of the indexes being backfilled, and of the tables being purged, by this process. */
  private readonly building = new Set<number>();
  private readonly purging = new Set<number>();
  /** Background work under way (backfills, purges), and whether it should stop after its current transaction. */
  private readonly background = new Set<Promise<unknown>>();
  private stopped = false;
  /** Resolves on stop(), ending the waits of jobs another process holds. */
  private wake: () => void = () => undefined;
  private readonly stopping = new Promise<void>((resolve) => (this.wake = resolve));
  /** This process's name in the leases of its jobs (one for all, so it can take back a lease it held before). */
  private readonly holder = holderName();

  private constructor(
    private readonly storage: Storage,
    private readonly timings: { createTableMs: number; deleteTableMs: number; updateTableMs: number },
  ) {}

  /** Opens the catalog, refusing a store written in another format. */
  static async open(storage: Storage, timings: Catalog['timings'], upgrades: readonly FormatUpgrade[] = []): Promise<Catalog> {
    const catalog = new Catalog(storage, timings);
    const loaded = await storage.write((tx) => {
      const stored = storedFormat(tx);
      const format = stored === undefined ? undefined : Number(decoder.decode(stored));
      if (format !== FORMAT_VERSION) {
        const upgrade = upgrades.find((candidate) => candidate.from === format);
        if (format !== undefined && upgrade === undefined) {
          throw new Error(`the data directory was written in storage format ${decoder.decode(stored!)}; this build reads format ${FORMAT_VERSION}`);
        }
        upgrade?.apply(tx);
        tx.put(FORMAT_VERSION_KEY, encoder.encode(String(FORMAT_VERSION)));
      }
      const found = readCatalog(tx);
      // A DELETING table without a marker was deleted by a build that purged
      // only once the transition ended, or was purged already (then this finds nothing).
      for (const record of found.records) {
        if (record.TableStatus === 'DELETING' && !found.purges.has(record.id)) {
          markForPurge(tx, record);
          found.purges.add(record.id);
        }
      }
      return found;
    });
    catalog.apply(loaded);
    return catalog;
  }

  /** The version the cache shows. */
  get version(): number {
    return this.loadedVersion;
  }

  /**
   * Reloads the cache when storage's catalog version differs from the cached
   * one (another process changed a table); true when it did.
   */
  refreshIfStale(): Promise<boolean> {
    return this.serially(async () => {
      const loaded = await this.storage.read((tx) => (storedCatalogVersion(tx) === this.loadedVersion ? undefined : readCatalog(tx)));
      if (loaded === undefined) return false;
      this.apply(loaded);
      return true;
    });
  }

  /** Checks storage's catalog version every `intervalMs` (tables changed by other processes show up within it). */
  watch(intervalMs: number): void {
    this.watcher ??= setInterval(() => void this.refreshIfStale().catch(() => undefined), intervalMs).unref();
  }

  private apply({ version, records, purges }: StoredCatalog): void {
    this.tables.clear();
    this.strong.clear();
    this.loadedVersion = version;
    for (const record of records) {
      this.cache(record);
      this.startBackfills(record);
    }
    for (const tableId of purges) this.startPurge(tableId);
  }

  /** Runs catalog changes one after the other. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.updates.then(work);
    this.updates = run.catch(() => undefined);
    return run;
  }

  /**
   * In a catalog change's transaction: refuses a change decided on a stale
   * cache, and bumps the stored version. The caller sets `loadedVersion` once
   * the change has committed.
   */
  private bump(tx: WriteTransaction): number {
    if (storedCatalogVersion(tx) !== this.loadedVersion) throw new StaleCatalog();
    const next = this.loadedVersion + 1;
    tx.put(CATALOG_VERSION_KEY, encoder.encode(String(next)));
    return next;
  }

  private cache(record: TableRecord): void {
    const key = namespaceKey(record);
    let names = this.tables.get(key);
    if (names === undefined) this.tables.set(key, (names = new Map()));
    names.set(record.TableName, record);
    const id = `${key}\u0000${record.TableName}`;
    if (record.multiRegionStrong !== undefined) this.strong.add(id);
    else this.strong.delete(id);
  }

  private uncache(record: TableRecord): void {
    this.tables.get(namespaceKey(record))?.delete(record.TableName);
    this.strong.delete(`${namespaceKey(record)}\u0000${record.TableName}`);
  }

  /** Whether any table is one of multi-Region strong consistency: requests spare the look for one when none is. */
  get hasStronglyConsistent(): boolean {
    return this.strong.size > 0;
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

  /** Every table of the account, in every region (a version 2017.11.29 global table is found by name across regions). */
  tablesOf(account: string): TableRecord[] {
    const records = [...this.tables].filter(([key]) => key.startsWith(`${account}\u0000`)).flatMap(([, names]) => [...names.values()]);
    return records.flatMap((record) => this.settle(record) ?? []);
  }

  /**
   * Creates a table; with `fill`, one that stays CREATING (with a restore's
   * RestoreSummary) until its writer ends it, and `fill.begin` records the
   * writer's work in the same transaction.
   */
  create(ns: Namespace, table: NewTable, fill?: TableFill): Promise<TableRecord> {
    return this.serially(() => this.applyCreate(ns, table, fill));
  }

  private async applyCreate(ns: Namespace, table: NewTable, fill?: TableFill): Promise<TableRecord> {
    if (this.get(ns, table.TableName) !== undefined) {
      throw new DynamoError('ResourceInUseException', `Table already exists: ${table.TableName}`);
    }
    const { record, version } = await this.storage.write((tx) => {
      const version = this.bump(tx);
      return { record: this.writeCreated(tx, ns, table, fill), version };
    });
    this.loadedVersion = version;
    this.cache(record);
    return record;
  }

  /** A new table's record, with its ids, written in the caller's catalog transaction. */
  private writeCreated(tx: WriteTransaction, ns: Namespace, table: NewTable, fill?: TableFill): TableRecord {
    const now = Date.now();
    const transitional = fill === undefined && this.timings.createTableMs > 0;
    const indexStatus = (index: NewIndex): IndexRecord => ({
      ...index,
      id: allocateId(tx),
      ...(transitional ? { IndexStatus: 'CREATING' as const, statusUntil: now + this.timings.createTableMs } : {}),
    });
    const id = allocateId(tx);
    const created: TableRecord = {
      ...table,
      LocalSecondaryIndexes: table.LocalSecondaryIndexes.map(indexStatus),
      GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map(indexStatus),
      id,
      account: ns.account,
      region: ns.region,
      TableId: randomUUID(),
      CreationDateTime: now / 1000,
      TableStatus: transitional || fill !== undefined ? 'CREATING' : 'ACTIVE',
      ...(transitional ? { statusUntil: now + this.timings.createTableMs } : {}),
      ...(fill?.summary !== undefined ? { RestoreSummary: fill.summary } : {}),
    };
    tx.put(tableRecordKey(ns.account, ns.region, table.TableName), encoder.encode(JSON.stringify(created)));
    fill?.begin(tx, created);
    followTableChange(tx, undefined, created, now);
    declareTableEncryption(tx, undefined, created);
    return created;
  }

  /** A table's changed record, written in the caller's catalog transaction with what follows from the change. */
  private writeReplaced(tx: WriteTransaction, before: TableRecord, after: TableRecord): void {
    tx.put(tableRecordKey(after.account, after.region, after.TableName), encoder.encode(JSON.stringify(after)));
    followTableChange(tx, before, after);
    followTimeToLive(tx, before, after);
    declareTableEncryption(tx, before, after);
    for (const index of removedIndexes(before, after)) markIndexForPurge(tx, index.id);
  }

  /** What follows a replaced record once committed: the cache, purges of removed indexes, backfills of new ones. */
  private afterReplaced(before: TableRecord, after: TableRecord): void {
    this.cache(after);
    for (const index of removedIndexes(before, after)) this.startPurge(index.id);
    this.startBackfills(after);
  }

  /**
   * Several tables' records changed in one transaction: a global table's
   * replicas, which name each other. `change` decides on the cached records
   * (the transaction is refused as stale if another process changed any
   * table since) and may run more than once, as a storage callback may.
   */
  changeGroup<T>(change: (group: CatalogGroup) => T): Promise<T> {
    return this.serially(async () => {
      const { result, created, replaced, version } = await this.storage.write((tx) => {
        const version = this.bump(tx);
        const created: TableRecord[] = [];
        const replaced: [TableRecord, TableRecord][] = [];
        // What the change has written so far, which it sees in place of the cache.
        const pending = new Map<string, TableRecord>();
        const pendingKey = (ns: Namespace, name: string) => `${namespaceKey(ns)}\u0000${name}`;
        const current = (ns: Namespace, name: string) => pending.get(pendingKey(ns, name)) ?? this.get(ns, name);
        const result = change({
          tx,
          current,
          create: (ns, table, fill) => {
            if (current(ns, table.TableName) !== undefined) throw new DynamoError('ResourceInUseException', `Table already exists: ${table.TableName}`);
            const record = this.writeCreated(tx, ns, table, fill);
            created.push(record);
            pending.set(pendingKey(ns, record.TableName), record);
            return record;
          },
          replace: (before, after) => {
            this.writeReplaced(tx, before, after);
            replaced.push([before, after]);
            pending.set(pendingKey(after, after.TableName), after);
          },
          newIndexId: () => allocateId(tx),
        });
        return { result, created, replaced, version };
      });
      this.loadedVersion = version;
      for (const record of created) this.cache(record);
      for (const [before, after] of replaced) this.afterReplaced(before, after);
      return result;
    });
  }

  /**
   * Replaces a table's definition. `change` gets the current record, a
   * source of new index ids and the change's transaction (for records that
   * must change with the definition, such as a backup's) and returns the new
   * record (or throws, changing nothing); it may run more than once, as a
   * storage callback may; `transition` puts the table in UPDATING for the configured time.
   * A new index that needs backfilling starts filling once the record is
   * stored; a removed or DELETING index has its entries purged.
   */
  update(
    table: TableRecord,
    change: TableChange,
    transition = true,
  ): Promise<TableRecord> {
    return this.serially(() => this.applyUpdate(table, change, transition));
  }

  private async applyUpdate(
    table: TableRecord,
    change: TableChange,
    transition: boolean,
  ): Promise<TableRecord> {
    const current = this.get(table, table.TableName);
    if (current === undefined || current.id !== table.id) {
      throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${table.TableName} not found`);
    }
    const { next, version } = await this.storage.write((tx) => {
      const version = this.bump(tx);
      let changed = change(current, () => allocateId(tx), tx);
      if (transition && this.timings.updateTableMs > 0) {
        changed = { ...changed, TableStatus: 'UPDATING', statusUntil: Date.now() + this.timings.updateTableMs };
      }
      this.writeReplaced(tx, current, changed);
      return { next: changed, version };
    });
    this.loadedVersion = version;
    this.afterReplaced(current, next);
    return next;
  }

  /** Starts filling every index of the table that still needs it and is not being filled already. */
  private startBackfills(record: TableRecord): void {
    for (const index of record.GlobalSecondaryIndexes) {
      if (index.Backfilling !== true || this.building.has(index.id) || this.stopped) continue;
      this.building.add(index.id);
      const target = () => {
        const table = this.stopped ? undefined : this.get(record, record.TableName);
        if (table === undefined || table.id !== record.id || table.TableStatus === 'DELETING') return undefined;
        const now = table.GlobalSecondaryIndexes.find((candidate) => candidate.id === index.id && candidate.Backfilling === true);
        return now === undefined ? undefined : { table, index: now };
      };
      this.inBackground(
        this.underLease(`backfill-${index.id}`, () =>
          backfillIndex(this.storage, target).then((done) => (done ? this.finishBackfill(record, index.id) : undefined)),
        ).finally(() => this.building.delete(index.id)),
      );
    }
  }

  /** Starts purging a marked table's data, unless this process is at it already. */
  private startPurge(tableId: number): void {
    if (this.purging.has(tableId) || this.stopped) return;
    this.purging.add(tableId);
    this.inBackground(
      this.underLease(`purge-${tableId}`, () => purgeMarked(this.storage, tableId, () => this.stopped)).finally(() => this.purging.delete(tableId)),
    );
  }

  /**
   * Runs `work` only in the process of all that holds the job's lease. The
   * others ask again each lease length, so one of them takes the job over
   * if the holder dies; each job is idempotent and resumes from what storage
   * says is left (a backfill from the table's first item, a purge from the
   * keys still there), so the one that takes over finishes it, or finds it done.
   */
  private async underLease(job: string, work: () => Promise<unknown>): Promise<void> {
    const lease = new Lease(this.storage, job, JOB_LEASE_MS, this.holder);
    while (!(await lease.hold())) {
      const pause = new Promise<void>((resolve) => setTimeout(resolve, JOB_LEASE_MS).unref());
      await Promise.race([pause, this.stopping]);
      if (this.stopped) return;
    }
    const renewal = setInterval(() => void lease.hold().catch(() => undefined), JOB_LEASE_MS / 3);
    try {
      await work();
    } finally {
      clearInterval(renewal);
      await lease.release().catch(() => undefined);
    }
  }

  /**
   * Tracks background work. A failure (the store closed under it) only stops
   * it: what it was doing is marked in storage or restarts from scratch, so
   * the next start resumes it.
   */
  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Resolves once no background work is under way (tests). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.all(this.background);
  }

  /** Stops the background work after its current transaction; the next start resumes it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    clearInterval(this.watcher);
    await this.settled();
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

  /**
   * Deletes a table: its record goes at once, or shows DELETING for the
   * configured time, and its data is purged in the background from now on
   * (data-plane operations already refuse a DELETING table). Returns the
   * record as DELETING.
   */
  /**
   * `check` sees the table as it is once this process's earlier catalog
   * changes are in (a CreateBackup that committed since the caller looked) and
   * may refuse by throwing; other processes' changes make the delete's
   * transaction stale, and the request runs again from the start.
   */
  delete(table: TableRecord, check?: (current: TableRecord) => void): Promise<TableRecord> {
    return this.serially(() => this.applyDelete(table, check));
  }

  private async applyDelete(table: TableRecord, check?: (current: TableRecord) => void): Promise<TableRecord> {
    const current = this.get(table, table.TableName);
    if (current === undefined || current.id !== table.id) {
      throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${table.TableName} not found`);
    }
    check?.(current);
    if (current.TableStatus === 'DELETING') return current;
    const transitional = this.timings.deleteTableMs > 0;
    const deleting: TableRecord = { ...current, TableStatus: 'DELETING', statusUntil: Date.now() + this.timings.deleteTableMs };
    this.loadedVersion = await this.storage.write((tx) => {
      const version = this.bump(tx);
      const key = tableRecordKey(current.account, current.region, current.TableName);
      if (transitional) tx.put(key, encoder.encode(JSON.stringify(deleting)));
      else tx.delete(key);
      followTableChange(tx, current, undefined);
      markForPurge(tx, current);
      keepDeletedTable(tx, current, Date.now());
      return version;
    });
    if (transitional) this.cache(deleting);
    else this.uncache(current);
    this.startPurge(current.id);
    return deleting;
  }

  /**
   * Removes the record of a table whose DELETING time is over (its data is
   * being purged already), unless a new table of that name has taken its place.
   */
  private async removeRecord(record: TableRecord): Promise<void> {
    await this.storage.write((tx) => {
      if (storedTableRecord(tx, record.account, record.region, record.TableName)?.id === record.id) {
        tx.delete(tableRecordKey(record.account, record.region, record.TableName));
      }
    });
  }

  /** Applies a finished transition; a finished deletion removes the table's record in the background. */
  private settle(record: TableRecord): TableRecord | undefined {
    const now = Date.now();
    if (record.TableStatus === 'DELETING') {
      if (record.statusUntil !== undefined && now < record.statusUntil) return record;
      this.uncache(record);
      this.inBackground(this.removeRecord(record));
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
