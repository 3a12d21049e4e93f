/** An export as the API describes it: ExportDescription (DescribeExport, ExportTableToPointInTime) and ExportSummary (ListExports). */
import type { ExportRecord } from './export-store.js';

const seconds = (ms: number): number => ms / 1000;

export function exportDescription(record: ExportRecord): Record<string, unknown> {
  const { incremental, failure } = record;
  return {
    ExportArn: record.ExportArn,
    ExportStatus: record.status,
    StartTime: seconds(record.startTime),
    ...(record.endTime !== undefined ? { EndTime: seconds(record.endTime) } : {}),
    ...(record.manifestKey !== undefined ? { ExportManifest: record.manifestKey } : {}),
    TableArn: record.tableArn,
    TableId: record.TableId,
    ExportTime: seconds(record.exportTime),
    ClientToken: record.ClientToken,
    S3Bucket: record.S3Bucket,
    // Live DynamoDB leaves out the owner nobody named (moto's tests, verified against AWS).
    ...(record.S3BucketOwner !== undefined ? { S3BucketOwner: record.S3BucketOwner } : {}),
    ...(record.S3Prefix !== undefined ? { S3Prefix: record.S3Prefix } : {}),
    ...(record.S3SseAlgorithm !== undefined ? { S3SseAlgorithm: record.S3SseAlgorithm } : {}),
    ...(record.S3SseKmsKeyId !== undefined ? { S3SseKmsKeyId: record.S3SseKmsKeyId } : {}),
    ...(failure !== undefined ? { FailureCode: failure.code, FailureMessage: failure.message } : {}),
    ExportFormat: record.ExportFormat,
    ...(record.billedSizeBytes !== undefined ? { BilledSizeBytes: record.billedSizeBytes } : {}),
    ...(record.itemCount !== undefined ? { ItemCount: record.itemCount } : {}),
    ExportType: record.ExportType,
    ...(incremental !== undefined
      ? { IncrementalExportSpecification: { ExportFromTime: seconds(incremental.from), ExportToTime: seconds(incremental.to), ExportViewType: incremental.viewType } }
      : {}),
  };
}

export function exportSummary(record: ExportRecord): Record<string, unknown> {
  return { ExportArn: record.ExportArn, ExportStatus: record.status, ExportType: record.ExportType };
}
