/**
 * The TTL sweeper: every interval, for each table with TTL enabled, it first
 * indexes a chunk of existing items if TTL was enabled recently, then deletes
 * the items its expiry index says are due — never scanning the table. Items
 * whose TTL lies more than five years in the past are left alone, as in
 * DynamoDB: the range read starts five years back. Deletions run in small
 * concurrent groups with a yield between groups, so foreground requests keep
 * flowing while many items expire at once.
 */
import type { Storage } from '../../storage/storage.js';
import { storedTableRecords, type Catalog } from '../../engine/catalog.js';
import type { TableRecord } from '../../engine/table.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import { expiryRange } from './ttl-keys.js';
import { indexExistingItems } from './ttl-backfill.js';
import type { Lease } from '../../engine/leases.js';

/** Deletes the item if it is still expired at `nowSeconds`, as a TTL deletion (REMOVE record from the service). */
export type ExpiredItemRemover = (table: TableRecord, key: PrimaryKey, nowSeconds: number) => Promise<void>;

export const FIVE_YEARS_SECONDS = 5 * 365 * 86_400;
const READ_BATCH = 1000;
const DELETE_GROUP = 64;

const decoder = new TextDecoder();
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The table as the catalog has it now, if it still exists with TTL enabled. */
type CurrentTable = () => TableRecord | undefined;

function currentTtlTable(catalog: Catalog, record: TableRecord): CurrentTable {
  return () => {
    const live = catalog.get(record, record.TableName);
    return live !== undefined && live.id === record.id && live.TimeToLive !== undefined && live.TableStatus !== 'DELETING' ? live : undefined;
  };
}

/** Tables with TTL enabled, each as a function giving its current record. */
async function ttlTables(storage: Storage, catalog: Catalog): Promise<CurrentTable[]> {
  const stored = await storage.read(storedTableRecords);
  return stored.map((record) => currentTtlTable(catalog, record)).filter((current) => current() !== undefined);
}

/**
 * Deletes every item of the table due at `nowMs`; returns how many index entries were visited.
 * Each group of deletions takes the table's record as it is then: an index created during a long
 * sweep must be maintained by the deletions after it (the crash test found entries left behind in
 * an index whose backfill ran while a sweep deleted with the record from before it existed).
 */
export async function sweepTable(storage: Storage, current: CurrentTable, remove: ExpiredItemRemover, nowMs: number, stopped: () => boolean = () => false): Promise<number> {
  const first = current();
  if (first === undefined) return 0;
  const nowSeconds = nowMs / 1000;
  const { start, end } = expiryRange(first.id, Math.floor(nowSeconds) - FIVE_YEARS_SECONDS, Math.floor(nowSeconds));
  let from = start;
  let visited = 0;
  while (!stopped()) {
    const entries = await storage.read((tx) => [...tx.range({ start: from, end, limit: READ_BATCH })]);
    if (entries.length === 0) break;
    for (let i = 0; i < entries.length && !stopped(); i += DELETE_GROUP) {
      const table = current();
      if (table === undefined) return visited;
      const group = entries.slice(i, i + DELETE_GROUP);
      await Promise.all(group.map(({ value }) => remove(table, JSON.parse(decoder.decode(value)) as PrimaryKey, nowSeconds)));
      await tick();
    }
    visited += entries.length;
    // Continue after the last entry read, so an entry a removal left behind is not visited twice.
    const last = entries[entries.length - 1]!.key;
    from = new Uint8Array(last.length + 1);
    from.set(last);
  }
  return visited;
}

export interface Sweeper {
  /** Runs one sweep now (tests); resolves when it is done. */
  sweepNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the sweep every `intervalMs`, each followed by `alsoRun` (stream
 * retention shares the timer). With a `lease`, only the process holding it
 * sweeps: one of all the processes and nodes sharing the store.
 */
export function startTtlSweeper(
  storage: Storage,
  catalog: Catalog,
  remove: ExpiredItemRemover,
  intervalMs: number,
  alsoRun: () => Promise<void> = async () => undefined,
  lease?: Lease,
): Sweeper {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    if (lease !== undefined && !(await lease.hold())) return;
    for (const current of await ttlTables(storage, catalog)) {
      if (stopped) return;
      const table = current();
      if (table === undefined) continue;
      await indexExistingItems(storage, table, () => stopped);
      await sweepTable(storage, current, remove, Date.now(), () => stopped);
    }
    if (!stopped) await alsoRun();
  };
  const run = () => {
    running = running.then(sweep).catch(() => undefined);
    return running;
  };
  const timer = setInterval(() => void run(), Math.max(1, intervalMs));
  timer.unref();
  return {
    sweepNow: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await lease?.release().catch(() => undefined);
    },
  };
}
