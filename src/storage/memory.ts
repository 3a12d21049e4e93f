/**
 * The in-memory backend (`--in-memory`): one ordered map, nothing durable.
 *
 * Transaction callbacks are synchronous and a commit applies in one go, so a
 * read callback can never observe a half-applied write and write callbacks
 * can never interleave: JavaScript's single thread is the lock. Write
 * callbacks still run on a later microtask, as with a real backend, so code
 * that forgets to await a write fails here too.
 */

import type { Bytes, Entry, RangeOptions, ReadTransaction, Storage } from './storage.js';
import { checkKey } from './bytes.js';
import { OrderedMap } from './ordered-map.js';
import { writeThroughOverlay } from './overlay.js';
import { runScoped, type TransactionScope } from './scope.js';
import { limited } from './limit.js';

export function createMemoryStorage(): Storage {
  const map = new OrderedMap<Bytes>();
  let closed = false;

  function ensureOpen(): void {
    if (closed) throw new Error('Storage is closed');
  }

  function* entries(options: RangeOptions): Generator<Entry> {
    for (const [key, value] of map.entries(options)) yield { key, value };
  }

  function snapshot(scope: TransactionScope): ReadTransaction {
    return {
      get(key) {
        scope.check();
        checkKey(key);
        return map.get(key);
      },
      range: (options) => scope.iterable(() => limited(entries(options), options.limit)),
    };
  }

  return {
    async get(key) {
      ensureOpen();
      checkKey(key);
      return map.get(key);
    },

    async read(fn) {
      ensureOpen();
      return runScoped((scope) => fn(snapshot(scope)));
    },

    async write(fn) {
      ensureOpen();
      await Promise.resolve();
      return writeThroughOverlay(snapshot, (key, change) => (change === null ? map.delete(key) : map.set(key, change)), fn);
    },

    async close() {
      closed = true;
    },
  };
}
