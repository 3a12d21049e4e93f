/**
 * On-demand backups as stored: one JSON record per backup (its name, status,
 * the source table's definition as it was), the copied items under the
 * backup's number, one marker per restore still writing a table and one per
 * backup with work left. All of
 * it lives in the shared store, so every process sees it and it outlives
 * restarts.
 *
 * Record keys are account, region, then the backup's ARN, whose table name and
 * zero-padded creation time make one table's backups sort oldest first. Item
 * keys are the source item keys with the table id replaced by the backup
 * number (same length, so every key that fitted still fits).
 */
import { BACKUP_PREFIX } from '../../engine/keyspace.js';
import { tableArn, type TableRecord } from '../../engine/table.js';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { declareBackupEncryption } from '../../security/encryption/encryption-records.js';

export type BackupStatus = 'CREATING' | 'AVAILABLE' | 'DELETED';

export interface BackupRecord {
  /** The prefix of the backup's items (allocated from its own counter). */
  readonly number: number;
  readonly account: string;
  readonly region: string;
  readonly BackupArn: string;
  readonly BackupName: string;
  /** Epoch ms of the request. */
  readonly createdAt: number;
  /** DELETED: gone for the API, its items still being purged. */
  readonly status: BackupStatus;
  /** The source table's definition when the backup was asked for. */
  readonly source: TableRecord;
  /** Item count and size of the copied snapshot, once AVAILABLE (before: the table's counters at the request). */
  readonly itemCount: number;
  readonly sizeBytes: number;
  /** A point-in-time recovery base (features/pitr/pitr-base.ts): internal, invisible to the backup operations. */
  readonly pitrBase?: true;
  /** Once AVAILABLE: the source's change-log sequence number the snapshot stops before (its changes from it on are not in it). */
  readonly logSequence?: number;
  /** While CREATING, once the copy has begun: the source's change-log sequence number from which the copy replays changes. */
  readonly copyFrom?: number;
  /**
   * A copy whose items are all in, still CREATING until its table stops
   * naming it: what the backup will be AVAILABLE with. Two steps, because on a
   * database under writes one transaction that both read the change log's
   * tail and changed the catalog (which every writer reads) kept conflicting.
   */
  readonly copied?: { readonly itemCount: number; readonly sizeBytes: number; readonly logSequence: number };
}

/** A restore still writing its table's items. */
export interface RestoreMarker {
  readonly account: string;
  readonly region: string;
  readonly TableName: string;
  /** The restored table's internal id, so a table deleted and created again under the name is not written to. */
  readonly tableId: number;
  readonly BackupArn: string;
  readonly backupNumber: number;
  /** A point-in-time restore: the base (BackupArn) brought to this time with the source table's logged changes. */
  readonly pointInTime?: { readonly sourceTableId: number; readonly restoreAt: number };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Record keys start with an account id (digits); these two bytes cannot begin one. */
const NEXT_NUMBER_KEY = new Uint8Array([BACKUP_PREFIX.META, 0x00, 0x00]);
const RESTORE_MARKERS = { start: new Uint8Array([BACKUP_PREFIX.META, 0x00, 0x01]), end: new Uint8Array([BACKUP_PREFIX.META, 0x00, 0x02]) };
/** The record keys of the backups with work left (CREATING or DELETED), so an idle round reads an empty range. */
const PENDING = { start: new Uint8Array([BACKUP_PREFIX.META, 0x00, 0x02]), end: new Uint8Array([BACKUP_PREFIX.META, 0x00, 0x03]) };

function withBytes(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const key = new Uint8Array(head.length + tail.length);
  key.set(head);
  key.set(tail, head.length);
  return key;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function namespacePrefix(account: string, region: string): Uint8Array {
  return withBytes(new Uint8Array([BACKUP_PREFIX.META]), encoder.encode(`${account}\u0000${region}\u0000`));
}

export function backupRecordKey(account: string, region: string, arn: string): Uint8Array {
  return withBytes(namespacePrefix(account, region), encoder.encode(arn));
}

/** Every backup record of a namespace (UTF-8 never holds 0xff, so it ends the range). */
export function namespaceBackups(account: string, region: string): { start: Uint8Array; end: Uint8Array } {
  const start = namespacePrefix(account, region);
  return { start, end: withBytes(start, new Uint8Array([0xff])) };
}

/** The backups of a table whose ARNs continue `${tableArn}/${kind}/` (one table's backups, or its PITR bases), oldest first. */
export function tableBackups(tx: ReadTransaction, table: Pick<TableRecord, 'id' | 'account' | 'region' | 'TableName'>, kind: 'backup' | 'pitr-base'): BackupRecord[] {
  const prefix = `${tableArn(table)}/${kind}/`;
  const range = { start: backupRecordKey(table.account, table.region, prefix), end: backupRecordKey(table.account, table.region, `${prefix}\uffff`) };
  return readBackups(tx, range).filter((record) => record.source.id === table.id);
}

export function backupItemPrefix(number: number): Uint8Array {
  return withBytes(new Uint8Array([BACKUP_PREFIX.ITEM]), u32(number));
}

/** Where a table item of key `itemKey` (engine/item-key.ts) is kept in backup `number`: the same key, the table's prefix replaced. */
export function backupItemKey(itemKey: Uint8Array, number: number): Uint8Array {
  const key = Uint8Array.from(itemKey);
  key.set(backupItemPrefix(number));
  return key;
}

function restoreMarkerKey(tableId: number): Uint8Array {
  return withBytes(RESTORE_MARKERS.start, u32(tableId));
}

export function allocateBackupNumber(tx: WriteTransaction): number {
  const stored = tx.get(NEXT_NUMBER_KEY);
  const number = stored === undefined ? 1 : Number(decoder.decode(stored));
  tx.put(NEXT_NUMBER_KEY, encoder.encode(String(number + 1)));
  return number;
}

function pendingKey(recordKey: Uint8Array): Uint8Array {
  return withBytes(PENDING.start, recordKey);
}

export function putBackup(tx: WriteTransaction, record: BackupRecord): void {
  const key = backupRecordKey(record.account, record.region, record.BackupArn);
  tx.put(key, encoder.encode(JSON.stringify(record)));
  if (record.status !== 'DELETED') declareBackupEncryption(tx, record.number, record.source);
  if (record.status === 'AVAILABLE') tx.delete(pendingKey(key));
  else tx.put(pendingKey(key), new Uint8Array(0));
}

export function deleteBackupRecord(tx: WriteTransaction, record: BackupRecord): void {
  const key = backupRecordKey(record.account, record.region, record.BackupArn);
  tx.delete(key);
  tx.delete(pendingKey(key));
}

export function readBackup(tx: ReadTransaction, account: string, region: string, arn: string): BackupRecord | undefined {
  const stored = tx.get(backupRecordKey(account, region, arn));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as BackupRecord);
}

/** The backups of a namespace from `start` on (a record key), in key order. */
export function readBackups(tx: ReadTransaction, range: { start: Uint8Array; end: Uint8Array }): BackupRecord[] {
  return [...tx.range(range)].map(({ value }) => JSON.parse(decoder.decode(value)) as BackupRecord);
}

/** The backups of every namespace with work left: for the background job that serves them all. */
export function readPendingBackups(tx: ReadTransaction): BackupRecord[] {
  const records: BackupRecord[] = [];
  for (const { key } of tx.range(PENDING)) {
    const stored = tx.get(key.subarray(PENDING.start.length));
    if (stored !== undefined) records.push(JSON.parse(decoder.decode(stored)) as BackupRecord);
  }
  return records;
}

export function putRestoreMarker(tx: WriteTransaction, marker: RestoreMarker): void {
  tx.put(restoreMarkerKey(marker.tableId), encoder.encode(JSON.stringify(marker)));
}

export function deleteRestoreMarker(tx: WriteTransaction, tableId: number): void {
  tx.delete(restoreMarkerKey(tableId));
}

export function readRestoreMarkers(tx: ReadTransaction): RestoreMarker[] {
  return [...tx.range(RESTORE_MARKERS)].map(({ value }) => JSON.parse(decoder.decode(value)) as RestoreMarker);
}
