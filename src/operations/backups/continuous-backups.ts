/**
 * What UpdateContinuousBackups and DescribeContinuousBackups share: the table
 * they name and the description they answer with.
 */
import { DynamoError } from '../../protocol/errors.js';
import { str } from '../../protocol/shape.js';
import type { TableRecord } from '../../engine/table.js';
import { recoveryWindow } from '../../features/pitr/recovery-window.js';
import type { OperationContext } from '../operation.js';

/** TableName here is the API's TableArn: a name or an ARN, 1 to 1024 characters, no pattern. */
export const tableNameOrArnMember = str({ required: true, minLength: 1, maxLength: 1024 });

const TABLE_ARN = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/;

/**
 * The table a name or ARN of the caller's account and region names. Anything
 * else is TableNotFoundException "Table not found: <TableName>", live
 * DynamoDB's words (recorded in nccgroup/ScoutSuite issue 1533, 2023, and in
 * moto's tests); an ARN of the table is accepted as the API Reference says
 * (ScyllaDB's Alternator tests, checked against DynamoDB, SCYLLADB-4683).
 */
export function continuousBackupsTable({ namespace, services }: OperationContext, nameOrArn: string): TableRecord {
  const arn = TABLE_ARN.exec(nameOrArn);
  const name = arn === null ? nameOrArn : arn[1] === namespace.region && arn[2] === namespace.account ? arn[3] : undefined;
  const table = name === undefined ? undefined : services.catalog.get(namespace, name);
  if (table === undefined) throw new DynamoError('TableNotFoundException', `Table not found: ${nameOrArn}`);
  return table;
}

/**
 * ContinuousBackupsStatus is always ENABLED: "Continuous backups are ENABLED
 * on all tables at table creation" (API Reference). A table without PITR is
 * described by its status alone, as DynamoDB does (ScyllaDB's Alternator
 * tests, run against DynamoDB; moto).
 */
export function continuousBackupsDescription(table: TableRecord, nowMs = Date.now()): object {
  const setting = table.pointInTimeRecovery;
  if (setting === undefined) return { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } };
  const { earliestMs, latestMs } = recoveryWindow(setting, nowMs);
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: 'ENABLED',
      RecoveryPeriodInDays: setting.RecoveryPeriodInDays,
      EarliestRestorableDateTime: earliestMs / 1000,
      LatestRestorableDateTime: latestMs / 1000,
    },
  };
}
