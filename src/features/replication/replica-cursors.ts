/**
 * How far each replica of a global table has been sent the changes made in
 * this region: the change log (engine/change-log.ts) is the replication
 * queue, durable and in commit order, and a change stays in it until every
 * replica's cursor has passed it. A cursor moves only after its changes were
 * applied there, so a sender killed mid-batch sends the batch again, which
 * last-writer-wins makes harmless (item-versions.ts).
 *
 * | key | value |
 * |---|---|
 * | `0x60` + u32 table id + region | `{"next": n}`: the first change not yet delivered to that region's replica |
 */
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { REPLICATION_PREFIX, tableRecordsPrefix } from '../../engine/keyspace.js';
import { readLogHead, type ChangeLogReader } from '../../engine/change-log.js';
import { prefixRange } from '../../engine/prefix-range.js';
import type { TableRecord } from '../../engine/table.js';
import { isReplicated } from './item-versions.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `kind` + u32 table id + the region's name: a cursor's key, and a fill's. */
export function regionRecordKey(kind: number, tableId: number, region: string): Uint8Array {
  const name = encoder.encode(region);
  const key = new Uint8Array(5 + name.length);
  key.set(tableRecordsPrefix(kind, tableId));
  key.set(name, 5);
  return key;
}

function cursorKey(tableId: number, region: string): Uint8Array {
  return regionRecordKey(REPLICATION_PREFIX.CURSOR, tableId, region);
}

export interface Cursor {
  readonly tableId: number;
  readonly region: string;
  readonly next: number;
}

export function readCursor(tx: ReadTransaction, tableId: number, region: string): number | undefined {
  const stored = tx.get(cursorKey(tableId, region));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as { next: number }).next;
}

export function writeCursor(tx: WriteTransaction, tableId: number, region: string, next: number): void {
  tx.put(cursorKey(tableId, region), encoder.encode(JSON.stringify({ next })));
}

export function deleteCursor(tx: WriteTransaction, tableId: number, region: string): void {
  tx.delete(cursorKey(tableId, region));
}

/** Where a new replica's cursor starts: the table's next change. */
export function logEnd(tx: ReadTransaction, table: TableRecord): number {
  return readLogHead(tx, table.id)?.next ?? 1;
}

function decodeCursor(key: Uint8Array, value: Uint8Array): Cursor {
  return {
    tableId: new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(1),
    region: decoder.decode(key.subarray(5)),
    next: (JSON.parse(decoder.decode(value)) as { next: number }).next,
  };
}

/** Every cursor of every table. */
export function allCursors(tx: ReadTransaction): Cursor[] {
  const range = { start: new Uint8Array([REPLICATION_PREFIX.CURSOR]), end: new Uint8Array([REPLICATION_PREFIX.CURSOR + 1]) };
  return [...tx.range(range)].map(({ key, value }) => decodeCursor(key, value));
}

export function cursorsOf(tx: ReadTransaction, tableId: number): Cursor[] {
  return [...tx.range(prefixRange(tableRecordsPrefix(REPLICATION_PREFIX.CURSOR, tableId)))].map(({ key, value }) => decodeCursor(key, value));
}

/** The change log keeps what some replica has not been sent yet. */
export const replicationLogReader: ChangeLogReader = {
  wants: isReplicated,
  needs(tx, tableId) {
    const cursors = cursorsOf(tx, tableId);
    return cursors.length === 0 ? undefined : { fromSequence: Math.min(...cursors.map((cursor) => cursor.next)) };
  },
};
