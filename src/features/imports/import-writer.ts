/**
 * Reads one import's S3 objects into its CREATING table, then ends it. Each
 * object (every one under S3KeyPrefix, in key order) is read as a stream of
 * records; each item is validated like any written item and written in pages
 * through engine/creating-table.ts. A record that cannot be read skips the
 * rest of its object; an item that fails validation is skipped alone; both
 * count in ErrorCount and are logged with their object and line (DynamoDB's
 * CloudWatch log). Duplicate keys overwrite each other and count as imported
 * ("Import format quotas and validation").
 *
 * After each object the import's record stores how far it got, so an import
 * taken over after a crash starts again at the first object not finished
 * (its items written again replace themselves; its counts start afresh). The
 * table turns ACTIVE only once every object's counts are stored, and the
 * import ends after that: a resumed import whose table is already ACTIVE only
 * ends it. How it ends follows the developer guide and what was measured
 * against DynamoDB (scylladb's test/alternator/test_import.py): COMPLETED,
 * also for a prefix without objects; FAILED with ItemValidationError, the
 * table kept with the items that passed, if any record was refused; FAILED
 * with S3NoSuchBucket and no table when the bucket is missing.
 */
import type { Services } from '../../engine/services.js';
import { Pace } from '../../engine/background-work.js';
import { activate, currentTable, writePage, type CreatingTableRef } from '../../engine/creating-table.js';
import { keySchemaOf, type TableRecord } from '../../engine/table.js';
import { checkIndexKeys } from '../../engine/indexes.js';
import { validateItem } from '../../model/validate-value.js';
import { ITEM_TOO_LARGE, itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { keyFromItem } from '../../model/primary-key.js';
import type { Item } from '../../model/attribute-value.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { BucketError, type ObjectBucket } from '../s3/bucket.js';
import { decompressed } from './decompress.js';
import { recordReader } from './item-formats.js';
import { MalformedRecord, sourceRecords } from './object-records.js';
import { putImport, readImport, type ImportProgress, type ImportRecord } from './import-store.js';

const PAGE = 200;
/** Progress is logged at most this often. */
const PROGRESS_EVERY_MS = 5000;

const ITEM_VALIDATION_FAILED = 'Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.';

interface Ending {
  readonly status: 'COMPLETED' | 'FAILED';
  readonly FailureCode?: string;
  readonly FailureMessage?: string;
}

/** An S3 failure as FailureCode and FailureMessage (the guide's example: S3NoSuchBucket, "The specified bucket does not exist (Service: Amazon S3; ...)"). */
function s3Failure(error: BucketError): Ending {
  const text = error.code === 'NoSuchBucket' ? 'The specified bucket does not exist' : error.code === 'NoSuchKey' ? 'The specified key does not exist.' : error.message;
  const status = error.code === 'NoSuchBucket' || error.code === 'NoSuchKey' ? 404 : 403;
  return { status: 'FAILED', FailureCode: `S3${error.code}`, FailureMessage: `${text} (Service: Amazon S3; Status Code: ${status}; Error Code: ${error.code})` };
}

function refOf(record: ImportRecord): CreatingTableRef {
  return { account: record.account, region: record.region, TableName: record.TableName, tableId: record.tableId };
}

/** Stores the import's progress, or ends it; nothing once it has ended (another process's round). */
async function store(services: Services, record: ImportRecord, progress: ImportProgress, ending?: Ending, endedAt = Date.now()): Promise<void> {
  await services.storage.write((tx) => {
    const current = readImport(tx, record.account, record.region, record.ImportArn);
    if (current === undefined || current.status !== 'IN_PROGRESS') return;
    putImport(tx, { ...current, progress, ...(ending !== undefined ? { ...ending, endedAt } : {}) });
  });
  if (ending !== undefined) {
    const log = ending.status === 'COMPLETED' ? services.logger.info.bind(services.logger) : services.logger.warn.bind(services.logger);
    log({ importArn: record.ImportArn, status: ending.status, failureCode: ending.FailureCode, ...progress }, 'import ended');
  }
}

/** An item as any write would check it: values, size, key, index keys. */
function checkedItem(raw: Record<string, unknown>, table: TableRecord): Item {
  const item = validateItem(raw);
  if (itemSize(item) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE);
  keyFromItem(item, keySchemaOf(table.KeySchema, table.AttributeDefinitions));
  checkIndexKeys(table, item);
  return item;
}

interface ObjectCounts {
  processedItems: number;
  importedItems: number;
  errors: number;
  processedBytes: number;
}

type ObjectOutcome = ObjectCounts | 'stopped' | 'table gone';

class ObjectImport {
  private readonly counts: ObjectCounts = { processedItems: 0, importedItems: 0, errors: 0, processedBytes: 0 };
  private page: Item[] = [];
  private logged = Date.now();
  private readonly pace = new Pace();

  constructor(
    private readonly services: Services,
    private readonly record: ImportRecord,
    private readonly table: TableRecord,
    private readonly bucket: ObjectBucket,
    private readonly key: string,
    private readonly stopped: () => boolean,
  ) {}

  /** A record processed and not imported. */
  private refuse(line: number, message: string): void {
    this.counts.processedItems++;
    this.counts.errors++;
    this.services.logger.warn({ importArn: this.record.ImportArn, bucket: this.bucket.name, key: this.key, line, errorMessages: [message] }, 'import: record not imported');
  }

  /** Writes the page; false when the import cannot go on now. */
  private async flush(): Promise<boolean> {
    if (this.stopped()) return false;
    if (!(await writePage(this.services, refOf(this.record), this.page))) return false;
    this.counts.importedItems += this.page.length;
    this.page = [];
    await this.pace.breathe();
    if (Date.now() - this.logged >= PROGRESS_EVERY_MS) {
      this.logged = Date.now();
      this.services.logger.info({ importArn: this.record.ImportArn, key: this.key, items: this.counts.processedItems }, 'import in progress');
    }
    return true;
  }

  async run(): Promise<ObjectOutcome> {
    const { record } = this;
    const read = recordReader(record.InputFormat, record.InputFormatOptions?.Csv, this.table);
    const source = decompressed(this.bucket.stream(this.key), record.InputCompressionType);
    let line = 1;
    try {
      for await (const sourceRecord of sourceRecords(source, record.InputFormat === 'CSV')) {
        line = sourceRecord.line;
        this.counts.processedBytes += sourceRecord.size;
        try {
          const raw = read(sourceRecord);
          if (raw === undefined) continue;
          this.page.push(checkedItem(raw, this.table));
          this.counts.processedItems++;
        } catch (error) {
          // A record that cannot be read at all (MalformedRecord) ends the object, below.
          if (!(error instanceof DynamoError)) throw error;
          this.refuse(line, error.message);
        }
        if (this.page.length >= PAGE && !(await this.flush())) return this.stopped() ? 'stopped' : 'table gone';
      }
    } catch (error) {
      if (!(error instanceof MalformedRecord)) throw error;
      // The rest of the object is skipped: one error, for the record that could not be read.
      this.refuse(line, error.message);
    }
    if (!(await this.flush())) return this.stopped() ? 'stopped' : 'table gone';
    return this.counts;
  }
}

function added(progress: ImportProgress, counts: ObjectCounts, key: string): ImportProgress {
  return {
    lastKey: key,
    processedItems: progress.processedItems + counts.processedItems,
    importedItems: progress.importedItems + counts.importedItems,
    errors: progress.errors + counts.errors,
    processedBytes: progress.processedBytes + counts.processedBytes,
  };
}

/** The objects still to read, or how the import fails when the bucket cannot be listed. */
async function objectsLeft(bucket: ObjectBucket, record: ImportRecord): Promise<string[] | BucketError> {
  try {
    const objects = await bucket.list(record.S3BucketSource.S3KeyPrefix ?? '');
    const after = record.progress.lastKey;
    return objects.map((object) => object.key).filter((key) => after === undefined || Buffer.compare(Buffer.from(key), Buffer.from(after)) > 0);
  } catch (error) {
    if (error instanceof BucketError && error.code !== 'Unavailable') return error;
    throw error;
  }
}

export async function runImport(services: Services, record: ImportRecord, stopped: () => boolean): Promise<void> {
  const ref = refOf(record);
  let table = await currentTable(services, ref);
  // Crashed after the table turned ACTIVE: every object's counts are stored.
  if (table !== undefined && table.TableStatus !== 'CREATING') return store(services, record, record.progress, endingOf(record.progress));
  const bucket = services.buckets.open(record.S3BucketSource.S3Bucket);
  const keys = await objectsLeft(bucket, record);
  if (keys instanceof BucketError) {
    // Found before any item was written: no table is left behind (the guide's S3NoSuchBucket example).
    if (table !== undefined) await services.catalog.delete(table);
    return store(services, record, record.progress, s3Failure(keys));
  }
  let progress = record.progress;
  for (const key of keys) {
    if (table === undefined) break;
    let outcome: ObjectOutcome;
    try {
      outcome = await new ObjectImport(services, record, table, bucket, key, stopped).run();
    } catch (error) {
      if (!(error instanceof BucketError) || error.code === 'Unavailable') throw error;
      // The table keeps what was written before the failure.
      await activate(services, ref);
      return store(services, record, progress, s3Failure(error));
    }
    if (outcome === 'stopped') return;
    if (outcome === 'table gone') break;
    progress = added(progress, outcome, key);
    await store(services, record, progress);
    table = await currentTable(services, ref);
  }
  if (table === undefined || (await currentTable(services, ref)) === undefined) {
    return store(services, record, progress, { status: 'FAILED', FailureCode: 'ResourceNotFoundException', FailureMessage: `The table ${record.TableName} was deleted during the import` });
  }
  await activate(services, ref);
  return store(services, record, progress, endingOf(progress));
}

function endingOf(progress: ImportProgress): Ending {
  return progress.errors > 0 ? { status: 'FAILED', FailureCode: 'ItemValidationError', FailureMessage: ITEM_VALIDATION_FAILED } : { status: 'COMPLETED' };
}
