/**
 * The storage contract every backend fulfils (LMDB on disk, memory,
 * PostgreSQL). Keys and values are bytes; keys sort as unsigned bytes, which
 * the key codec turns into DynamoDB's order.
 *
 * Every entry point is asynchronous because remote backends are. Inside a
 * transaction the callback runs synchronously over the backend's own
 * transaction: it reads the old state, decides, and writes; it must not keep
 * references to the transaction object after it returns.
 *
 * A callback must be a pure function of what it reads through the
 * transaction (and of its arguments): a backend may run it more than once
 * and keep only the last run. LMDB and memory answer every read at once and
 * run it once; PostgreSQL runs it over the data fetched so far, notes what a
 * run missed (a read of it answers as if absent, a range ends early), fetches
 * that and runs it again, all in one database transaction
 * (fetching-snapshot.ts). So a callback changes nothing outside the
 * transaction (no captured state, caches or counters): what it decides, it
 * returns.
 */

/**
 * Keys are 1..1978 bytes (LMDB's limit; see MAX_KEY_BYTES in bytes.ts) and
 * every backend refuses others. Bytes handed out are plain Uint8Arrays the
 * caller may keep but must not modify: a backend may hand out the very bytes
 * it holds (the memory backend does, sparing a copy per read). Bytes passed
 * in may be reused by the caller afterwards.
 */
export type Bytes = Uint8Array;

export interface Entry {
  readonly key: Bytes;
  readonly value: Bytes;
}

export interface RangeOptions {
  /** Inclusive lower bound; omitted means from the first key. */
  readonly start?: Bytes;
  /** Exclusive upper bound; omitted means to the last key. */
  readonly end?: Bytes;
  /** Walk from `end` down to `start` (bounds keep their meaning). */
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface ReadTransaction {
  get(key: Bytes): Bytes | undefined;
  range(options: RangeOptions): Iterable<Entry>;
}

export interface WriteTransaction extends ReadTransaction {
  put(key: Bytes, value: Bytes): void;
  delete(key: Bytes): void;
}

export interface Storage {
  /**
   * True where transactions of several callers run at the same time and
   * conflict on the keys they share (a database): keys every write would
   * touch are then spread (engine/counters.ts). LMDB and memory run one write
   * transaction at a time.
   */
  readonly concurrent?: boolean;
  /** A point read of committed data. */
  get(key: Bytes): Promise<Bytes | undefined>;
  /** Runs `fn` over one consistent snapshot. */
  read<T>(fn: (tx: ReadTransaction) => T): Promise<T>;
  /**
   * Runs `fn` in one serialisable write transaction. The promise resolves only
   * once the transaction is durable; concurrent calls may share one commit.
   * If `fn` throws, nothing it wrote is applied and the promise rejects.
   * `fn` must be synchronous (a returned promise aborts the transaction), and
   * neither `tx` nor its range iterables work after `fn` returns.
   */
  write<T>(fn: (tx: WriteTransaction) => T): Promise<T>;
  /** Finishes pending commits and releases the backend. */
  close(): Promise<void>;
}
