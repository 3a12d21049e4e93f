/**
 * ListBackups: the namespace's backups, one table's or all, oldest first
 * per table, filtered by creation time (lower bound inclusive, upper bound
 * exclusive, as the API reference says) and type, a page of Limit at a time.
 * Every backup here is a USER backup: SYSTEM and AWS_BACKUP list none.
 */
import { defineOperation } from '../operation.js';
import { double, int, str, struct } from '../../protocol/shape.js';
import { backupRecordKey, namespaceBackups, readBackups } from '../../features/backups/backup-store.js';
import { backupSummary } from '../../features/backups/backup-description.js';
import { backupArnMember, ownTableName, tableNameOrArnMember } from './backup-access.js';

interface ListBackupsRequest {
  readonly TableName?: string;
  readonly Limit?: number;
  /** Epoch seconds. */
  readonly TimeRangeLowerBound?: number;
  readonly TimeRangeUpperBound?: number;
  readonly ExclusiveStartBackupArn?: string;
  readonly BackupType?: 'USER' | 'SYSTEM' | 'AWS_BACKUP' | 'ALL';
}

const MAX_LIMIT = 100;

export const listBackups = defineOperation<ListBackupsRequest>({
  name: 'ListBackups',
  shape: struct('ListBackupsInput', {
    TableName: tableNameOrArnMember(false),
    Limit: int({ min: 1, max: MAX_LIMIT }),
    TimeRangeLowerBound: double(),
    TimeRangeUpperBound: double(),
    ExclusiveStartBackupArn: backupArnMember(false),
    BackupType: str({ enum: ['USER', 'SYSTEM', 'AWS_BACKUP', 'ALL'] }),
  }),
  async execute(request, { namespace, services }) {
    const { account, region } = namespace;
    // An ARN of another account's or region's table names none of the caller's: '' matches no backup.
    const tableName = request.TableName === undefined ? undefined : (ownTableName(namespace, request.TableName) ?? '');
    const range = namespaceBackups(account, region);
    const start = request.ExclusiveStartBackupArn === undefined ? range.start : Uint8Array.from([...backupRecordKey(account, region, request.ExclusiveStartBackupArn), 0]);
    const all = await services.storage.read((tx) => readBackups(tx, { start, end: range.end }));
    const lower = request.TimeRangeLowerBound ?? -Infinity;
    const upper = request.TimeRangeUpperBound ?? Infinity;
    const userType = request.BackupType === undefined || request.BackupType === 'USER' || request.BackupType === 'ALL';
    const matching = all.filter(
      (backup) =>
        userType &&
        backup.status !== 'DELETED' &&
        backup.pitrBase !== true &&
        (tableName === undefined || backup.source.TableName === tableName) &&
        backup.createdAt / 1000 >= lower &&
        backup.createdAt / 1000 < upper,
    );
    const limit = request.Limit ?? MAX_LIMIT;
    const page = matching.slice(0, limit);
    return {
      BackupSummaries: page.map(backupSummary),
      ...(matching.length > limit ? { LastEvaluatedBackupArn: page[page.length - 1]!.BackupArn } : {}),
    };
  },
});
