/**
 * Encryption's own records, under `0x5e` (engine/keyspace.ts):
 *
 * | key | value |
 * |---|---|
 * | `0x5e 0x10` + u32 table id | the table's data key: `{"master": ARN, "wrapped": base64, "active": bool}`, or as the engine declares it, `{"master": ARN or null}`, which the encrypting storage keys (encrypting-storage.ts) |
 * | `0x5e 0x11` + u32 index id | the index's table id (u32): its entries use the table's data key |
 * | `0x5e 0x51` + u32 backup number | the source table's id (u32): a backup's items use the source's data key |
 * | `0x5e 0x5a` + u32 overlay id | the source table's id (u32): a point-in-time overlay (features/pitr/point-in-time.ts) holds the source's items, under its data key, whether it serves a restore or an export |
 *
 * A data key record is kept after its table is deleted: backups and PITR
 * bases of the table still need it (a few hundred bytes per encrypted table
 * ever made).
 */
import { BACKUP_PREFIX, ENCRYPTION_PREFIX, PITR_OVERLAY_PREFIX } from '../../engine/keyspace.js';
import type { TableRecord } from '../../engine/table.js';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';

export const TABLE_KEY = 0x10;
export const INDEX_KEY = 0x11;
export const BACKUP_KEY = BACKUP_PREFIX.ITEM;
export const OVERLAY_KEY = PITR_OVERLAY_PREFIX;

/** What the engine declares: the master key the table's data is to be sealed under, or none (an AWS owned key). */
export interface DataKeyDeclaration {
  readonly master: string | null;
}

/** A keyed table: its data key wrapped (value-cipher.ts) under a master key. */
export interface DataKeyRecord {
  readonly master: string;
  readonly wrapped: string;
  /** False once the table went back to an AWS owned key: new values are not sealed, those sealed before stay readable. */
  readonly active: boolean;
}

export function isKeyed(record: DataKeyDeclaration | DataKeyRecord): record is DataKeyRecord {
  return 'wrapped' in record && typeof record.wrapped === 'string';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encryptionKey(kind: number, id: number): Uint8Array {
  const key = new Uint8Array(6);
  key[0] = ENCRYPTION_PREFIX;
  key[1] = kind;
  new DataView(key.buffer).setUint32(2, id);
  return key;
}

export const DATA_KEY_RECORDS = { start: new Uint8Array([ENCRYPTION_PREFIX, TABLE_KEY]), end: new Uint8Array([ENCRYPTION_PREFIX, TABLE_KEY + 1]) };

export function isDataKeyRecord(key: Uint8Array): boolean {
  return key.length === 6 && key[0] === ENCRYPTION_PREFIX && key[1] === TABLE_KEY;
}

export function parseDataKeyRecord(value: Uint8Array): DataKeyDeclaration | DataKeyRecord {
  return JSON.parse(decoder.decode(value)) as DataKeyDeclaration | DataKeyRecord;
}

export function encodeDataKeyRecord(record: DataKeyDeclaration | DataKeyRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

export function readTableOf(tx: ReadTransaction, kind: number, id: number): number | undefined {
  const stored = tx.get(encryptionKey(kind, id));
  return stored === undefined || stored.length !== 4 ? undefined : new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0);
}

/** The master key a table's definition asks for: its KMS key while SSE is enabled, else none (an AWS owned key). */
export function requestedMaster(table: TableRecord | undefined): string | null {
  const sse = table?.SSEDescription;
  return sse?.Status === 'ENABLED' && sse.KMSMasterKeyArn !== undefined ? sse.KMSMasterKeyArn : null;
}

/**
 * Written with every stored table definition (engine/catalog.ts): declares
 * the master key the table's data is to be sealed under when it changes, and
 * ties each index of an encrypted table to the table's data key.
 */
export function declareTableEncryption(tx: WriteTransaction, previous: TableRecord | undefined, next: TableRecord): void {
  const before = requestedMaster(previous);
  const after = requestedMaster(next);
  if (before !== after) tx.put(encryptionKey(TABLE_KEY, next.id), encodeDataKeyRecord({ master: after }));
  if (after === null) return;
  const known = new Set(before === null || previous === undefined ? [] : [...previous.LocalSecondaryIndexes, ...previous.GlobalSecondaryIndexes].map((index) => index.id));
  for (const index of [...next.LocalSecondaryIndexes, ...next.GlobalSecondaryIndexes]) {
    if (!known.has(index.id)) tx.put(encryptionKey(INDEX_KEY, index.id), u32(next.id));
  }
}

/** Written with a backup's first record (features/backups/backup-store.ts): its items use the source table's data key. */
export function declareBackupEncryption(tx: WriteTransaction, backupNumber: number, source: TableRecord): void {
  if (requestedMaster(source) !== null) tx.put(encryptionKey(BACKUP_KEY, backupNumber), u32(source.id));
}

/**
 * Written before a point-in-time overlay is built: its entries are sealed
 * under the source table's data key when that table has an active one (the
 * encrypting storage decides, as for any value).
 */
export function declareOverlayEncryption(tx: WriteTransaction, overlayId: number, sourceTableId: number): void {
  tx.put(encryptionKey(OVERLAY_KEY, overlayId), u32(sourceTableId));
}

/** Dropped with the overlay, whose entries were all cleared first. */
export function forgetOverlayEncryption(tx: WriteTransaction, overlayId: number): void {
  tx.delete(encryptionKey(OVERLAY_KEY, overlayId));
}
