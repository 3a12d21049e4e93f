/**
 * The default backend: an embedded LMDB environment (lmdb-js), one database
 * of binary keys and values.
 *
 * Durability: overlappingSync is turned OFF, so LMDB fsyncs inside each
 * commit and lmdb-js resolves a transaction's promise only after that sync;
 * a resolved write() is on disk. The alternative (overlappingSync on, then
 * awaiting `db.flushed`) was measured with 32 concurrent single-key writers
 * for 3 s on this project's dev VM: ~31,000 writes/s, p50 0.95 ms with it off
 * versus ~29,000 writes/s, p50 1.0 ms with flushed-waiting, and equal within
 * noise for 1 and 256 writers. With no gain to buy, the simpler guarantee
 * wins: `db.flushed` waits on whichever commit is newest when it is asked,
 * which makes "my commit is durable" an indirect inference, and turning the
 * option off leaves nothing to forget at each call site.
 *
 * Group commit: lmdb-js runs every transaction callback queued in the same
 * event turn inside one LMDB write transaction with one commit (and one
 * fsync). Each callback runs as an LMDB child transaction
 * (`childTransaction`): a plain `transaction` callback that throws keeps the
 * writes it made before throwing in the shared batch, whereas a child
 * transaction is aborted on its own and the batch commits without it.
 */

import { statSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Database, RangeOptions as LmdbRangeOptions, Transaction } from 'lmdb';
import type { Bytes, Entry, RangeOptions, ReadTransaction, Storage, WriteTransaction } from './storage.js';
import { checkKey } from './bytes.js';
import { runScoped, type TransactionScope } from './scope.js';

// lmdb-js ships its CommonJS build as one bundled file, which loads in about
// 20 ms where its ES modules take about 35 ms (2-core dev VM, Node 20); this
// module is the only one that loads lmdb, so there is one copy of it.
const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');

export interface LmdbStorageOptions {
  /** A directory; created when missing. */
  readonly path: string;
}

export async function openLmdbStorage(options: LmdbStorageOptions): Promise<Storage> {
  const db = openDatabase(options.path);
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  function ensureOpen(): void {
    if (closed) throw new Error('Storage is closed');
  }

  /**
   * Reads through `txn`, or without one through the write transaction that
   * lmdb-js makes current while a write callback runs.
   */
  function reader(scope: TransactionScope, txn?: Transaction): ReadTransaction {
    const via = txn === undefined ? {} : { transaction: txn };
    return {
      get(key) {
        scope.check();
        checkKey(key);
        return plain(db.get(key, via));
      },
      range: (range) => scope.iterable(() => entries(db, { ...lmdbRange(range), ...via })),
    };
  }

  function writer(scope: TransactionScope): WriteTransaction {
    return {
      ...reader(scope),
      put(key, value) {
        scope.check();
        checkKey(key);
        db.put(key, value);
      },
      delete(key) {
        scope.check();
        checkKey(key);
        db.remove(key);
      },
    };
  }

  return {
    async get(key) {
      ensureOpen();
      checkKey(key);
      return plain(db.get(key));
    },

    async read(fn) {
      ensureOpen();
      const txn = db.useReadTransaction();
      try {
        return runScoped((scope) => fn(reader(scope, txn)));
      } finally {
        txn.done();
      }
    },

    write(fn) {
      if (closed) return Promise.reject(new Error('Storage is closed'));
      const commit = db.childTransaction(() => runScoped((scope) => fn(writer(scope))));
      pending.add(commit);
      const forget = (): void => {
        pending.delete(commit);
      };
      commit.then(forget, forget);
      return commit;
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...pending]);
      await db.close();
    },
  };
}

/**
 * The address space reserved for the data file: 1 TiB, so the map never has
 * to grow. lmdb-js otherwise starts with a 128 KiB map and maps the file
 * again, twice as large, each time it outgrows the map, keeping the old
 * mappings for lingering readers; each one counts the same page-cache pages
 * in RSS again (measured: nine mappings and 280 MiB RSS for a 52 MiB file at
 * 100,000 items; 1.4 GB RSS for a 487 MB file at 1,000,000).
 * Reserving address space costs nothing on a 64-bit system: without LMDB's
 * write map the file is not grown to this size, and pages are only mapped in
 * when touched. A file larger than this still works: lmdb-js grows the map.
 */
const MAP_SIZE = 2 ** 40;

function openDatabase(path: string): Database<Bytes, Bytes> {
  try {
    prepareDirectory(path);
    const db = open<Bytes, Bytes>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      overlappingSync: false,
      mapSize: MAP_SIZE,
      // lmdb-js would otherwise treat a path with a dot in its last segment as a file name.
      noSubdir: false,
    });
    // A first read makes lmdb-js set up its read transaction now, not on the first request.
    db.get(new Uint8Array([0]));
    return db;
  } catch (error) {
    throw new Error(`Cannot open LMDB storage at ${path}: ${reason(error)}`);
  }
}

function prepareDirectory(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) mkdirSync(path, { recursive: true });
  else if (!stats.isDirectory()) throw new Error('it exists and is not a directory');
}

/** One line for the CLI, which prints it and exits. */
function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a parent of it is not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
  };
  const line = (typeof code === 'string' && known[code]) || text;
  return line.replace(/\s+/g, ' ').trim();
}

/**
 * lmdb-js hands out Buffers; callers get plain Uint8Array views of the same
 * memory so no code comes to rely on Buffer methods the memory backend lacks.
 */
function plain(bytes: Bytes | undefined): Bytes | undefined {
  return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function entries(db: Database<Bytes, Bytes>, range: LmdbRangeOptions): Iterator<Entry> {
  return db.getRange(range).map(({ key, value }) => ({ key: plain(key)!, value: plain(value)! }))[Symbol.iterator]();
}

/**
 * lmdb-js starts a reverse walk at `start` and stops at `end`, so our bounds
 * swap, and the inclusivity flags keep "start inclusive, end exclusive".
 */
function lmdbRange(range: RangeOptions): LmdbRangeOptions {
  const out: { -readonly [K in keyof LmdbRangeOptions]: LmdbRangeOptions[K] } = {};
  if (range.limit !== undefined) out.limit = range.limit;
  if (!range.reverse) {
    if (range.start !== undefined) out.start = range.start;
    if (range.end !== undefined) out.end = range.end;
    return out;
  }
  out.reverse = true;
  out.exclusiveStart = true;
  out.inclusiveEnd = true;
  if (range.end !== undefined) out.start = range.end;
  if (range.start !== undefined) out.end = range.start;
  return out;
}
