/**
 * Where an export's objects go in its bucket and what its manifests say
 * (Developer Guide, "DynamoDB table export output format"):
 *
 * ```
 * <S3Prefix>/AWSDynamoDB/<ExportId>/_started
 * <S3Prefix>/AWSDynamoDB/<ExportId>/data/<name>.json.gz       (full exports)
 * <S3Prefix>/AWSDynamoDB/data/<name>.json.gz                  (incremental exports: one shared data folder)
 * <S3Prefix>/AWSDynamoDB/<ExportId>/manifest-files.json  + .md5
 * <S3Prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json + .md5
 * ```
 *
 * manifest-files.json is JSON lines, one per data file; the summary names
 * the export, its table and times (ISO 8601, milliseconds), the bucket, the
 * key of manifest-files.json, the counts and the format. Each `.md5` object
 * holds the base64 MD5 of its manifest, as `md5Checksum` does for data files.
 * Keys are whole object keys, the prefix included, so a reader can follow
 * them from the bucket's root.
 */
import { createHash } from 'node:crypto';
import type { DataFileEntry } from './data-files.js';
import type { ExportRecord } from './export-store.js';

/** The manifests' format version (the guide's example). */
const MANIFEST_VERSION = '2020-06-30';

function prefixFolder(record: ExportRecord): string {
  const prefix = record.S3Prefix ?? '';
  return prefix === '' || prefix.endsWith('/') ? `${prefix}AWSDynamoDB/` : `${prefix}/AWSDynamoDB/`;
}

/** The folder of the export's own objects. */
export function exportFolder(record: ExportRecord): string {
  return `${prefixFolder(record)}${record.exportId}/`;
}

export function dataFolder(record: ExportRecord): string {
  return record.incremental === undefined ? `${exportFolder(record)}data/` : `${prefixFolder(record)}data/`;
}

export function dataFileExtension(record: ExportRecord): string {
  return record.ExportFormat === 'ION' ? '.ion.gz' : '.json.gz';
}

export const manifestSummaryKey = (record: ExportRecord): string => `${exportFolder(record)}manifest-summary.json`;
const manifestFilesKey = (record: ExportRecord): string => `${exportFolder(record)}manifest-files.json`;

export interface ExportTotals {
  readonly itemCount: number;
  readonly billedSizeBytes: number;
  readonly endTime: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function md5Base64(body: Uint8Array): Uint8Array {
  return Buffer.from(createHash('md5').update(body).digest('base64'));
}

/** The manifests' objects in the order they are written: the summary last, so whoever finds it finds a complete export. */
export function manifestObjects(record: ExportRecord, files: readonly DataFileEntry[], totals: ExportTotals): { key: string; body: Uint8Array }[] {
  const filesBody = Buffer.from(files.map((file) => `${JSON.stringify(file)}\n`).join(''));
  const { incremental } = record;
  const summary = {
    version: MANIFEST_VERSION,
    exportArn: record.ExportArn,
    startTime: iso(record.startTime),
    endTime: iso(totals.endTime),
    tableArn: record.tableArn,
    tableId: record.TableId,
    exportTime: iso(record.exportTime),
    ...(incremental !== undefined ? { exportFromTime: iso(incremental.from), exportToTime: iso(incremental.to), outputView: incremental.viewType } : {}),
    s3Bucket: record.S3Bucket,
    s3Prefix: record.S3Prefix ?? null,
    s3SseAlgorithm: record.S3SseAlgorithm ?? 'AES256',
    s3SseKmsKeyId: record.S3SseKmsKeyId ?? null,
    manifestFilesS3Key: manifestFilesKey(record),
    billedSizeBytes: totals.billedSizeBytes,
    itemCount: totals.itemCount,
    outputFormat: record.ExportFormat,
    exportType: record.ExportType,
  };
  const summaryBody = Buffer.from(JSON.stringify(summary));
  const filesKey = manifestFilesKey(record);
  const summaryKey = manifestSummaryKey(record);
  return [
    { key: filesKey, body: filesBody },
    { key: filesKey.replace(/\.json$/, '.md5'), body: md5Base64(filesBody) },
    { key: summaryKey, body: summaryBody },
    { key: summaryKey.replace(/\.json$/, '.md5'), body: md5Base64(summaryBody) },
  ];
}
