/**
 * Byte-key rules shared by every backend, so that the memory backend refuses
 * exactly the keys LMDB refuses and tests written against one hold for both.
 */

import type { Bytes } from './storage.js';

/**
 * LMDB's largest key with lmdb-js's default page settings. Callers building
 * keys (the key codec) must stay at or below it.
 */
export const MAX_KEY_BYTES = 1978;

/** Unsigned lexicographic order: a proper prefix sorts first. */
export function compareBytes(a: Bytes, b: Bytes): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function checkKey(key: Bytes): void {
  if (key.length === 0) throw new Error('Storage keys must not be empty');
  if (key.length > MAX_KEY_BYTES) {
    throw new Error(`Storage key of ${key.length} bytes exceeds the ${MAX_KEY_BYTES}-byte limit`);
  }
}

export function copyBytes(bytes: Bytes): Bytes {
  return new Uint8Array(bytes);
}
