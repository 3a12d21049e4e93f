/**
 * Storage keys of items: `itemPrefix(table) | h32(enc(pk)) | enc(pk) [| enc(sk)]`
 * (see model/key-codec.ts). The hash in front spreads partitions the way
 * DynamoDB's do, so a Scan walks items in hash order.
 */
import { encodeStorageKey } from '../model/key-codec.js';
import type { PrimaryKey } from '../model/primary-key.js';
import { fitKey, itemPrefix } from './keyspace.js';

const prefixes = new Map<number, Uint8Array>();

function cachedPrefix(tableId: number): Uint8Array {
  let prefix = prefixes.get(tableId);
  if (prefix === undefined) prefixes.set(tableId, (prefix = itemPrefix(tableId)));
  return prefix;
}

export function itemKey(tableId: number, key: PrimaryKey): Uint8Array {
  return fitKey(encodeStorageKey(cachedPrefix(tableId), key.hash, key.range === undefined ? [] : [key.range]));
}
