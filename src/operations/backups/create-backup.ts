/**
 * CreateBackup: records the backup as CREATING with the table's definition,
 * and names it in the table's record (which has the table's writes logged
 * while it is copied: features/backups/copy-log-reader.ts), in one catalog
 * change; the background job (features/backups/backup-jobs.ts) copies the
 * items as of one moment and makes it AVAILABLE. A table has one backup
 * being created at a time. DynamoDB documents no limit on concurrent backups
 * of different tables (LimitExceededException's description in the API
 * reference: "There is no limit to the number of daily on-demand backups";
 * its numbers are for table operations and restores), so none is enforced.
 */
import { randomBytes } from 'node:crypto';
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { DynamoError } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { requireTable, tableNameOrArnMember } from './backup-access.js';
import { allocateBackupNumber, putBackup, readBackup, type BackupRecord } from '../../features/backups/backup-store.js';
import { backupArn, backupDetails } from '../../features/backups/backup-description.js';
import { backupBeingCreated, withCopy } from '../../features/backups/copy-log-reader.js';
import { BACKUP_IN_USE } from './delete-backup.js';

interface CreateBackupRequest {
  readonly TableName: string;
  readonly BackupName: string;
}

/** The API's BackupName: 3..255 of the table-name characters. */
export const backupNameMember = str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN });

/**
 * A missing table is TableNotFoundException (backup-access.ts); a table that is not ACTIVE is
 * TableInUseException, in the words of an emulator that models DynamoDB's
 * backups closely (no live recording found; the API reference only says the
 * table "is either being created or deleted").
 */
export const createBackup = defineOperation<CreateBackupRequest>({
  name: 'CreateBackup',
  shape: struct('CreateBackupInput', { TableName: tableNameOrArnMember(true), BackupName: backupNameMember }),
  async execute(request, context) {
    const { namespace, services } = context;
    const table = requireTable(context, request.TableName);
    if (table.TableStatus !== 'ACTIVE') throw new DynamoError('TableInUseException', 'Source table is being created, changed or deleted');
    const stats = await services.items.stats(table);
    const createdAt = Date.now();
    const BackupArn = backupArn(table, createdAt, randomBytes(4).toString('hex'));
    // A second backup while one is being created: BackupInUseException ("another ongoing conflicting backup control
    // plane operation on the table", API reference; no recorded live text found, so its documented description).
    const inUse = () => new DynamoError('BackupInUseException', BACKUP_IN_USE);
    if (backupBeingCreated(table)) throw inUse();
    await services.catalog.update(
      table,
      (current, _newIndexId, tx) => {
        if (backupBeingCreated(current)) throw inUse();
        const { backupCopies: _, ...source } = current;
        const created: BackupRecord = {
          number: allocateBackupNumber(tx),
          account: namespace.account,
          region: namespace.region,
          BackupArn,
          BackupName: request.BackupName,
          createdAt,
          status: 'CREATING',
          source,
          itemCount: stats.itemCount,
          sizeBytes: stats.sizeBytes,
        };
        putBackup(tx, created);
        return withCopy(current, BackupArn);
      },
      false,
    );
    const record = await services.storage.read((tx) => readBackup(tx, namespace.account, namespace.region, BackupArn));
    return { BackupDetails: backupDetails(record!) };
  },
});
