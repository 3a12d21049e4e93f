/**
 * Point-in-time recovery as a reader of the change log (engine/change-log.ts):
 * every table with PITR enabled has its item changes logged, and its log keeps
 * every change inside the recovery window and every change from its base's
 * sequence number on (features/pitr/pitr-base.ts), so a restore can bring the
 * base to any time of the window; a point-in-time restore still running keeps
 * its source's whole log. The setting is read from the table record in
 * storage, not the catalog's cache, as a storage callback must
 * (docs/architecture.md, "Storage"). A table deleted with PITR on keeps its
 * log through its deleted-table record (deleted-tables.ts) until its recovery
 * period is over. A log whose table is gone or has PITR switched off is left
 * to the other readers.
 */
import type { ChangeLogReader } from '../../engine/change-log.js';
import { storedTableRecord } from '../../engine/catalog.js';
import { readRestoreMarkers } from '../backups/backup-store.js';
import { deletedTableById } from './deleted-tables.js';
import { findBase } from './pitr-base.js';
import { recoveryWindow } from './recovery-window.js';

export const pitrLogReader: ChangeLogReader = {
  wants: (table) => table.pointInTimeRecovery !== undefined,
  needs(tx, tableId, head, nowMs) {
    if (readRestoreMarkers(tx).some((marker) => marker.pointInTime?.sourceTableId === tableId)) return { fromSequence: 0 };
    const stored = storedTableRecord(tx, head.account, head.region, head.TableName);
    const table = stored?.id === tableId ? stored : deletedTableById(tx, head, tableId, nowMs)?.table;
    const setting = table?.pointInTimeRecovery;
    if (table === undefined || setting === undefined) return undefined;
    const baseSequence = findBase(tx, table)?.logSequence;
    return { sinceMs: recoveryWindow(setting, nowMs).earliestMs, ...(baseSequence !== undefined ? { fromSequence: baseSequence } : {}) };
  },
};
