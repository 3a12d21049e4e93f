/**
 * Folding a PITR base forward. A base (pitr-base.ts) is the table exactly
 * before change-log sequence number L, and the PITR log reader keeps the log
 * from L on; a base that never moved would keep the log forever. Restores
 * name times from the recovery window's start E on (recovery-window.ts), and
 * the changes made at or before E are, for every such time, simply applied:
 * so the base may take them in. A fold applies the base's logged changes
 * from L up to L', the first change made after E, onto the base's items
 * (backup-replay.ts), and sets its logSequence to L'; the log reader then no
 * longer needs the older changes, and trimChangeLogs deletes them. Each
 * bounded batch moves the items and logSequence together in one transaction,
 * so the base is exact after every batch and a fold cut short is simply
 * resumed. A base a restore is reading (its restore marker names it) is not
 * folded: the restore read its logSequence when it began and reads its items
 * a page at a time.
 *
 * Bases of tables deleted with PITR on are left as they are: their logs end
 * at the deletion and go with their period (deleted-tables.ts).
 */
import { firstChange } from '../../engine/change-log.js';
import { storedTableRecord, storedTableRecords } from '../../engine/catalog.js';
import type { ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { putBackup, readBackup, readRestoreMarkers, type BackupRecord } from '../backups/backup-store.js';
import { replayChanges } from '../backups/backup-replay.js';
import { Pace } from '../../engine/background-work.js';
import { findBase } from './pitr-base.js';
import { readPendingExports } from '../exports/export-store.js';
import { recoveryWindow } from './recovery-window.js';

/** Changes folded per transaction. */
const FOLD_BATCH = 500;

/** Whether a restore or a full export still reads the base: their overlays were made against it as it is. */
function readBy(tx: ReadTransaction, backupNumber: number): boolean {
  return readRestoreMarkers(tx).some((marker) => marker.backupNumber === backupNumber) || readPendingExports(tx).some((record) => record.base?.number === backupNumber);
}

/** The window's start for the base's live table, if it still has PITR on. */
function windowStart(tx: ReadTransaction, base: BackupRecord, nowMs: number): number | undefined {
  const table = storedTableRecord(tx, base.account, base.region, base.source.TableName);
  const setting = table?.id === base.source.id ? table.pointInTimeRecovery : undefined;
  return setting === undefined ? undefined : recoveryWindow(setting, nowMs).earliestMs;
}

/** The live tables' bases with a logged change made at or before their window's start, which no restore reads. */
export function basesToFold(tx: ReadTransaction, nowMs: number): BackupRecord[] {
  const due: BackupRecord[] = [];
  for (const table of storedTableRecords(tx)) {
    if (table.pointInTimeRecovery === undefined) continue;
    const base = findBase(tx, table);
    if (base?.status !== 'AVAILABLE' || base.logSequence === undefined || readBy(tx, base.number)) continue;
    const first = firstChange(tx, table.id, base.logSequence);
    if (first !== undefined && first.at <= recoveryWindow(table.pointInTimeRecovery, nowMs).earliestMs) due.push(base);
  }
  return due;
}

/** Folds one batch into the base; true when more may be due. */
function foldBatch(tx: WriteTransaction, base: BackupRecord, nowMs: number): boolean {
  const current = readBackup(tx, base.account, base.region, base.BackupArn);
  if (current?.status !== 'AVAILABLE' || current.logSequence === undefined || readBy(tx, current.number)) return false;
  const startMs = windowStart(tx, current, nowMs);
  if (startMs === undefined) return false;
  const outcome = replayChanges(tx, current.source, current.number, current.logSequence, { limit: FOLD_BATCH, stopBefore: (change) => change.at > startMs });
  if (outcome.next !== current.logSequence) {
    putBackup(tx, { ...current, logSequence: outcome.next, itemCount: current.itemCount + outcome.items, sizeBytes: current.sizeBytes + outcome.bytes });
  }
  return !outcome.done;
}

/** Folds the base forward to the window's start at `nowMs`, a batch per transaction, yielding to requests between. */
export async function foldBase(storage: Storage, base: BackupRecord, nowMs: number, stopped: () => boolean): Promise<void> {
  const pace = new Pace();
  while (!stopped() && (await storage.write((tx) => foldBatch(tx, base, nowMs)))) await pace.breathe();
}
