/**
 * Backup copies as a reader of the change log (engine/change-log.ts). A
 * table's record names the backups (and PITR bases) of it being copied
 * (`backupCopies`); while it names one, every change of the table's items is
 * logged. The name is added by a catalog change, which bumps the catalog
 * version every write checks in its transaction, so from that change's
 * commit on every process logs the table's writes. The copy notes the log's
 * next sequence number L when it begins (after the name is in), reads the
 * table a chunk at a time, then replays the changes from L on
 * (backup-replay.ts); this reader keeps them until then.
 */
import type { ChangeLogReader } from '../../engine/change-log.js';
import { storedTableRecord } from '../../engine/catalog.js';
import type { TableRecord } from '../../engine/table.js';
import { readBackup } from './backup-store.js';

export const backupCopyLogReader: ChangeLogReader = {
  wants: (table) => table.backupCopies !== undefined,
  needs(tx, tableId, head) {
    const table = storedTableRecord(tx, head.account, head.region, head.TableName);
    if (table?.id !== tableId || table.backupCopies === undefined) return undefined;
    // A copy not begun yet will begin at the head or later.
    const starts = table.backupCopies.map((arn) => readBackup(tx, table.account, table.region, arn)?.copyFrom ?? head.next);
    return { fromSequence: Math.min(...starts) };
  },
};

/** The table record naming one more backup being copied. */
export function withCopy(table: TableRecord, arn: string): TableRecord {
  return table.backupCopies?.includes(arn) === true ? table : { ...table, backupCopies: [...(table.backupCopies ?? []), arn] };
}

/** The table record without the backup among those being copied. */
export function withoutCopy(table: TableRecord, arn: string): TableRecord {
  const { backupCopies, ...rest } = table;
  const left = (backupCopies ?? []).filter((candidate) => candidate !== arn);
  return left.length === 0 ? rest : { ...rest, backupCopies: left };
}

/** Whether an on-demand backup of the table (not a PITR base, whose ARNs say `/pitr-base/`) is being created. */
export function backupBeingCreated(table: TableRecord): boolean {
  return table.backupCopies?.some((arn) => arn.includes('/backup/')) === true;
}
