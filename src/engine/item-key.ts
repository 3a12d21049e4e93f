/**
 * Storage keys of items: `itemPrefix(table) | h32(P) | P' [| enc(sk)]`, the
 * table's case of the layout in key-layout.ts.
 */
import type { PrimaryKey } from '../model/primary-key.js';
import { tableKey } from './key-layout.js';
import { fitKey, itemPrefix } from './keyspace.js';

const prefixes = new Map<number, Uint8Array>();

export function cachedItemPrefix(tableId: number): Uint8Array {
  let prefix = prefixes.get(tableId);
  if (prefix === undefined) prefixes.set(tableId, (prefix = itemPrefix(tableId)));
  return prefix;
}

export function itemKey(tableId: number, key: PrimaryKey): Uint8Array {
  return fitKey(tableKey(cachedItemPrefix(tableId), key.hash, key.range));
}
