/**
 * DeleteBackup: the backup disappears for the API at once (its record turns
 * DELETED in storage); the background job purges its items, then the record.
 * A backup still being created, or being restored from, is in use.
 */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { DynamoError } from '../../protocol/errors.js';
import { putBackup, readBackup, readRestoreMarkers } from '../../features/backups/backup-store.js';
import { backupDescription } from '../../features/backups/backup-description.js';
import { backupArnMember, requireBackup } from './backup-access.js';

interface DeleteBackupRequest {
  readonly BackupArn: string;
}

/** BackupInUseException's text: the API reference's description of the exception (no recorded live text found). */
export const BACKUP_IN_USE =
  'There is another ongoing conflicting backup control plane operation on the table. The backup is either being created, deleted or restored to a table.';

export const deleteBackup = defineOperation<DeleteBackupRequest>({
  name: 'DeleteBackup',
  shape: struct('DeleteBackupInput', { BackupArn: backupArnMember(true) }),
  async execute(request, context) {
    const { namespace, services } = context;
    const found = await requireBackup(context, request.BackupArn);
    const deleted = await services.storage.write((tx) => {
      const current = readBackup(tx, namespace.account, namespace.region, found.BackupArn);
      if (current === undefined || current.status === 'DELETED') return undefined;
      const restoring = readRestoreMarkers(tx).some((marker) => marker.backupNumber === current.number);
      if (current.status === 'CREATING' || restoring) throw new DynamoError('BackupInUseException', BACKUP_IN_USE);
      putBackup(tx, { ...current, status: 'DELETED' });
      return current;
    });
    // Deleted meanwhile by another request.
    if (deleted === undefined) return requireBackup(context, request.BackupArn);
    return { BackupDescription: backupDescription(deleted, 'DELETED') };
  },
});
