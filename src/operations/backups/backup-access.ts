/** Finding a backup by its ARN, and the request member that carries one. */
import { DynamoError } from '../../protocol/errors.js';
import { str } from '../../protocol/shape.js';
import { readBackup, type BackupRecord } from '../../features/backups/backup-store.js';
import type { Namespace, OperationContext } from '../operation.js';
import type { TableRecord } from '../../engine/table.js';

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
  if (backup === undefined || backup.status === 'DELETED' || backup.pitrBase === true) {
    throw new DynamoError('BackupNotFoundException', `Backup not found for the given BackupARN: ${arn}`);
  }
  return backup;
}

/** TableName as the backup operations take it: a name, or the table's ARN (API reference), hence up to 1024 characters, no pattern. */
export const tableNameOrArnMember = (required: boolean) => str({ required, minLength: 1, maxLength: 1024 });

const TABLE_ARN = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/;

/** The table name a name or an ARN names in the caller's account and region; undefined for anything else. */
export function ownTableName(namespace: Namespace, nameOrArn: string): string | undefined {
  const arn = TABLE_ARN.exec(nameOrArn);
  if (arn === null) return nameOrArn;
  return arn[1] === namespace.region && arn[2] === namespace.account ? arn[3] : undefined;
}

/**
 * The caller's table a name or ARN names. Anything else is
 * TableNotFoundException "Table not found: <TableName>", live DynamoDB's words
 * (recorded in nccgroup/ScoutSuite issue 1533, 2023, and in moto's tests); an
 * ARN of the table is accepted as the API Reference says (ScyllaDB's
 * Alternator tests, checked against DynamoDB, SCYLLADB-4683).
 */
export function requireTable({ namespace, services }: OperationContext, nameOrArn: string): TableRecord {
  const name = ownTableName(namespace, nameOrArn);
  const table = name === undefined ? undefined : services.catalog.get(namespace, name);
  if (table === undefined) throw new DynamoError('TableNotFoundException', `Table not found: ${nameOrArn}`);
  return table;
}
