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
 * fsync). A callback that throws must leave nothing in that shared batch, so
 * each callback writes into an Overlay (reads see its own writes) and its
 * writes reach LMDB only once it has returned. This replaced an LMDB child
 * transaction per callback (begun and committed natively, copying the pages
 * it touches): 32 concurrent writers of two gets and two puts each measured
 * 25–32 µs of CPU per write with child transactions, 20–24 µs with the
 * overlay (2-core dev VM, Node 20). A callback's writes are applied only
 * after its keys were checked, so none of them is expected to fail halfway.
 */

import { statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { createRequire } from 'node:module';
import type { Database, RangeOptions as LmdbRangeOptions } from 'lmdb';
import type { Bytes, Entry, RangeOptions, ReadTransaction, Storage, WriteTransaction } from './storage.js';
import { checkKey } from './bytes.js';
import { runScoped, type TransactionScope } from './scope.js';
import { writeThroughOverlay } from './overlay.js';
import { CommitFailed, DamagedValue } from './faults.js';
import { checkDataFileForOpen, DamagedFile, DATA_FILE } from './lmdb-file.js';
import { DataDirInUse, lockDataDir, lockHolder, type DataDirLock } from './data-dir-lock.js';

// lmdb-js ships its CommonJS build as one bundled file, which loads in about
// 20 ms where its ES modules take about 35 ms (2-core dev VM, Node 20); this
// module is the only one that loads lmdb, so there is one copy of it.
const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');

export interface LmdbStorageOptions {
  /** A directory; created when missing. */
  readonly path: string;
  /**
   * Take the data directory's lock (see data-dir-lock.ts), refusing to open
   * while another process holds it. Servers do; tests and `dynalith check`,
   * which only read or work behind a server's back on purpose, need not.
   */
  readonly exclusive?: boolean;
  /**
   * Hand out values whose checksum fails instead of refusing them
   * (`dynalith check`, which reports them from its own walk of the file).
   */
  readonly skipChecksums?: boolean;
}

export async function openLmdbStorage(options: LmdbStorageOptions): Promise<Storage> {
  if (options.exclusive === true) {
    // Asked first: the file check below reads pages a live holder may be rewriting.
    const holder = await lockHolder(options.path);
    if (holder !== undefined) throw holder;
  }
  const db = openDatabase(options.path, options.skipChecksums === true);
  let lock: DataDirLock | undefined;
  if (options.exclusive === true) {
    try {
      lock = await lockDataDir(options.path, (fn) => db.transactionSync(fn));
    } catch (error) {
      await db.close();
      if (error instanceof DataDirInUse) throw error;
      throw new Error(`Cannot lock the data directory ${options.path}: ${reason(error)}`);
    }
  }
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  function ensureOpen(): void {
    if (closed) throw new Error('Storage is closed');
  }

  /**
   * Reads through the transaction lmdb-js makes current: its shared read
   * transaction, or the write transaction while a write callback runs.
   */
  function reader(scope: TransactionScope): ReadTransaction {
    return {
      get(key) {
        scope.check();
        checkKey(key);
        return plain(db.get(key));
      },
      range: (range) => scope.iterable(() => entries(db, lmdbRange(range))),
    };
  }

  /** Runs `fn` over a buffer of its writes and applies them, all inside lmdb-js's current write transaction. */
  function applyBuffered<T>(fn: (tx: WriteTransaction) => T): T {
    return writeThroughOverlay(reader, (key, change) => (change === null ? db.remove(key) : db.put(key, change)), fn);
  }


  return {
    async get(key) {
      ensureOpen();
      checkKey(key);
      return plain(db.get(key));
    },

    async read(fn) {
      ensureOpen();
      // lmdb-js's shared read transaction, not one of our own: the callback is synchronous, so the shared one
      // cannot be renewed under it (one snapshot throughout), and only ranges on the shared one reuse a cursor;
      // with a transaction of our own every range opened and closed a native cursor
      // (Query of 10 items in process: about 50 µs of CPU against about 35 µs this way).
      return runScoped((scope) => fn(reader(scope)));
    },

    write(fn) {
      if (closed) return Promise.reject(new Error('Storage is closed'));
      const commit = db.transaction(() => applyBuffered(fn)).catch(commitFailure);
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
      await lock?.release();
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

/**
 * Every value is stored with a CRC-32 of it appended (4 bytes, little-endian),
 * checked on every read: LMDB has no checksums, and a damaged page would
 * otherwise be served as data. A value that fails its checksum is refused
 * with DamagedValue. zlib's CRC-32 costs about 0.13 µs per call plus
 * 0.17 ns per byte (2-core dev VM, Node 20); decoding a 250-byte value went
 * from 0.21–0.35 µs to 0.40–0.54 µs (interleaved runs): about 0.5 % of a
 * GetItem's server CPU (~45 µs), about 5 % of a Scan page of 100 such items
 * (~350 µs). Checking only in `dynalith check` would leave damage served
 * silently between checks, which is what the checksum is for.
 *
 * On the way in the value and its checksum are assembled in one reused
 * buffer: lmdb-js copies a value into LMDB during put() inside a write
 * transaction (every put here is), so the buffer is free again when put()
 * returns. On the way out lmdb-js hands the decoder its shared read buffer
 * (`length` set to the value's size), and the copy lands in Node's pooled
 * Buffer memory. lmdb-js's own binary read copies with
 * `Uint8Array.prototype.slice`, which allocates an ArrayBuffer per value:
 * 0.9 µs for a 200-byte value against 0.23 µs for `Buffer.allocUnsafe` and a
 * copy, 1.2–1.6 µs against 0.5–0.6 µs at 1,000 bytes. A Scan page reads 100
 * values: with this and without the Uint8Array rewrapping of range entries,
 * server CPU per Scan of 100 items on disk went from 558–652 µs to 336–388 µs.
 */
const CHECKSUM_BYTES = 4;

function valueCodec(verify: boolean) {
  let scratch = Buffer.allocUnsafeSlow(4096);
  return {
    encode(value: Bytes): Bytes {
      const size = value.length + CHECKSUM_BYTES;
      if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratch.length));
      scratch.set(value, 0);
      scratch.writeUInt32LE(crc32(value), value.length);
      return scratch.subarray(0, size);
    },
    decode(shared: Buffer): Buffer {
      // `length` is lmdb-js's own property here, smaller than the view; Buffer's copy() would read the whole view.
      const size = shared.length - CHECKSUM_BYTES;
      const out = Buffer.allocUnsafe(Math.max(0, size));
      out.set(shared.subarray(0, out.length));
      if (verify && (size < 0 || crc32(out) !== shared.readUInt32LE(size))) throw new DamagedValue(Buffer.from(shared.subarray(0, shared.length)));
      return out;
    },
  };
}

/** Whether a value as LMDB holds it (read from the file by `dynalith check`) passes its checksum. */
export function checksumHolds(stored: Uint8Array): boolean {
  const size = stored.length - CHECKSUM_BYTES;
  return size >= 0 && crc32(stored.subarray(0, size)) === Buffer.from(stored.buffer, stored.byteOffset, stored.length).readUInt32LE(size);
}

/**
 * A commit LMDB could not complete (a full disk, an I/O error) rejects every
 * write of its batch with lmdb-js's "Commit failed"; the cause comes in
 * `commitError`, a promise nobody else awaits (unhandled, it would end the
 * process). Nothing of the batch was applied.
 */
function commitFailure(error: unknown): never {
  const cause = (error as { commitError?: Promise<unknown> } | null)?.commitError;
  if (cause === undefined) throw error;
  cause.catch(() => undefined);
  throw new CommitFailed('a commit to the data file failed (is the disk full?); nothing of it was applied', { cause: error });
}

function openDatabase(path: string, skipChecksums: boolean): Database<Bytes, Bytes> {
  try {
    prepareDirectory(path);
    // Checked before LMDB maps the file: a truncated or garbage file would fault there.
    checkDataFileForOpen(join(path, DATA_FILE));
    const db = open<Bytes, Bytes>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      encoder: valueCodec(!skipChecksums),
      overlappingSync: false,
      // With batching by event turn, lmdb-js starts each batch with a write of its own whose
      // promise it drops: a failed commit rejects it unhandled. Transactions queued in one
      // turn still share one commit without it (measured alike: ~22,000–25,000 writes/s and
      // 20–23 µs of CPU per write either way, 32 writers).
      eventTurnBatching: false,
      mapSize: MAP_SIZE,
      // lmdb-js would otherwise treat a path with a dot in its last segment as a file name.
      noSubdir: false,
    });
    // A first read makes lmdb-js set up its read transaction now, not on the first request.
    db.get(new Uint8Array([0]));
    return db;
  } catch (error) {
    if (error instanceof DamagedFile) throw error;
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
 * Keys and values come out as Buffers owned by the caller (values from
 * `valueCodec`); `get` answers with a plain Uint8Array view of the same
 * memory, so a value compares equal to the one the memory backend returns.
 */
function plain(bytes: Bytes | undefined): Bytes | undefined {
  return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Range entries stay Buffers (Uint8Arrays; the Bytes type keeps callers off
 * Buffer's methods): rewrapping each key and value cost a typed-array
 * allocation apiece, 4 % of a Scan's server time on disk.
 */
function entries(db: Database<Bytes, Bytes>, range: LmdbRangeOptions): Iterator<Entry> {
  return db.getRange(range)[Symbol.iterator]();
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
