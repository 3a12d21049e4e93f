/**
 * CreateBackup: records the backup as CREATING with the table's definition;
 * the background job (features/backups/backup-jobs.ts) copies one snapshot of
 * the items and makes it AVAILABLE.
 */
import { randomBytes } from 'node:crypto';
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { DynamoError } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { requireTable, tableNameOrArnMember } from './backup-access.js';
import { allocateBackupNumber, putBackup, type BackupRecord } from '../../features/backups/backup-store.js';
import { backupArn, backupDetails } from '../../features/backups/backup-description.js';

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
    const record = await services.storage.write((tx): BackupRecord => {
      const created: BackupRecord = {
        number: allocateBackupNumber(tx),
        account: namespace.account,
        region: namespace.region,
        BackupArn,
        BackupName: request.BackupName,
        createdAt,
        status: 'CREATING',
        source: table,
        itemCount: stats.itemCount,
        sizeBytes: stats.sizeBytes,
      };
      putBackup(tx, created);
      return created;
    });
    return { BackupDetails: backupDetails(record) };
  },
});
