/** Finding a backup by its ARN, and the request member that carries one. */
import { DynamoError } from '../../protocol/errors.js';
import { str } from '../../protocol/shape.js';
import { readBackup, type BackupRecord } from '../../features/backups/backup-store.js';
import type { OperationContext } from '../operation.js';
import { parseTableArn } from '../tables/resource-arn.js';

/** BackupArn's length limits, from the API reference. */
export const backupArnMember = (required: boolean) => str({ required, minLength: 37, maxLength: 1024 });

/**
 * The backup of the caller's namespace the ARN names, or DynamoDB's
 * BackupNotFoundException. Its text extends the exception's documented
 * description ("Backup not found for the given BackupARN.", API reference)
 * with the ARN; emulators differ (moto: "Backup not found: <arn>") and no
 * recorded live answer was found. A DELETED record's items are still being
 * purged: for the API it is gone.
 */
export async function requireBackup({ namespace, services }: OperationContext, arn: string): Promise<BackupRecord> {
  const backup = await services.storage.read((tx) => readBackup(tx, namespace.account, namespace.region, arn));
  if (backup === undefined || backup.status === 'DELETED') {
    throw new DynamoError('BackupNotFoundException', `Backup not found for the given BackupARN: ${arn}`);
  }
  return backup;
}

/** TableName as the backup operations take it: a name, or the table's ARN (API reference), hence up to 1024 characters. */
export const tableNameOrArnMember = (required: boolean) => str({ required, minLength: 1, maxLength: 1024 });

export function tableNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? parseTableArn(nameOrArn).name : nameOrArn;
}
