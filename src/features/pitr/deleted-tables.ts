/**
 * Tables deleted while PITR was on. DynamoDB lets RestoreTableToPointInTime
 * restore such a table for the rest of its recovery period; its window ends
 * when it was deleted. DeleteTable keeps the table's last record (with its
 * PITR setting) and the deletion time here, in the delete's own transaction;
 * the table's items are purged as usual, as a restore needs only the PITR
 * base and the change log, which the log reader (log-reader.ts) keeps for as
 * long as this record is within its period. Once the period is over, the
 * backups' job (under its lease) removes the record and drops the bases, and
 * the log, wanted by no one, is trimmed away.
 *
 * Keyed by account, region, name and table id: one name may have been
 * deleted several times, and the ARN names only the name.
 */
import { DELETED_TABLE_PREFIX } from '../../engine/keyspace.js';
import type { TableRecord } from '../../engine/table.js';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { dropBases } from './pitr-base.js';
import { recoveryWindow, type RecoveryWindow } from './recovery-window.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface DeletedTable {
  /** The table's record as it was deleted, with its PITR setting. */
  readonly table: TableRecord;
  /** Epoch ms. */
  readonly deletedAt: number;
}

type TableName = Pick<TableRecord, 'account' | 'region' | 'TableName'>;

function namePrefix({ account, region, TableName }: TableName): Uint8Array {
  const text = encoder.encode(`${account}\u0000${region}\u0000${TableName}\u0000`);
  const key = new Uint8Array(1 + text.length);
  key[0] = DELETED_TABLE_PREFIX;
  key.set(text, 1);
  return key;
}

function deletedTableKey(table: TableName, tableId: number): Uint8Array {
  const prefix = namePrefix(table);
  const key = new Uint8Array(prefix.length + 4);
  key.set(prefix);
  new DataView(key.buffer).setUint32(prefix.length, tableId);
  return key;
}

const ALL = { start: new Uint8Array([DELETED_TABLE_PREFIX]), end: new Uint8Array([DELETED_TABLE_PREFIX + 1]) };

function endOfPeriod({ table, deletedAt }: DeletedTable): number {
  return deletedAt + table.pointInTimeRecovery!.RecoveryPeriodInDays * DAY_MS;
}

function decode(value: Uint8Array): DeletedTable {
  return JSON.parse(decoder.decode(value)) as DeletedTable;
}

/** Keeps the record of a table being deleted, if PITR is on for it. */
export function keepDeletedTable(tx: WriteTransaction, table: TableRecord, nowMs: number): void {
  if (table.pointInTimeRecovery === undefined) return;
  const record: DeletedTable = { table, deletedAt: nowMs };
  tx.put(deletedTableKey(table, table.id), encoder.encode(JSON.stringify(record)));
}

/** The deleted table of this name and id, while within its recovery period. */
export function deletedTableById(tx: ReadTransaction, table: TableName, tableId: number, nowMs: number): DeletedTable | undefined {
  const stored = tx.get(deletedTableKey(table, tableId));
  const record = stored === undefined ? undefined : decode(stored);
  return record !== undefined && nowMs < endOfPeriod(record) ? record : undefined;
}

/** The latest deleted table of this name still within its recovery period. */
export function latestDeletedTable(tx: ReadTransaction, table: TableName, nowMs: number): DeletedTable | undefined {
  const prefix = namePrefix(table);
  const end = Uint8Array.from(prefix);
  end[end.length - 1] = 1;
  let latest: DeletedTable | undefined;
  for (const { value } of tx.range({ start: prefix, end })) {
    const record = decode(value);
    if (nowMs < endOfPeriod(record) && (latest === undefined || record.deletedAt > latest.deletedAt)) latest = record;
  }
  return latest;
}

/** A deleted table's window: the live table's, ending at the deletion. Empty (earliest after latest) once the period is over. */
export function deletedTableWindow({ table, deletedAt }: DeletedTable, nowMs: number, lagMs?: number): RecoveryWindow {
  const { earliestMs, latestMs } = recoveryWindow(table.pointInTimeRecovery!, nowMs, lagMs);
  return { earliestMs, latestMs: Math.min(latestMs, deletedAt) };
}

/** Whether some deleted table's period is over (read by every process each round; the work needs the lease). */
export function deletedTablesExpired(tx: ReadTransaction, nowMs: number): boolean {
  for (const { value } of tx.range(ALL)) if (nowMs >= endOfPeriod(decode(value))) return true;
  return false;
}

/** Removes the records whose period is over and drops their bases (the backups' job purges them). */
export function expireDeletedTables(tx: WriteTransaction, nowMs: number): void {
  for (const { key, value } of [...tx.range(ALL)]) {
    const record = decode(value);
    if (nowMs < endOfPeriod(record)) continue;
    tx.delete(key);
    dropBases(tx, record.table);
  }
}
