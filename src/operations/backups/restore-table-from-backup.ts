/**
 * RestoreTableFromBackup: creates the target table from the backup's table
 * definition and the overrides (restore-target.ts), CREATING with
 * RestoreInProgress, and leaves the items to the background job
 * (features/backups/restore-writer.ts), which makes it ACTIVE once they are
 * all written.
 */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { DynamoError } from '../../protocol/errors.js';
import { tableArn } from '../../engine/table.js';
import { describe } from '../tables/table-description.js';
import { backupArnMember, requireBackup } from './backup-access.js';
import { BACKUP_IN_USE } from './delete-backup.js';
import { checkTargetFree, createRestoredTable, restoredDefinition, restoreOverrideMembers, type RestoreOverrides } from './restore-target.js';

interface RestoreTableFromBackupRequest extends RestoreOverrides {
  readonly BackupArn: string;
}

export const restoreTableFromBackup = defineOperation<RestoreTableFromBackupRequest>({
  name: 'RestoreTableFromBackup',
  shape: struct('RestoreTableFromBackupInput', { ...restoreOverrideMembers, BackupArn: backupArnMember(true) }),
  async execute(request, context) {
    const { namespace, services } = context;
    const backup = await requireBackup(context, request.BackupArn);
    if (backup.status !== 'AVAILABLE') throw new DynamoError('BackupInUseException', BACKUP_IN_USE);
    checkTargetFree(context, request.TargetTableName);
    const definition = restoredDefinition(request, backup.source, namespace);
    // RestoreDateTime is the "point in time or source backup time" (API reference, RestoreSummary): the data's moment.
    const summary = { SourceBackupArn: backup.BackupArn, SourceTableArn: tableArn(backup.source), RestoreDateTime: backup.createdAt / 1000, RestoreInProgress: true };
    const table = await createRestoredTable(context, definition, summary, { BackupArn: backup.BackupArn, backupNumber: backup.number });
    return { TableDescription: await describe(table, services) };
  },
});
