/**
 * An import as DescribeImport (ImportTableDescription) and ListImports
 * (ImportSummary) show it. As measured against DynamoDB (scylladb's
 * test/alternator/test_import.py, 2026): the counters stay zero until the
 * import ends and appear only then, EndTime and ProcessedSizeBytes are absent
 * until then, and CloudWatchLogGroupArn is always there.
 */
import { importLogGroupArn } from './import-arn.js';
import type { ImportRecord } from './import-store.js';

function ended(record: ImportRecord): boolean {
  return record.status !== 'IN_PROGRESS';
}

export function importDescription(record: ImportRecord): Record<string, unknown> {
  const done = ended(record);
  const { progress } = record;
  return {
    ImportArn: record.ImportArn,
    ImportStatus: record.status,
    TableArn: record.TableArn,
    TableId: record.TableId,
    ClientToken: record.ClientToken,
    S3BucketSource: record.S3BucketSource,
    ErrorCount: done ? progress.errors : 0,
    CloudWatchLogGroupArn: importLogGroupArn(record.region, record.account),
    InputFormat: record.InputFormat,
    ...(record.InputFormatOptions !== undefined ? { InputFormatOptions: record.InputFormatOptions } : {}),
    InputCompressionType: record.InputCompressionType,
    TableCreationParameters: record.TableCreationParameters,
    StartTime: record.startedAt / 1000,
    ...(record.endedAt !== undefined ? { EndTime: record.endedAt / 1000 } : {}),
    ...(done ? { ProcessedSizeBytes: progress.processedBytes } : {}),
    ProcessedItemCount: done ? progress.processedItems : 0,
    ImportedItemCount: done ? progress.importedItems : 0,
    ...(record.FailureCode !== undefined ? { FailureCode: record.FailureCode, FailureMessage: record.FailureMessage } : {}),
  };
}

export function importSummary(record: ImportRecord): Record<string, unknown> {
  return {
    ImportArn: record.ImportArn,
    ImportStatus: record.status,
    TableArn: record.TableArn,
    S3BucketSource: record.S3BucketSource,
    CloudWatchLogGroupArn: importLogGroupArn(record.region, record.account),
    InputFormat: record.InputFormat,
    StartTime: record.startedAt / 1000,
    ...(record.endedAt !== undefined ? { EndTime: record.endedAt / 1000 } : {}),
  };
}
