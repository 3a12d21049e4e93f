/**
 * ExportTableToPointInTime: records the export IN_PROGRESS and leaves the
 * writing to the exports' background job (features/exports/export-writer.ts).
 * A full export reads the table's PITR base brought to the export time; an
 * incremental one the table's changes in its period. Checks in DynamoDB's
 * order: the request's shape, the table, PITR, the times, the ClientToken,
 * the account's quota. The bucket is only tried by the job: DynamoDB accepts
 * an export to a missing bucket and fails it later (ScyllaDB's Alternator
 * tests and moto's, both run against DynamoDB).
 */
import { allocateBackupNumber } from '../../features/backups/backup-store.js';
import { randomUUID } from 'node:crypto';
import { defineOperation } from '../operation.js';
import { double, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { keySchemaOf, tableArn } from '../../engine/table.js';
import { ensureBase, findBase } from '../../features/pitr/pitr-base.js';
import { recoveryWindow } from '../../features/pitr/recovery-window.js';
import { exportDescription } from '../../features/exports/export-description.js';
import {
  TOKEN_VALIDITY_MS,
  exportArn,
  newExportId,
  pendingExportCount,
  putExport,
  putToken,
  readExport,
  readToken,
  type ExportFormat,
  type ExportRecord,
  type ExportRequest,
  type ExportType,
  type ExportViewType,
} from '../../features/exports/export-store.js';
import { requireTable } from '../backups/backup-access.js';

interface ExportTableToPointInTimeRequest {
  readonly TableArn: string;
  /** Epoch seconds, as the other timestamps. */
  readonly ExportTime?: number;
  readonly ClientToken?: string;
  readonly S3Bucket: string;
  readonly S3BucketOwner?: string;
  readonly S3Prefix?: string;
  readonly S3SseAlgorithm?: 'AES256' | 'KMS';
  readonly S3SseKmsKeyId?: string;
  readonly ExportFormat?: ExportFormat;
  readonly ExportType?: ExportType;
  readonly IncrementalExportSpecification?: { readonly ExportFromTime?: number; readonly ExportToTime?: number; readonly ExportViewType?: ExportViewType };
}

/** Exports in progress per account (Developer Guide, service quotas: up to 300 concurrent export tasks). */
const MAX_CONCURRENT_EXPORTS = 300;
/** The longest period of an incremental export (Developer Guide, incremental export: 15 minutes to 24 hours). */
const MAX_PERIOD_MS = 24 * 3600_000;

/** Live DynamoDB's text for a time outside the window (recorded in ScyllaDB's Alternator export tests). */
const invalidTime = () => new DynamoError('InvalidExportTimeException', 'Export Time is invalid');

/**
 * An incremental export's period, checked: inside the window, and between
 * the shortest period and 24 hours long. DynamoDB's text for a short period
 * begins "Difference between export period" (ScyllaDB's Alternator tests,
 * run against DynamoDB); the rest is ours, as is the 24-hour text.
 */
function periodOf(
  spec: ExportTableToPointInTimeRequest['IncrementalExportSpecification'],
  window: { earliestMs: number; latestMs: number },
  minPeriodMs: number,
): NonNullable<ExportRequest['incremental']> {
  // No recorded answer to an incremental export without a start: refused as invalid input.
  if (spec?.ExportFromTime === undefined) throw validation('IncrementalExportSpecification.ExportFromTime must be specified for an INCREMENTAL_EXPORT');
  const from = spec.ExportFromTime * 1000;
  const to = spec.ExportToTime === undefined ? window.latestMs : spec.ExportToTime * 1000;
  if (from < window.earliestMs || to > window.latestMs || from >= to) throw invalidTime();
  const minutes = minPeriodMs / 60_000;
  if (to - from < minPeriodMs) {
    throw new DynamoError('InvalidExportTimeException', `Difference between export period from time and to time should be at least ${minutes} minutes`);
  }
  if (to - from > MAX_PERIOD_MS) throw new DynamoError('InvalidExportTimeException', 'Difference between export period from time and to time should not exceed 24 hours');
  return { from, to, viewType: spec.ExportViewType ?? 'NEW_AND_OLD_IMAGES' };
}

export const exportTableToPointInTime = defineOperation<ExportTableToPointInTimeRequest>({
  name: 'ExportTableToPointInTime',
  // Lengths, patterns and enums from the API reference; the enums in the order live DynamoDB lists them (ScyllaDB's tests: "[ION, DYNAMODB_JSON]").
  shape: struct('ExportTableToPointInTimeInput', {
    TableArn: str({ required: true, minLength: 1, maxLength: 1024 }),
    ExportTime: double(),
    ClientToken: str({ pattern: '^[^\\$]+$' }),
    S3Bucket: str({ required: true, maxLength: 255, pattern: '^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$' }),
    S3BucketOwner: str({ pattern: '[0-9]{12}' }),
    S3Prefix: str({ maxLength: 1024 }),
    S3SseAlgorithm: str({ enum: ['AES256', 'KMS'] }),
    S3SseKmsKeyId: str({ minLength: 1, maxLength: 2048 }),
    ExportFormat: str({ enum: ['ION', 'DYNAMODB_JSON'] }),
    ExportType: str({ enum: ['FULL_EXPORT', 'INCREMENTAL_EXPORT'] }),
    IncrementalExportSpecification: struct('IncrementalExportSpecification', {
      ExportFromTime: double(),
      ExportToTime: double(),
      ExportViewType: str({ enum: ['NEW_IMAGE', 'NEW_AND_OLD_IMAGES'] }),
    }),
  }),
  async execute(request, context) {
    const { namespace, services } = context;
    const table = requireTable(context, request.TableArn);
    const setting = table.pointInTimeRecovery;
    // Live DynamoDB's words (moto's export tests, verified against AWS).
    if (setting === undefined) throw new DynamoError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${table.TableName}'`);
    const now = Date.now();
    // An export may name the present, unlike a restore (DynamoDB accepts ExportTime = now: ScyllaDB's Alternator tests).
    const window = recoveryWindow(setting, now, 0);
    const ExportType = request.ExportType ?? 'FULL_EXPORT';
    let exportTime: number;
    let incremental: ExportRequest['incremental'];
    if (ExportType === 'INCREMENTAL_EXPORT') {
      incremental = periodOf(request.IncrementalExportSpecification, window, services.config.exportMinPeriodMs);
      exportTime = incremental.to;
    } else {
      exportTime = request.ExportTime === undefined ? now : request.ExportTime * 1000;
      if (exportTime < window.earliestMs || exportTime > window.latestMs) throw invalidTime();
    }
    const asked: ExportRequest = {
      S3Bucket: request.S3Bucket,
      ...(request.S3BucketOwner !== undefined ? { S3BucketOwner: request.S3BucketOwner } : {}),
      ...(request.S3Prefix !== undefined ? { S3Prefix: request.S3Prefix } : {}),
      ...(request.S3SseAlgorithm !== undefined ? { S3SseAlgorithm: request.S3SseAlgorithm } : {}),
      ...(request.S3SseKmsKeyId !== undefined ? { S3SseKmsKeyId: request.S3SseKmsKeyId } : {}),
      ExportFormat: request.ExportFormat ?? 'DYNAMODB_JSON',
      ExportType,
      exportTime,
      ...(incremental !== undefined ? { incremental } : {}),
    };
    // The parameters as asked (an absent time stays absent), so a retry with the token matches its first request.
    const fingerprint = JSON.stringify({ table: tableArn(table), ...asked, exportTime: request.ExportTime, spec: request.IncrementalExportSpecification });
    const ClientToken = request.ClientToken ?? randomUUID();
    const { account, region } = namespace;
    const exportId = newExportId(now);
    const outcome = await services.storage.write((tx): ExportRecord | 'conflict' | 'limit' => {
      const token = readToken(tx, account, region, ClientToken, now);
      if (token !== undefined) return token.fingerprint === fingerprint ? readExport(tx, account, region, token.arn)! : 'conflict';
      if (pendingExportCount(tx, account) >= MAX_CONCURRENT_EXPORTS) return 'limit';
      let base: ExportRecord['base'];
      if (incremental === undefined) {
        // A table whose PITR was switched on before bases existed gets one now, as a restore does.
        ensureBase(tx, table, now);
        const found = findBase(tx, table)!;
        base = { arn: found.BackupArn, number: found.number, overlay: allocateBackupNumber(tx) };
      }
      const record: ExportRecord = {
        ...asked,
        account,
        region,
        ExportArn: exportArn(tableArn(table), exportId),
        exportId,
        TableName: table.TableName,
        tableArn: tableArn(table),
        tableId: table.id,
        TableId: table.TableId,
        keySchema: keySchemaOf(table.KeySchema, table.AttributeDefinitions),
        ClientToken,
        startTime: now,
        status: 'IN_PROGRESS',
        ...(base !== undefined ? { base } : {}),
      };
      putExport(tx, record);
      putToken(tx, account, region, ClientToken, { arn: record.ExportArn, fingerprint, expiresAt: now + TOKEN_VALIDITY_MS });
      return record;
    });
    // The conflict's text begins as live DynamoDB's (ScyllaDB's Alternator tests); the rest is ours.
    if (outcome === 'conflict') throw new DynamoError('ExportConflictException', `Duplicate request detected with different parameters for ClientToken: ${ClientToken}`);
    // No recorded text: the quota as the Developer Guide states it.
    if (outcome === 'limit') throw new DynamoError('LimitExceededException', `Too many exports in progress: up to ${MAX_CONCURRENT_EXPORTS} exports can run at a time per account`);
    return { ExportDescription: exportDescription(outcome) };
  },
});
