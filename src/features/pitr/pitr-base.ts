/**
 * A point-in-time recovery base: a copy of the table taken when PITR is
 * switched on, from which a restore starts. It is stored as a backup record
 * marked `pitrBase` (so the backups' background job copies it in one read
 * snapshot, together with the change-log sequence number the snapshot stops
 * before, and purges it once dropped), invisible to the backup operations:
 * DynamoDB lists no such thing (its SYSTEM backups are the ones it takes on a
 * table's deletion, which a user can restore and delete).
 *
 * Its ARN is the table's ARN, `/pitr-base/`, the creation time and a random
 * part, so one table's bases are one range of the backup records.
 */
import { randomBytes } from 'node:crypto';
import { tableArn, type TableRecord } from '../../engine/table.js';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { allocateBackupNumber, putBackup, tableBackups, type BackupRecord } from '../backups/backup-store.js';

type TableIdentity = Pick<TableRecord, 'id' | 'account' | 'region' | 'TableName'>;

function basesOf(tx: ReadTransaction, table: TableIdentity): BackupRecord[] {
  return tableBackups(tx, table, 'pitr-base').filter((record) => record.pitrBase === true && record.status !== 'DELETED');
}

/** The table's live base (CREATING until the job copies it), if any. */
export function findBase(tx: ReadTransaction, table: TableIdentity): BackupRecord | undefined {
  return basesOf(tx, table).at(-1);
}

/** Records a base to copy for a table that just had PITR switched on (a table that has one keeps it). */
export function ensureBase(tx: WriteTransaction, table: TableRecord, nowMs: number): void {
  if (findBase(tx, table) !== undefined) return;
  putBackup(tx, {
    number: allocateBackupNumber(tx),
    account: table.account,
    region: table.region,
    BackupArn: `${tableArn(table)}/pitr-base/${String(nowMs).padStart(14, '0')}-${randomBytes(4).toString('hex')}`,
    BackupName: 'pitr-base',
    createdAt: nowMs,
    status: 'CREATING',
    source: table,
    itemCount: 0,
    sizeBytes: 0,
    pitrBase: true,
  });
}

/** Drops the table's bases (PITR switched off): the backups' job purges their items unless a restore still reads them. */
export function dropBases(tx: WriteTransaction, table: TableIdentity): void {
  for (const base of basesOf(tx, table)) putBackup(tx, { ...base, status: 'DELETED' });
}
