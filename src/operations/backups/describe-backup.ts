/** DescribeBackup: the backup's details, its source table's and the table's features when it was taken. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { backupDescription } from '../../features/backups/backup-description.js';
import { backupArnMember, requireBackup } from './backup-access.js';

interface DescribeBackupRequest {
  readonly BackupArn: string;
}

export const describeBackup = defineOperation<DescribeBackupRequest>({
  name: 'DescribeBackup',
  shape: struct('DescribeBackupInput', { BackupArn: backupArnMember(true) }),
  async execute(request, context) {
    return { BackupDescription: backupDescription(await requireBackup(context, request.BackupArn)) };
  },
});
