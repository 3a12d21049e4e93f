/**
 * Copying a table into a backup (an on-demand backup or a PITR base), and
 * purging a deleted backup's items.
 *
 * The copy holds one chunk of the table in memory at a time, never the
 * table. While it runs, the table's record names the backup
 * (copy-log-reader.ts), so every write of the table is logged. It begins by
 * noting the log's next sequence number L in the backup's record, in a
 * transaction that sees the name in the table record; then it copies the
 * items in key order, a chunk per read transaction (each chunk of its own
 * moment, so the copy as a whole is of no one moment), and replays the
 * changes logged from L on onto the copy in bounded batches
 * (backup-replay.ts). Every change a chunk saw is one of them, so once the
 * replay reaches the log's end the copy is exactly the table at that end,
 * L1: the last transaction replays what is left, turns the record AVAILABLE
 * with logSequence L1 and the copy's exact count and size, and takes the
 * backup's name off the table record (so logging stops unless someone else
 * reads the log). A copy cut short (a crash, a stop) leaves the record
 * CREATING and the name in place; the next attempt clears what was written
 * and starts again from a new L.
 */
import { itemPrefix } from '../../engine/keyspace.js';
import { clearPrefix, prefixRange } from '../../engine/prefix-range.js';
import { StaleCatalog, storedTableRecord } from '../../engine/catalog.js';
import { readLogHead } from '../../engine/change-log.js';
import type { Services } from '../../engine/services.js';
import { storedSize } from '../../engine/stored-item.js';
import type { TableRecord } from '../../engine/table.js';
import type { Entry, Storage, WriteTransaction } from '../../storage/storage.js';
import { backupItemKey, backupItemPrefix, deleteBackupRecord, putBackup, readBackup, type BackupRecord } from './backup-store.js';
import { replayChanges } from './backup-replay.js';
import { Pace } from '../../engine/background-work.js';
import { withCopy, withoutCopy } from './copy-log-reader.js';

/** What copying and purging use of the services. */
type BackupServices = Pick<Services, 'storage' | 'catalog'>;

/** Items read per read transaction, and written per write transaction. */
const CHUNK = 100;
/** Logged changes replayed per write transaction. */
const REPLAY_BATCH = 500;
/** Rounds of paced replay before the last transaction takes what is left. */
const REPLAY_ROUNDS = 3;


/** The keys of `range` after `after` (all of them without it), `limit` at most, in key order. */
function pageAfter(range: { start: Uint8Array; end: Uint8Array }, after: Uint8Array | undefined, limit: number) {
  return { start: after === undefined ? range.start : Uint8Array.from([...after, 0]), end: range.end, limit };
}

/**
 * Changes the source table's record from background work, the backup's
 * record with it when `change` writes one; false when the table is gone
 * or being deleted. A catalog another process changed meanwhile is read
 * again and the change retried.
 */
async function updateSource(
  services: BackupServices,
  source: TableRecord,
  change: (current: TableRecord, tx: WriteTransaction) => TableRecord,
): Promise<boolean> {
  const { catalog } = services;
  for (;;) {
    await catalog.refreshIfStale();
    const table = catalog.get(source, source.TableName);
    if (table === undefined || table.id !== source.id || table.TableStatus === 'DELETING') return false;
    try {
      await catalog.update(table, (current, _newIndexId, tx) => change(current, tx), false);
      return true;
    } catch (error) {
      if (!(error instanceof StaleCatalog)) throw error;
    }
  }
}

type Beginning =
  /** The record is no longer CREATING (dropped meanwhile). */
  | { readonly kind: 'gone' }
  /** The table is gone or being deleted: the backup never held anything. */
  | { readonly kind: 'lost' }
  /** The table record does not name the backup yet (a PITR base, a record of an older build). */
  | { readonly kind: 'unnamed' }
  | { readonly kind: 'copy'; readonly from: number };

function begin(tx: WriteTransaction, backup: BackupRecord): Beginning {
  const { account, region, BackupArn, source } = backup;
  const current = readBackup(tx, account, region, BackupArn);
  if (current?.status !== 'CREATING') return { kind: 'gone' };
  const table = storedTableRecord(tx, account, region, source.TableName);
  if (table === undefined || table.id !== source.id || table.TableStatus === 'DELETING') {
    deleteBackupRecord(tx, current);
    return { kind: 'lost' };
  }
  if (table.backupCopies?.includes(BackupArn) !== true) return { kind: 'unnamed' };
  const from = readLogHead(tx, source.id)?.next ?? 1;
  putBackup(tx, { ...current, copyFrom: from });
  return { kind: 'copy', from };
}

/** Copies the table's items a chunk at a time; the copy's count and size, or undefined if stopped. */
async function copyChunks(storage: Storage, backup: BackupRecord, stopped: () => boolean, pace: Pace): Promise<{ items: number; bytes: number } | undefined> {
  const range = prefixRange(itemPrefix(backup.source.id));
  let after: Uint8Array | undefined;
  let items = 0;
  let bytes = 0;
  for (;;) {
    if (stopped()) return undefined;
    const chunk: Entry[] = await storage.read((tx) => [...tx.range(pageAfter(range, after, CHUNK))]);
    await storage.write((tx) => {
      for (const { key, value } of chunk) tx.put(backupItemKey(key, backup.number), value);
    });
    for (const { value } of chunk) bytes += storedSize(value);
    items += chunk.length;
    if (chunk.length < CHUNK) return { items, bytes };
    after = chunk[chunk.length - 1]!.key;
    await pace.breathe();
  }
}

/**
 * Copies the backup's table (if still CREATING), clearing a cut-short
 * attempt first, and makes it AVAILABLE. A backup whose table is gone
 * before the copy ends is dropped. True once AVAILABLE.
 */
export async function copyBackup(services: BackupServices, backup: BackupRecord, stopped: () => boolean): Promise<boolean> {
  const { storage } = services;
  const { account, region, BackupArn, number, source } = backup;
  // Copied before a crash or a lost lease, only its last step left.
  if (backup.copied !== undefined) return finishCopy(services, backup);
  if (!(await clearPrefix(storage, backupItemPrefix(number), stopped))) return false;
  let beginning = await storage.write((tx) => begin(tx, backup));
  if (beginning.kind === 'unnamed') {
    await updateSource(services, source, (current) => withCopy(current, BackupArn));
    beginning = await storage.write((tx) => begin(tx, backup));
  }
  if (beginning.kind !== 'copy') return false;
  const { from } = beginning;
  const pace = new Pace();
  const chunks = await copyChunks(storage, backup, stopped, pace);
  if (chunks === undefined) return false;
  let { items, bytes } = chunks;
  let cursor = from;
  // The paced replay goes up to a fixed end, so writers faster than it cannot keep it from finishing; a few
  // rounds bring the end close to the present, and what was written during the last goes in the last transaction.
  for (let round = 0; round < REPLAY_ROUNDS; round++) {
    const end = await storage.read((tx) => readLogHead(tx, source.id)?.next ?? cursor);
    if (end - cursor < REPLAY_BATCH) break;
    const beforeEnd = { limit: REPLAY_BATCH, stopBefore: (change: { sequence: number }) => change.sequence >= end };
    for (;;) {
      if (stopped()) return false;
      const batch = await storage.write((tx) => replayChanges(tx, source, number, cursor, beforeEnd));
      items += batch.items;
      bytes += batch.bytes;
      cursor = batch.next;
      if (batch.done) break;
      await pace.breathe();
    }
  }
  // What was written during the last round goes in one transaction, which reads the log's tail and writes only
  // the backup's own keys (no writer reads them, so it does not conflict with them on a database).
  const copied = await storage.write((tx) => {
    const record = readBackup(tx, account, region, BackupArn);
    if (record?.status !== 'CREATING' || record.copyFrom !== from) return false;
    const tail = replayChanges(tx, source, number, cursor);
    const logSequence = readLogHead(tx, source.id)?.next ?? tail.next;
    putBackup(tx, { ...record, copied: { itemCount: items + tail.items, sizeBytes: bytes + tail.bytes, logSequence } });
    return true;
  });
  if (!copied) return false;
  return finishCopy(services, backup);
}

/** Makes a copied backup AVAILABLE in the same catalog change that takes it off its table's record (so writers stop logging for it). */
async function finishCopy(services: BackupServices, backup: BackupRecord): Promise<boolean> {
  const { storage } = services;
  const { account, region, BackupArn, source } = backup;
  const finished = await updateSource(services, source, (current, tx) => {
    const record = readBackup(tx, account, region, BackupArn);
    if (record?.status === 'CREATING' && record.copied !== undefined) {
      const { copied, copyFrom: _from, ...rest } = record;
      putBackup(tx, { ...rest, status: 'AVAILABLE', ...copied });
    }
    return withoutCopy(current, BackupArn);
  });
  if (!finished) {
    // The table went during the copy: what was copied is purged.
    await storage.write((tx) => {
      const record = readBackup(tx, account, region, BackupArn);
      if (record?.status === 'CREATING') putBackup(tx, { ...record, status: 'DELETED' });
    });
    return false;
  }
  return storage.read((tx) => readBackup(tx, account, region, BackupArn)?.status === 'AVAILABLE');
}

/** Purges a DELETED backup's items, then its record (a PITR base dropped while being copied is first taken off its table's record). */
export async function purgeBackup(services: BackupServices, backup: BackupRecord, stopped: () => boolean): Promise<void> {
  const { storage } = services;
  const named = await storage.read((tx) => storedTableRecord(tx, backup.account, backup.region, backup.source.TableName)?.backupCopies?.includes(backup.BackupArn) === true);
  if (named) await updateSource(services, backup.source, (current) => withoutCopy(current, backup.BackupArn));
  if (!(await clearPrefix(storage, backupItemPrefix(backup.number), stopped))) return;
  await storage.write((tx) => {
    if (readBackup(tx, backup.account, backup.region, backup.BackupArn)?.status === 'DELETED') deleteBackupRecord(tx, backup);
  });
}
