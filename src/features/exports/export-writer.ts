/**
 * Writes one export into its bucket, from the start each time it is run:
 * `_started`, the data files, the manifests (the summary last), and only then
 * the record COMPLETED. A run cut short (a crash, a stop, a lost lease) leaves
 * the record IN_PROGRESS, and the next run writes the export again under new
 * data file names and lists only its own files, so no manifest names a file
 * that is missing and no COMPLETED export lacks one.
 *
 * The bucket's refusals end the export FAILED with DynamoDB's FailureCode:
 * S3's error code after `S3` (`S3NoSuchBucket` with S3's "The specified
 * bucket does not exist", as moto's tests verified against DynamoDB; the
 * other codes follow that pattern). A bucket that is only unavailable is
 * tried again next round.
 */
import { Pace } from '../../engine/background-work.js';
import type { Services } from '../../engine/services.js';
import { BucketError } from '../s3/bucket.js';
import { DataFiles } from './data-files.js';
import { dynamodbJsonLine } from './dynamodb-json-lines.js';
import { exportPages } from './export-lines.js';
import { dataFileExtension, dataFolder, exportFolder, manifestObjects, manifestSummaryKey } from './export-layout.js';
import { putExport, readExport, type ExportRecord } from './export-store.js';
import { ionLine } from './ion-writer.js';

/** Ends the export, unless another run already did. */
async function finish(services: Services, record: ExportRecord, outcome: Partial<ExportRecord>): Promise<void> {
  await services.storage.write((tx) => {
    const current = readExport(tx, record.account, record.region, record.ExportArn);
    if (current?.status === 'IN_PROGRESS') putExport(tx, { ...current, ...outcome });
  });
}

function fail(services: Services, record: ExportRecord, code: string, message: string): Promise<void> {
  services.logger.warn({ export: record.ExportArn, code, message }, 'export failed');
  return finish(services, record, { status: 'FAILED', endTime: Date.now(), failure: { code, message } });
}

export async function runExport(services: Services, record: ExportRecord, stopped: () => boolean): Promise<void> {
  const bucket = services.buckets.open(record.S3Bucket);
  try {
    const pages = await exportPages(services.storage, record, stopped);
    if (pages === 'wait' || pages === 'stopped') return;
    if (pages === 'lost') return fail(services, record, 'UNKNOWN', 'The table was deleted before its point-in-time recovery data was ready.');
    await bucket.put(`${exportFolder(record)}_started`, new Uint8Array(0));
    const format = record.ExportFormat === 'ION' ? ionLine : dynamodbJsonLine;
    const files = new DataFiles(bucket, dataFolder(record), dataFileExtension(record));
    let billed = 0;
    const pace = new Pace();
    for await (const page of pages) {
      if (stopped()) return;
      await files.add(page.lines.map(format));
      billed += page.bytes;
      await pace.breathe();
    }
    const entries = await files.finish();
    const totals = { itemCount: files.lineCount, billedSizeBytes: billed, endTime: Date.now() };
    for (const { key, body } of manifestObjects(record, entries, totals)) await bucket.put(key, body);
    await finish(services, record, { status: 'COMPLETED', ...totals, manifestKey: manifestSummaryKey(record) });
    services.logger.info({ export: record.ExportArn, items: totals.itemCount }, 'export completed');
  } catch (error) {
    if (!(error instanceof BucketError) || error.code === 'Unavailable') throw error;
    await fail(services, record, `S3${error.code}`, error.message);
  }
}
