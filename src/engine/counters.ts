/**
 * Running totals kept in storage next to the data they count (a table's items,
 * an index's entries, an item collection's bytes), updated inside the same
 * transaction as the change they count so they never drift from it.
 */
import type { ReadTransaction, WriteTransaction } from '../storage/storage.js';
import { prefixEnd } from '../model/key-codec.js';

export interface Counters {
  readonly itemCount: number;
  readonly sizeBytes: number;
}

export const NO_COUNTS: Counters = { itemCount: 0, sizeBytes: 0 };

export function decodeCounters(bytes: Uint8Array | undefined): Counters {
  if (bytes === undefined) return NO_COUNTS;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { itemCount: view.getFloat64(0), sizeBytes: view.getFloat64(8) };
}

function encodeCounters(counters: Counters): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, counters.itemCount);
  view.setFloat64(8, counters.sizeBytes);
  return bytes;
}

export function readCounters(tx: ReadTransaction, key: Uint8Array): Counters {
  return decodeCounters(tx.get(key));
}

/** Adds to the counters under `key`; a write that changes no count (same-size replacement) costs no read. */
export function addCounters(tx: WriteTransaction, key: Uint8Array, itemCount: number, sizeBytes: number): void {
  if (itemCount === 0 && sizeBytes === 0) return;
  const current = readCounters(tx, key);
  tx.put(key, encodeCounters({ itemCount: current.itemCount + itemCount, sizeBytes: current.sizeBytes + sizeBytes }));
}

/**
 * A table's and an index's counters change with every write to them. Where
 * transactions run concurrently and conflict (a database, see
 * Storage.concurrent), one key would make every write to a table conflict
 * with every other: there the counters are spread over SPREAD keys (the
 * counter's key plus one byte), a write adding to the one its written key
 * hashes to, and a read sums them. Where transactions are serial (LMDB,
 * memory) only the counter's own key is used, as before.
 */
export const SPREAD = 256;

/** The slot a write adds to: from the key it writes, so a re-run of the same write picks the same slot. */
export function counterSlot(writtenKey: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < writtenKey.length; i++) hash = Math.imul(hash ^ writtenKey[i]!, 0x01000193);
  return (hash >>> 0) % SPREAD;
}

/** The key `slot` of a spread counter adds to (undefined: the counter's own key). */
function slotKey(key: Uint8Array, slot: number | undefined): Uint8Array {
  if (slot === undefined) return key;
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  out[key.length] = slot;
  return out;
}

/** Adds to a spread counter, in `slot` (undefined where transactions are serial). */
export function addSpreadCounters(tx: WriteTransaction, key: Uint8Array, slot: number | undefined, itemCount: number, sizeBytes: number): void {
  addCounters(tx, slotKey(key, slot), itemCount, sizeBytes);
}

/** Reads the slot a write will add to, and nothing else: for a remote backend, which fetches it with the write's other first reads. */
export function touchSpreadCounters(tx: ReadTransaction, key: Uint8Array, slot: number): void {
  tx.get(slotKey(key, slot));
}

/** A spread counter's total: its own key and every slot. */
export function readSpreadCounters(tx: ReadTransaction, key: Uint8Array): Counters {
  let itemCount = 0;
  let sizeBytes = 0;
  for (const { value } of tx.range({ start: key, end: prefixEnd(key)! })) {
    const counters = decodeCounters(value);
    itemCount += counters.itemCount;
    sizeBytes += counters.sizeBytes;
  }
  return { itemCount, sizeBytes };
}

/** Every key a spread counter may use: its own and its slots (for deleting it). */
export function spreadCounterKeys(key: Uint8Array): Uint8Array[] {
  return [key, ...Array.from({ length: SPREAD }, (_, slot) => slotKey(key, slot))];
}
