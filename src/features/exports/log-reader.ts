/**
 * Exports as a reader of change logs (engine/change-log.ts): while an export
 * of a table is being written, the table's log keeps the changes it reads,
 * those from its time on (a full export undoes the changes after its time
 * back to the base; an incremental one reads its period), even once the
 * recovery window has moved past them. Exports log nothing of their own: a
 * table can only be exported with PITR on, which logs its changes.
 */
import type { ChangeLogReader } from '../../engine/change-log.js';
import { readPendingExports } from './export-store.js';

export const exportsLogReader: ChangeLogReader = {
  wants: () => false,
  needs(tx, tableId) {
    const times = readPendingExports(tx)
      .filter((record) => record.tableId === tableId)
      .map((record) => record.incremental?.from ?? record.exportTime);
    return times.length === 0 ? undefined : { sinceMs: Math.min(...times) };
  },
};
