/** The keys under a prefix, as a range, and clearing them a bounded batch at a time. */
import type { Storage } from '../storage/storage.js';

/** Every key under `prefix` (whose leading kind byte is never 0xff). */
export function prefixRange(prefix: Uint8Array): { start: Uint8Array; end: Uint8Array } {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== 0xff) {
      end[i]! += 1;
      break;
    }
    end[i] = 0;
  }
  return { start: prefix, end };
}

const CLEAR_BATCH = 500;

/** Deletes the keys under `prefix`, a batch per transaction; false if stopped first. */
export async function clearPrefix(storage: Storage, prefix: Uint8Array, stopped: () => boolean = () => false): Promise<boolean> {
  const range = prefixRange(prefix);
  for (;;) {
    if (stopped()) return false;
    const left = await storage.write((tx) => {
      const keys = [...tx.range({ ...range, limit: CLEAR_BATCH })].map((entry) => entry.key);
      for (const key of keys) tx.delete(key);
      return keys.length;
    });
    if (left < CLEAR_BATCH) return true;
  }
}
