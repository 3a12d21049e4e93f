/**
 * Running totals kept in storage next to the data they count (a table's items,
 * an index's entries, an item collection's bytes), updated inside the same
 * transaction as the change they count so they never drift from it.
 */
import type { ReadTransaction, WriteTransaction } from '../storage/storage.js';

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
