/**
 * The expiry index: one entry per item whose TTL attribute is a Number, under
 * `0x38 | u32 table id | u64 expiry second | item storage key`, so the items
 * due by a moment are one range read. The entry's value is the item's primary
 * key (JSON) for the delete. `0x39 | u32 table id` marks a table whose existing
 * items are still being indexed after TTL was enabled; its value is where the
 * indexing goes on.
 */
import { fitKey, TTL_PREFIX } from '../../engine/keyspace.js';

const { EXPIRY, PENDING } = TTL_PREFIX;

function header(prefix: number, tableId: number, extra = 0): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(5 + extra);
  bytes[0] = prefix;
  const view = new DataView(bytes.buffer);
  view.setUint32(1, tableId);
  return { bytes, view };
}

/** Entries of one table expiring at `second` or later (up to, excluding, `end`). */
export function expiryRange(tableId: number, fromSecond: number, toSecond: number): { start: Uint8Array; end: Uint8Array } {
  return { start: secondPrefix(tableId, fromSecond), end: secondPrefix(tableId, toSecond) };
}

function secondPrefix(tableId: number, second: number): Uint8Array {
  const { bytes, view } = header(EXPIRY, tableId, 8);
  view.setBigUint64(5, BigInt(Math.max(0, second)));
  return bytes;
}

export function expiryKey(tableId: number, second: number, itemKey: Uint8Array): Uint8Array {
  const prefix = secondPrefix(tableId, second);
  const key = new Uint8Array(prefix.length + itemKey.length);
  key.set(prefix);
  key.set(itemKey, prefix.length);
  return fitKey(key);
}

/** Every expiry entry of a table. */
export function tableExpiryRange(tableId: number): { start: Uint8Array; end: Uint8Array } {
  return { start: header(EXPIRY, tableId).bytes, end: header(EXPIRY, tableId + 1).bytes };
}

export function pendingKey(tableId: number): Uint8Array {
  return header(PENDING, tableId).bytes;
}
