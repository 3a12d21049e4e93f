/**
 * A stored backup rendered as the API's BackupDetails, BackupSummary and
 * BackupDescription (member names and contents from the DynamoDB API
 * reference; the ARN's time part as the AWS CLI's recorded describe-backup
 * and list-backups examples show it: the creation time in ms, zero-padded to
 * 14 digits, a dash and 8 hex digits).
 */
import { tableArn, type IndexRecord, type TableRecord } from '../../engine/table.js';
import type { BackupRecord } from './backup-store.js';

export function backupArn(table: TableRecord, createdAt: number, suffix: string): string {
  return `${tableArn(table)}/backup/${String(createdAt).padStart(14, '0')}-${suffix}`;
}

/** DELETED is what DeleteBackup answers; a stored DELETED record is already invisible. */
export function backupDetails(backup: BackupRecord, status = backup.status): Record<string, unknown> {
  return {
    BackupArn: backup.BackupArn,
    BackupName: backup.BackupName,
    // Known once the snapshot is copied.
    ...(backup.status === 'AVAILABLE' ? { BackupSizeBytes: backup.sizeBytes } : {}),
    BackupStatus: status,
    BackupType: 'USER',
    BackupCreationDateTime: backup.createdAt / 1000,
  };
}

export function backupSummary(backup: BackupRecord): Record<string, unknown> {
  const { source } = backup;
  return {
    TableName: source.TableName,
    TableId: source.TableId,
    TableArn: tableArn(source),
    ...backupDetails(backup),
  };
}

function throughputOf(index: Pick<IndexRecord, 'ProvisionedThroughput'>): Record<string, number> {
  return {
    ReadCapacityUnits: index.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
    WriteCapacityUnits: index.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
  };
}

function featureDetails(source: TableRecord): Record<string, unknown> {
  const lsis = source.LocalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }));
  const gsis = source.GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING').map((index) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
    ProvisionedThroughput: throughputOf(index),
    ...(index.OnDemandThroughput !== undefined ? { OnDemandThroughput: index.OnDemandThroughput } : {}),
  }));
  const stream = source.StreamSpecification;
  return {
    ...(lsis.length > 0 ? { LocalSecondaryIndexes: lsis } : {}),
    ...(gsis.length > 0 ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(stream?.StreamEnabled ? { StreamDescription: stream } : {}),
    ...(source.TimeToLive !== undefined ? { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: source.TimeToLive.AttributeName } } : {}),
    ...(source.SSEDescription !== undefined ? { SSEDescription: source.SSEDescription } : {}),
  };
}

export function backupDescription(backup: BackupRecord, status = backup.status): Record<string, unknown> {
  const { source } = backup;
  return {
    BackupDetails: backupDetails(backup, status),
    SourceTableDetails: {
      TableName: source.TableName,
      TableId: source.TableId,
      TableArn: tableArn(source),
      TableSizeBytes: backup.sizeBytes,
      KeySchema: source.KeySchema,
      TableCreationDateTime: source.CreationDateTime,
      ProvisionedThroughput: throughputOf(source),
      ...(source.OnDemandThroughput !== undefined ? { OnDemandThroughput: source.OnDemandThroughput } : {}),
      ItemCount: backup.itemCount,
      BillingMode: source.BillingMode,
    },
    SourceTableFeatureDetails: featureDetails(source),
  };
}
