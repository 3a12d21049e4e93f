/**
 * The TTL write hook: keeps an item's expiry index entry in step with the item,
 * inside the item's own storage transaction. Only a Number TTL attribute is
 * indexed, as DynamoDB only expires those.
 */
import type { Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import type { WriteTransaction } from '../../storage/storage.js';
import type { TableRecord } from '../../engine/table.js';
import { itemKey } from '../../engine/item-key.js';
import type { ItemChangeHook } from '../item-change-hooks.js';
import { expiryKey } from './ttl-keys.js';
import { own } from '../../model/own-property.js';

/** The whole epoch second an item expires at, or undefined when its TTL attribute is not a usable Number. */
export function expirySecond(item: Item | undefined, attribute: string): number | undefined {
  const value = item === undefined ? undefined : own(item, attribute);
  if (value === undefined || !('N' in value)) return undefined;
  const seconds = Number(value.N);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > Number.MAX_SAFE_INTEGER) return undefined;
  return Math.floor(seconds);
}

const encoder = new TextEncoder();

/** Puts the item's entry for its current expiry (used by the hook and by indexing existing items). */
export function putExpiryEntry(tx: WriteTransaction, table: TableRecord, key: PrimaryKey, second: number): void {
  tx.put(expiryKey(table.id, second, itemKey(table.id, key)), encoder.encode(JSON.stringify(key)));
}

export const maintainExpiryIndex: ItemChangeHook = (tx, table, key, old, next) => {
  const attribute = table.TimeToLive?.AttributeName;
  if (attribute === undefined) return;
  const before = expirySecond(old, attribute);
  const after = expirySecond(next, attribute);
  if (before === after) return;
  if (before !== undefined) tx.delete(expiryKey(table.id, before, itemKey(table.id, key)));
  if (after !== undefined) putExpiryEntry(tx, table, key, after);
};
