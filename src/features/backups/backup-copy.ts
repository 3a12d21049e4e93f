/**
 * Copying a table into a backup, and purging a deleted backup's items.
 *
 * The copy reads every item of the table in ONE read transaction, so the
 * backup is exactly the table at one moment while writers go on (a read
 * snapshot blocks no writer on any backend). The Storage interface keeps no
 * snapshot open across calls, so a chunked read would mix moments; the price
 * is holding the table's items in memory while they are written out, in
 * bounded write transactions. Only the last write turns the record
 * AVAILABLE; a copy cut short (a crash, a stop) leaves it CREATING, and the
 * next attempt clears what was written and copies a fresh snapshot.
 */
import { itemPrefix } from '../../engine/keyspace.js';
import { storedTableRecord } from '../../engine/catalog.js';
import { readLogHead } from '../../engine/change-log.js';
import { storedSize } from '../../engine/stored-item.js';
import type { Entry, Storage } from '../../storage/storage.js';
import { backupItemPrefix, deleteBackupRecord, putBackup, readBackup, type BackupRecord } from './backup-store.js';

const WRITE_BATCH = 500;

/** Every key under `prefix` (whose leading kind byte is never 0xff). */
function rangeOf(prefix: Uint8Array): { start: Uint8Array; end: Uint8Array } {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== 0xff) {
      end[i]! += 1;
      break;
    }
    end[i] = 0;
  }
  return { start: prefix, end };
}

/** Deletes the keys under `prefix`, a batch per transaction; false if stopped first. */
async function clearPrefix(storage: Storage, prefix: Uint8Array, stopped: () => boolean): Promise<boolean> {
  const range = rangeOf(prefix);
  for (;;) {
    if (stopped()) return false;
    const left = await storage.write((tx) => {
      const keys = [...tx.range({ ...range, limit: WRITE_BATCH })].map((entry) => entry.key);
      for (const key of keys) tx.delete(key);
      return keys.length;
    });
    if (left < WRITE_BATCH) return true;
  }
}

interface Snapshot {
  readonly entries: Entry[];
  /** False when the source table is gone (or is another table of the same name). */
  readonly present: boolean;
  /** The table's next change-log sequence number at the snapshot: every change before it is in the snapshot, none from it on. */
  readonly logSequence: number;
}

/**
 * Copies the backup's table (if still CREATING): clears a cut-short
 * attempt, reads the snapshot, writes it out, then marks the record
 * AVAILABLE with the snapshot's count and size. A backup whose table is gone
 * before its snapshot is dropped: it never held anything. True once AVAILABLE.
 */
export async function copyBackup(storage: Storage, backup: BackupRecord, stopped: () => boolean): Promise<boolean> {
  const { account, region, BackupArn, number, source } = backup;
  if (!(await clearPrefix(storage, backupItemPrefix(number), stopped))) return false;
  const snapshot = await storage.read((tx): Snapshot => {
    const table = storedTableRecord(tx, account, region, source.TableName);
    if (table === undefined || table.id !== source.id) return { entries: [], present: false, logSequence: 0 };
    return { entries: [...tx.range(rangeOf(itemPrefix(source.id)))], present: true, logSequence: readLogHead(tx, source.id)?.next ?? 1 };
  });
  if (!snapshot.present) {
    await storage.write((tx) => {
      if (readBackup(tx, account, region, BackupArn)?.status === 'CREATING') deleteBackupRecord(tx, backup);
    });
    return false;
  }
  const target = backupItemPrefix(number);
  let sizeBytes = 0;
  for (let i = 0; i < snapshot.entries.length; i += WRITE_BATCH) {
    if (stopped()) return false;
    const batch = snapshot.entries.slice(i, i + WRITE_BATCH);
    await storage.write((tx) => {
      for (const { key, value } of batch) {
        const copy = Uint8Array.from(key);
        copy.set(target);
        tx.put(copy, value);
      }
    });
  }
  for (const { value } of snapshot.entries) sizeBytes += storedSize(value);
  return storage.write((tx) => {
    const current = readBackup(tx, account, region, BackupArn);
    if (current?.status !== 'CREATING') return false;
    putBackup(tx, { ...current, status: 'AVAILABLE', itemCount: snapshot.entries.length, sizeBytes, logSequence: snapshot.logSequence });
    return true;
  });
}

/** Purges a DELETED backup's items, then its record. */
export async function purgeBackup(storage: Storage, backup: BackupRecord, stopped: () => boolean): Promise<void> {
  if (!(await clearPrefix(storage, backupItemPrefix(backup.number), stopped))) return;
  await storage.write((tx) => {
    if (readBackup(tx, backup.account, backup.region, backup.BackupArn)?.status === 'DELETED') deleteBackupRecord(tx, backup);
  });
}

/** The backup's items in key order, a bounded page at a time from `after` on (for restores). */
export async function readBackupItems(storage: Storage, number: number, after: Uint8Array | undefined, limit: number): Promise<Entry[]> {
  const range = rangeOf(backupItemPrefix(number));
  const start = after === undefined ? range.start : Uint8Array.from([...after, 0]);
  return storage.read((tx) => [...tx.range({ start, end: range.end, limit })]);
}
