/**
 * The change log: every change of an item of a table that something reads
 * changes from (a stream today; point-in-time recovery, incremental export and
 * replication next) appends one record in the same storage transaction as the
 * change itself: the old and the new item, the commit time and a sequence
 * number from the table's log head. Writes to one item conflict (they read
 * it), so its records are numbered in the order its changes committed, on
 * every backend and across every process and node.
 *
 * | key | value |
 * |---|---|
 * | `0x20` + u32 table id | the log head: next sequence number, trim horizon, the table's name |
 * | `0x21` + u32 table id + u64 sequence | one change (JSON: `t` commit ms, `o` old item, `n` new item, `ttl`) |
 *
 * Each kind of reader says how much of a table's log it still needs (a
 * stream: what is younger than its retention; point-in-time recovery: its
 * window; a replica: what it has not received); trimChangeLogs deletes what no
 * reader needs. A log outlives its table for as long as a reader needs it (a
 * stream stays readable for 24 hours after its table is deleted).
 */
import type { Item } from '../model/attribute-value.js';
import type { ReadTransaction, Storage, WriteTransaction } from '../storage/storage.js';
import { CHANGE_LOG_PREFIX } from './keyspace.js';
import { storedTableRecord } from './catalog.js';
import type { TableRecord } from './table.js';

export interface LogHead {
  /** The sequence number the next change (or reservation) gets. */
  readonly next: number;
  /** Changes below this sequence number have been trimmed. */
  readonly trimmedBelow: number;
  /** The table the log belongs to, so a log whose table is gone can be dropped once nobody needs it. */
  readonly account: string;
  readonly region: string;
  readonly TableName: string;
}

/** One committed item change. */
export interface Change {
  readonly sequence: number;
  /** Epoch ms of the transaction that made it. */
  readonly at: number;
  readonly old?: Item;
  readonly new?: Item;
  /** Made by Time to Live, not by a request. */
  readonly ttl?: boolean;
  /** A global table's change: its last-writer-wins time (epoch ms), which may differ from `at`. */
  readonly version?: number;
  /** A global table's change made in another region and replicated here: that region. */
  readonly from?: string;
}

interface StoredChange {
  readonly t: number;
  readonly o?: Item;
  readonly n?: Item;
  readonly ttl?: true;
  readonly v?: number;
  readonly r?: string;
}

/** What of a table's log one reader still needs: changes from a sequence number on, or younger than a time, or both. */
export interface ChangeLogNeed {
  readonly fromSequence?: number;
  readonly sinceMs?: number;
}

/** A kind of reader of change logs (streams, point-in-time recovery, replication, ...). */
export interface ChangeLogReader {
  /** Whether a change of an item of this table must be logged for this reader. */
  wants(table: TableRecord): boolean;
  /** What of the table's log it still needs now; nothing when undefined. */
  needs(tx: ReadTransaction, tableId: number, head: LogHead, nowMs: number): ChangeLogNeed | undefined;
}

const { HEAD, CHANGE } = CHANGE_LOG_PREFIX;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function tableKey(prefix: number, tableId: number, extra = 0): Uint8Array {
  const key = new Uint8Array(5 + extra);
  key[0] = prefix;
  new DataView(key.buffer).setUint32(1, tableId);
  return key;
}

export function logHeadKey(tableId: number): Uint8Array {
  return tableKey(HEAD, tableId);
}

export function changeKey(tableId: number, sequence: number): Uint8Array {
  const key = tableKey(CHANGE, tableId, 8);
  new DataView(key.buffer).setBigUint64(5, BigInt(sequence));
  return key;
}

/** The table id and sequence number a change key names. */
export function parseChangeKey(key: Uint8Array): { tableId: number; sequence: number } {
  const view = new DataView(key.buffer, key.byteOffset, key.length);
  return { tableId: view.getUint32(1), sequence: Number(view.getBigUint64(5)) };
}

export const LOG_HEADS = { start: new Uint8Array([HEAD]), end: new Uint8Array([HEAD + 1]) };

export function readLogHead(tx: ReadTransaction, tableId: number): LogHead | undefined {
  const bytes = tx.get(logHeadKey(tableId));
  return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as LogHead);
}

export function writeLogHead(tx: WriteTransaction, tableId: number, head: LogHead): void {
  tx.put(logHeadKey(tableId), encoder.encode(JSON.stringify(head)));
}

function headOf(tx: ReadTransaction, table: TableRecord): LogHead {
  return readLogHead(tx, table.id) ?? { next: 1, trimmedBelow: 1, account: table.account, region: table.region, TableName: table.TableName };
}

/**
 * Takes the next sequence number without a change: a stream shard's own
 * starting number, which no record has (see features/streams/stream-state.ts).
 */
export function reserveSequence(tx: WriteTransaction, table: TableRecord): number {
  const head = headOf(tx, table);
  writeLogHead(tx, table.id, { ...head, next: head.next + 1 });
  return head.next;
}

/** Appends a change of one of the table's items; returns its sequence number. */
export function appendChange(tx: WriteTransaction, table: TableRecord, change: Omit<Change, 'sequence'>): number {
  const head = headOf(tx, table);
  writeChange(tx, table.id, { ...change, sequence: head.next });
  writeLogHead(tx, table.id, { ...head, next: head.next + 1 });
  return head.next;
}

/** Stores a change under its sequence number as it is; appendChange is the write path's way in. */
export function writeChange(tx: WriteTransaction, tableId: number, change: Change): void {
  const stored: StoredChange = {
    t: change.at,
    ...(change.old !== undefined ? { o: change.old } : {}),
    ...(change.new !== undefined ? { n: change.new } : {}),
    ...(change.ttl === true ? { ttl: true } : {}),
    ...(change.version !== undefined ? { v: change.version } : {}),
    ...(change.from !== undefined ? { r: change.from } : {}),
  };
  tx.put(changeKey(tableId, change.sequence), encoder.encode(JSON.stringify(stored)));
}

export function decodeChange(key: Uint8Array, value: Uint8Array): Change {
  const stored = JSON.parse(decoder.decode(value)) as StoredChange;
  return {
    sequence: parseChangeKey(key).sequence,
    at: stored.t,
    ...(stored.o !== undefined ? { old: stored.o } : {}),
    ...(stored.n !== undefined ? { new: stored.n } : {}),
    ...(stored.ttl === true ? { ttl: true } : {}),
    ...(stored.v !== undefined ? { version: stored.v } : {}),
    ...(stored.r !== undefined ? { from: stored.r } : {}),
  };
}

/** The table's changes from sequence `from` up to (excluding) `to`, oldest first. */
export function* readChanges(tx: ReadTransaction, tableId: number, from: number, to = Number.MAX_SAFE_INTEGER, limit?: number): Iterable<Change> {
  const range = { start: changeKey(tableId, from), end: changeKey(tableId, to), ...(limit !== undefined ? { limit } : {}) };
  for (const { key, value } of tx.range(range)) yield decodeChange(key, value);
}

/** Changes deleted per transaction, so a long backlog never holds the write lock long. */
const TRIM_BATCH = 1000;

function needed(change: Change, needs: readonly ChangeLogNeed[]): boolean {
  return needs.some(
    (need) => (need.fromSequence !== undefined && change.sequence >= need.fromSequence) || (need.sinceMs !== undefined && change.at >= need.sinceMs),
  );
}

function needsOf(tx: ReadTransaction, tableId: number, head: LogHead, readers: readonly ChangeLogReader[], nowMs: number): ChangeLogNeed[] {
  return readers.map((reader) => reader.needs(tx, tableId, head, nowMs)).filter((need) => need !== undefined);
}

/** The table's first change from sequence `from` (up to, excluding, `to`), if any. */
export function firstChange(tx: ReadTransaction, tableId: number, from: number, to?: number): Change | undefined {
  for (const change of readChanges(tx, tableId, from, to, 1)) return change;
  return undefined;
}

/** A log nobody reads any more whose table is gone (or was replaced by a new table of its name) goes, head and all. */
function abandoned(tx: ReadTransaction, tableId: number, head: LogHead, needs: readonly ChangeLogNeed[], from: number): boolean {
  return needs.length === 0 && firstChange(tx, tableId, from) === undefined && storedTableRecord(tx, head.account, head.region, head.TableName)?.id !== tableId;
}

/** Whether trimming the table's log would change anything. */
function trimDue(tx: ReadTransaction, tableId: number, readers: readonly ChangeLogReader[], nowMs: number): boolean {
  const head = readLogHead(tx, tableId);
  if (head === undefined) return false;
  const needs = needsOf(tx, tableId, head, readers, nowMs);
  const first = firstChange(tx, tableId, head.trimmedBelow);
  return first === undefined ? abandoned(tx, tableId, head, needs, head.trimmedBelow) : !needed(first, needs);
}

/** Trims one batch of one table's log; returns whether more may be due. */
function trimBatch(tx: WriteTransaction, tableId: number, readers: readonly ChangeLogReader[], nowMs: number): boolean {
  const head = readLogHead(tx, tableId);
  if (head === undefined) return false;
  const needs = needsOf(tx, tableId, head, readers, nowMs);
  let trimmedBelow = head.trimmedBelow;
  let count = 0;
  for (const change of readChanges(tx, tableId, head.trimmedBelow, undefined, TRIM_BATCH)) {
    if (needed(change, needs)) break;
    tx.delete(changeKey(tableId, change.sequence));
    trimmedBelow = change.sequence + 1;
    count++;
  }
  if (abandoned(tx, tableId, head, needs, trimmedBelow)) {
    tx.delete(logHeadKey(tableId));
    return false;
  }
  if (trimmedBelow !== head.trimmedBelow) writeLogHead(tx, tableId, { ...head, trimmedBelow });
  return count === TRIM_BATCH;
}

/**
 * Deletes from every table's log what none of the readers needs any more,
 * and drops the logs of deleted tables once nobody needs them. One read finds
 * the logs with something due, so a tick writes nothing while nothing is.
 */
export async function trimChangeLogs(storage: Storage, readers: readonly ChangeLogReader[], nowMs = Date.now()): Promise<void> {
  const due = await storage.read((tx) =>
    [...tx.range(LOG_HEADS)]
      .map(({ key }) => new DataView(key.buffer, key.byteOffset, key.length).getUint32(1))
      .filter((tableId) => trimDue(tx, tableId, readers, nowMs)),
  );
  for (const tableId of due) {
    for (let more = true; more; ) more = await storage.write((tx) => trimBatch(tx, tableId, readers, nowMs));
  }
}
