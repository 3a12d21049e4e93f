/**
 * Imports from S3 as stored: one JSON record per import, keyed by account,
 * region and import ARN (whose table name and zero-padded start time make one
 * table's imports sort oldest first), and a marker per import still
 * IN_PROGRESS, so the background job and the concurrency limit read a short
 * range. The record carries the job's progress, object by object, so a
 * process that takes an import over after a crash goes on from the first
 * object not yet done.
 */
import { IMPORT_PREFIX } from '../../engine/keyspace.js';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';

export type ImportStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
export type InputFormat = 'CSV' | 'DYNAMODB_JSON' | 'ION';
export type InputCompressionType = 'GZIP' | 'ZSTD' | 'NONE';

export interface S3BucketSource {
  readonly S3Bucket: string;
  readonly S3BucketOwner?: string;
  readonly S3KeyPrefix?: string;
}

export interface CsvOptions {
  readonly Delimiter?: string;
  readonly HeaderList?: readonly string[];
}

/** What the import has read so far: the objects before and including `lastKey`, in key order. */
export interface ImportProgress {
  readonly lastKey?: string;
  readonly processedItems: number;
  readonly importedItems: number;
  readonly errors: number;
  readonly processedBytes: number;
}

export interface ImportRecord {
  readonly account: string;
  readonly region: string;
  readonly ImportArn: string;
  readonly TableArn: string;
  readonly TableId: string;
  /** The target table's name and internal id. */
  readonly TableName: string;
  readonly tableId: number;
  readonly ClientToken: string;
  readonly S3BucketSource: S3BucketSource;
  readonly InputFormat: InputFormat;
  readonly InputFormatOptions?: { readonly Csv?: CsvOptions };
  readonly InputCompressionType: InputCompressionType;
  /** As the request gave them, for DescribeImport. */
  readonly TableCreationParameters: Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly status: ImportStatus;
  readonly FailureCode?: string;
  readonly FailureMessage?: string;
  readonly progress: ImportProgress;
}

export const NO_PROGRESS: ImportProgress = { processedItems: 0, importedItems: 0, errors: 0, processedBytes: 0 };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Record keys start with an account id (digits); these bytes cannot begin one. */
const PENDING = { start: new Uint8Array([IMPORT_PREFIX, 0x00, 0x01]), end: new Uint8Array([IMPORT_PREFIX, 0x00, 0x02]) };

function withBytes(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const key = new Uint8Array(head.length + tail.length);
  key.set(head);
  key.set(tail, head.length);
  return key;
}

function recordKey(account: string, region: string, arn: string): Uint8Array {
  return withBytes(new Uint8Array([IMPORT_PREFIX]), encoder.encode(`${account}\u0000${region}\u0000${arn}`));
}

function pendingKey(record: ImportRecord): Uint8Array {
  return withBytes(PENDING.start, recordKey(record.account, record.region, record.ImportArn));
}

/** The key range of a namespace's imports whose ARNs start with `arnPrefix`, from just after `after` (an ARN) on. */
export function importRange(account: string, region: string, arnPrefix: string, after?: string): { start: Uint8Array; end: Uint8Array } {
  const prefix = recordKey(account, region, arnPrefix);
  // UTF-8 never holds 0xff, so it ends the range.
  const end = withBytes(prefix, new Uint8Array([0xff]));
  return { start: after === undefined ? prefix : withBytes(recordKey(account, region, after), new Uint8Array([0x00])), end };
}

export function putImport(tx: WriteTransaction, record: ImportRecord): void {
  tx.put(recordKey(record.account, record.region, record.ImportArn), encoder.encode(JSON.stringify(record)));
  if (record.status === 'IN_PROGRESS') tx.put(pendingKey(record), new Uint8Array(0));
  else tx.delete(pendingKey(record));
}

export function readImport(tx: ReadTransaction, account: string, region: string, arn: string): ImportRecord | undefined {
  const stored = tx.get(recordKey(account, region, arn));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as ImportRecord);
}

export function readImports(tx: ReadTransaction, range: { start: Uint8Array; end: Uint8Array }, limit: number): ImportRecord[] {
  return [...tx.range({ ...range, limit })].map(({ value }) => JSON.parse(decoder.decode(value)) as ImportRecord);
}

/** Every import still IN_PROGRESS, of every namespace: for the background job and the concurrency limit. */
export function readPendingImports(tx: ReadTransaction): ImportRecord[] {
  const records: ImportRecord[] = [];
  for (const { key } of tx.range(PENDING)) {
    const stored = tx.get(key.subarray(PENDING.start.length));
    if (stored !== undefined) records.push(JSON.parse(decoder.decode(stored)) as ImportRecord);
  }
  return records;
}

/** How `dynalith check` tells this module's keys: a record, or a marker naming one. */
export function importKeyKind(key: Uint8Array): 'record' | 'pending' | undefined {
  if (key[0] !== IMPORT_PREFIX || key.length < 2) return undefined;
  if (key[1] !== 0x00) return 'record';
  return key.length > PENDING.start.length && key[2] === PENDING.start[2] ? 'pending' : undefined;
}
