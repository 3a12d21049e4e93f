/**
 * Point-in-time recovery as a reader of the change log (engine/change-log.ts):
 * every table with PITR enabled has its item changes logged, and its log keeps
 * every change inside the recovery window. The setting is read from the table
 * record in storage, not the catalog's cache, as a storage callback must
 * (docs/architecture.md, "Storage"). A log whose table is gone or has PITR
 * switched off is left to the other readers.
 */
import type { ChangeLogReader } from '../../engine/change-log.js';
import { storedTableRecord } from '../../engine/catalog.js';
import { recoveryWindow } from './recovery-window.js';

export const pitrLogReader: ChangeLogReader = {
  wants: (table) => table.pointInTimeRecovery !== undefined,
  needs(tx, tableId, head, nowMs) {
    const table = storedTableRecord(tx, head.account, head.region, head.TableName);
    const setting = table?.id === tableId ? table.pointInTimeRecovery : undefined;
    return setting === undefined ? undefined : { sinceMs: recoveryWindow(setting, nowMs).earliestMs };
  },
};
