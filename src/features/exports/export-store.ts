/**
 * Exports to S3 as stored: one JSON record per export (what the request asked
 * and, once done, how it ended), a marker per export still being written (so
 * the background job's idle round reads one empty range), and a record per
 * ClientToken naming the export it started.
 *
 * | key | value |
 * |---|---|
 * | `0x58 0x01` + account, region, export ARN | the export (ExportRecord, JSON) |
 * | `0x58 0x02` + the record's key | empty: the export is IN_PROGRESS |
 * | `0x58 0x03` + account, region, client token | the export's ARN and the token's expiry (JSON) |
 *
 * An export ARN holds its table's name and an id that begins with the
 * zero-padded request time, so one table's exports are one range, oldest first.
 */
import { randomBytes } from 'node:crypto';
import { EXPORT_PREFIX } from '../../engine/keyspace.js';
import { textBytes } from '../../model/key-codec.js';
import type { KeySchema } from '../../model/primary-key.js';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';

export type ExportStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
export type ExportFormat = 'DYNAMODB_JSON' | 'ION';
export type ExportType = 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
export type ExportViewType = 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** What a request asked for: two requests with one ClientToken must agree on all of it. */
export interface ExportRequest {
  readonly S3Bucket: string;
  readonly S3BucketOwner?: string;
  readonly S3Prefix?: string;
  readonly S3SseAlgorithm?: 'AES256' | 'KMS';
  readonly S3SseKmsKeyId?: string;
  readonly ExportFormat: ExportFormat;
  readonly ExportType: ExportType;
  /** Epoch ms: a full export's time; an incremental one's ExportToTime. */
  readonly exportTime: number;
  /** Incremental exports only: the period [from, to) in epoch ms, and what each changed item shows. */
  readonly incremental?: { readonly from: number; readonly to: number; readonly viewType: ExportViewType };
}

export interface ExportRecord extends ExportRequest {
  readonly account: string;
  readonly region: string;
  readonly ExportArn: string;
  /** The id part of the ARN: the folder under `AWSDynamoDB/`. */
  readonly exportId: string;
  readonly TableName: string;
  readonly tableArn: string;
  /** The table's internal id (its change log) and the UUID DynamoDB reports as TableId. */
  readonly tableId: number;
  readonly TableId: string;
  /** The table's key attributes, which an incremental export's `Keys` list. */
  readonly keySchema: KeySchema;
  readonly ClientToken: string;
  /** Epoch ms of the request. */
  readonly startTime: number;
  readonly status: ExportStatus;
  /**
   * Full exports: the table's PITR base (features/pitr/pitr-base.ts) the items are read from, and the
   * number (from the backups' counter) that names the export's overlay of changes over it.
   */
  readonly base?: { readonly arn: string; readonly number: number; readonly overlay: number };
  /** Once COMPLETED or FAILED. */
  readonly endTime?: number;
  readonly itemCount?: number;
  readonly billedSizeBytes?: number;
  /** Once COMPLETED: the key of manifest-summary.json. */
  readonly manifestKey?: string;
  readonly failure?: { readonly code: string; readonly message: string };
}

const RECORD = 0x01;
const PENDING = 0x02;
const TOKEN = 0x03;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function key(kind: number, text: string): Uint8Array {
  const bytes = textBytes(text);
  const out = new Uint8Array(2 + bytes.length);
  out[0] = EXPORT_PREFIX;
  out[1] = kind;
  out.set(bytes, 2);
  return out;
}

function withPrefix(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

export function exportRecordKey(account: string, region: string, arn: string): Uint8Array {
  return key(RECORD, `${account}\u0000${region}\u0000${arn}`);
}

/** The record keys from `start` (a record key, or the namespace's first) to the end of the namespace, or of one table's exports. */
export function exportRange(account: string, region: string, tableArn?: string): { start: Uint8Array; end: Uint8Array } {
  const start = exportRecordKey(account, region, tableArn === undefined ? '' : `${tableArn}/export/`);
  // 0xff never occurs in UTF-8, so it ends every key with the start's prefix.
  return { start, end: withPrefix(start, new Uint8Array([0xff])) };
}

const PENDING_RANGE = { start: new Uint8Array([EXPORT_PREFIX, PENDING]), end: new Uint8Array([EXPORT_PREFIX, PENDING + 1]) };

function tokenKey(account: string, region: string, token: string): Uint8Array {
  return key(TOKEN, `${account}\u0000${region}\u0000${token}`);
}

/** DynamoDB's export id: 14 digits of the request time in ms, a dash and 8 hex digits (API reference's example ARNs). */
export function newExportId(nowMs: number): string {
  return `${String(nowMs).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
}

export function exportArn(tableArn: string, exportId: string): string {
  return `${tableArn}/export/${exportId}`;
}

export function putExport(tx: WriteTransaction, record: ExportRecord): void {
  const recordKey = exportRecordKey(record.account, record.region, record.ExportArn);
  tx.put(recordKey, encoder.encode(JSON.stringify(record)));
  if (record.status === 'IN_PROGRESS') tx.put(withPrefix(PENDING_RANGE.start, recordKey), new Uint8Array(0));
  else tx.delete(withPrefix(PENDING_RANGE.start, recordKey));
}

export function readExport(tx: ReadTransaction, account: string, region: string, arn: string): ExportRecord | undefined {
  const stored = tx.get(exportRecordKey(account, region, arn));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as ExportRecord);
}

export function readExports(tx: ReadTransaction, range: { start: Uint8Array; end: Uint8Array; limit?: number }): ExportRecord[] {
  return [...tx.range(range)].map(({ value }) => JSON.parse(decoder.decode(value)) as ExportRecord);
}

/** Every export still being written, of every namespace: for the job that writes them all. */
export function readPendingExports(tx: ReadTransaction): ExportRecord[] {
  const records: ExportRecord[] = [];
  for (const { key: pendingKey } of tx.range(PENDING_RANGE)) {
    const stored = tx.get(pendingKey.subarray(PENDING_RANGE.start.length));
    if (stored !== undefined) records.push(JSON.parse(decoder.decode(stored)) as ExportRecord);
  }
  return records;
}

/** How many exports of the account are being written (of every region: DynamoDB's quota is per account). */
export function pendingExportCount(tx: ReadTransaction, account: string): number {
  let count = 0;
  for (const { key: pendingKey } of tx.range(PENDING_RANGE)) {
    if (decoder.decode(pendingKey.subarray(PENDING_RANGE.start.length + 2)).startsWith(`${account}\u0000`)) count++;
  }
  return count;
}

/** What a ClientToken started: the export, and the request's parameters as a text that equals another's exactly when the parameters do. */
export interface TokenRecord {
  readonly arn: string;
  readonly fingerprint: string;
  readonly expiresAt: number;
}

/** How long a ClientToken names its export (API reference, ClientToken: 8 hours). */
export const TOKEN_VALIDITY_MS = 8 * 3600_000;

/** The ClientToken's record while the token is valid. */
export function readToken(tx: ReadTransaction, account: string, region: string, token: string, nowMs: number): TokenRecord | undefined {
  const stored = tx.get(tokenKey(account, region, token));
  if (stored === undefined) return undefined;
  const record = JSON.parse(decoder.decode(stored)) as TokenRecord;
  return record.expiresAt > nowMs ? record : undefined;
}

export function putToken(tx: WriteTransaction, account: string, region: string, token: string, record: TokenRecord): void {
  tx.put(tokenKey(account, region, token), encoder.encode(JSON.stringify(record)));
}

/** The key kinds under EXPORT_PREFIX, for `dynalith check`. */
export const EXPORT_KEY_KINDS = { RECORD, PENDING, TOKEN } as const;
