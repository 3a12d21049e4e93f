/**
 * Indexing the items a table already holds when TTL is enabled on it. The work
 * is marked in storage (with the item key to go on after), so it resumes after
 * a restart; each chunk runs in one write transaction, so it never races a
 * concurrent item write (whose own hook keeps its entry right).
 */
import type { Storage, WriteTransaction } from '../../storage/storage.js';
import type { TableRecord } from '../../engine/table.js';
import type { Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import type { KeyValue } from '../../model/key-codec.js';
import { itemPrefix } from '../../engine/keyspace.js';
import { decodeStored } from '../../engine/stored-item.js';
import { prefixEnd } from '../../model/key-codec.js';
import { yieldToEventLoop } from '../../engine/background-work.js';
import { putExpiryEntry, expirySecond } from './expiry-index.js';
import { pendingKey, tableExpiryRange } from './ttl-keys.js';
import { own } from '../../model/own-property.js';

const CHUNK = 500;
/** The marker's value before the first chunk: shorter than any item key. */
const FROM_START = new Uint8Array([0]);

/**
 * In the transaction of a table change: Time to Live switched on marks the
 * table's existing items for indexing; switched off, it drops the expiry
 * index and any indexing still to do. Made with the change, so no crash
 * leaves TTL on with items unindexed, or an index without TTL.
 */
export function followTimeToLive(tx: WriteTransaction, before: TableRecord, after: TableRecord): void {
  const was = before.TimeToLive?.AttributeName;
  const is = after.TimeToLive?.AttributeName;
  if (was === is) return;
  if (was !== undefined) {
    tx.delete(pendingKey(before.id));
    const keys = [...tx.range(tableExpiryRange(before.id))].map(({ key }) => key);
    for (const key of keys) tx.delete(key);
  }
  if (is !== undefined) tx.put(pendingKey(after.id), FROM_START);
}

/**
 * Indexes the table's existing items, if marked, chunk by chunk (yielding to
 * the event loop between chunks) until done or `stopped()`.
 */
export async function indexExistingItems(storage: Storage, table: TableRecord, stopped: () => boolean = () => false): Promise<void> {
  const attribute = table.TimeToLive?.AttributeName;
  if (attribute === undefined) return;
  const prefix = itemPrefix(table.id);
  while (!stopped()) {
    const more = await storage.write((tx) => {
      const marker = tx.get(pendingKey(table.id));
      if (marker === undefined) return false;
      const start = marker.length === FROM_START.length ? prefix : new Uint8Array([...marker, 0]);
      let last: Uint8Array | undefined;
      let count = 0;
      for (const { key, value } of tx.range({ start, end: prefixEnd(prefix), limit: CHUNK })) {
        const item = decodeStored(value);
        const second = expirySecond(item, attribute);
        if (second !== undefined) putExpiryEntry(tx, table, primaryKeyOf(table, item), second);
        last = key;
        count += 1;
      }
      if (count < CHUNK || last === undefined) {
        tx.delete(pendingKey(table.id));
        return false;
      }
      tx.put(pendingKey(table.id), last);
      return true;
    });
    if (!more) return;
    await yieldToEventLoop();
  }
}

/** A stored item's primary key (stored items always hold their key attributes). */
function primaryKeyOf(table: TableRecord, item: Item): PrimaryKey {
  const value = (type: 'HASH' | 'RANGE') => {
    const name = table.KeySchema.find((element) => element.KeyType === type)?.AttributeName;
    return name === undefined ? undefined : (own(item, name) as KeyValue);
  };
  const range = value('RANGE');
  return { hash: value('HASH')!, ...(range !== undefined ? { range } : {}) };
}
