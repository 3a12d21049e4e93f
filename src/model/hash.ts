/**
 * MurmurHash3 (x86, 32-bit) over bytes. It places partitions in storage key
 * order (scan order, parallel-scan segments), so it must be well spread and
 * must never change: stored keys depend on it.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The unsigned 32-bit MurmurHash3 of `bytes`. */
export function hash32(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  const blocks = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const rest = length & 3;
  if (rest > 0) {
    let tail = bytes[blocks]!;
    if (rest > 1) tail |= bytes[blocks + 1]! << 8;
    if (rest > 2) tail |= bytes[blocks + 2]! << 16;
    tail = Math.imul(tail, C1);
    tail = (tail << 15) | (tail >>> 17);
    h ^= Math.imul(tail, C2);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
