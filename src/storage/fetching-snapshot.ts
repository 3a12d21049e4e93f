/**
 * What lets a remote engine run the Storage contract's synchronous
 * transaction callbacks: a read view over the data fetched so far in one
 * database transaction. A callback is a pure function of what it reads, so
 * the backend runs it over this view; every read the view cannot answer is
 * noted (a point read answers `undefined`, a range ends early) and marks the
 * run incomplete. The backend then discards that run, whatever it returned or
 * threw, fetches everything noted in one round trip, and runs the callback
 * again from the start, until a run completes. A read whose key depends on an
 * earlier read costs one more round; independent reads (a batch's hundred
 * keys) cost one together.
 *
 * Ranges are fetched a page at a time with keyset pagination, each page of a
 * range twice the size of the one before, so a callback that walks N entries
 * runs O(log N) times.
 */
import type { Bytes, Entry, RangeOptions, ReadTransaction } from './storage.js';
import { checkKey, compareBytes } from './bytes.js';
import type { TransactionScope } from './scope.js';
import { limited } from './limit.js';

const FIRST_PAGE = 64;
const LARGEST_PAGE = 4096;

/** One range a callback walks, as far as it has been fetched. */
export interface FetchedRange {
  readonly start: Bytes | undefined;
  readonly end: Bytes | undefined;
  readonly reverse: boolean;
  /** In walk order. */
  readonly entries: Entry[];
  /** True once the database has no more entries in the range. */
  done: boolean;
  /** How many entries the next fetch asks for. */
  page: number;
}

/** What a run could not answer: the backend fetches it before the next run. */
export interface Missing {
  readonly keys: Bytes[];
  readonly ranges: FetchedRange[];
}

/** What the backend fetched for a range: the entries that follow its fetched part, in walk order. */
export interface RangePage {
  readonly range: FetchedRange;
  readonly entries: readonly Entry[];
}

const id = (key: Bytes): string => Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

export class FetchingSnapshot {
  private readonly points = new Map<string, Bytes | null>();
  private readonly ranges = new Map<string, FetchedRange>();
  private missingKeys = new Map<string, Bytes>();
  private missingRanges = new Set<FetchedRange>();

  /** The view one run reads through; `limitHint` sizes a range's first page when the caller's limit is known. */
  view(scope: TransactionScope, limitHint = false): ReadTransaction {
    return {
      get: (key) => {
        scope.check();
        checkKey(key);
        return this.get(key);
      },
      range: (options) => scope.iterable(() => limited(this.walk(this.rangeFor(options, limitHint)), options.limit)),
    };
  }

  /** What the last run could not answer, and a fresh start for the next run; undefined when the run was complete. */
  takeMissing(): Missing | undefined {
    if (this.missingKeys.size === 0 && this.missingRanges.size === 0) return undefined;
    const missing = { keys: [...this.missingKeys.values()], ranges: [...this.missingRanges] };
    this.missingKeys = new Map();
    this.missingRanges = new Set();
    return missing;
  }

  /** Stores what the backend fetched for `missing`: the values of its keys (absent ones are known absent now) and a page of each range. */
  add(missing: Missing, values: ReadonlyMap<string, Bytes>, pages: readonly RangePage[]): void {
    for (const key of missing.keys) this.points.set(id(key), values.get(id(key)) ?? null);
    for (const { range, entries } of pages) {
      for (const entry of entries) {
        range.entries.push(entry);
        this.points.set(id(entry.key), entry.value);
      }
      if (entries.length < range.page) range.done = true;
      range.page = Math.min(range.page * 2, LARGEST_PAGE);
    }
  }

  /** The key the next page of `range` starts after (exclusive), if any of it was fetched. */
  static after(range: FetchedRange): Bytes | undefined {
    return range.entries.at(-1)?.key;
  }

  /** A key's string form, as `add`'s `values` map is keyed. */
  static id = id;

  private get(key: Bytes): Bytes | undefined {
    const known = this.points.get(id(key));
    if (known !== undefined) return known ?? undefined;
    if (this.coveredByRange(key)) return undefined;
    this.missingKeys.set(id(key), key);
    return undefined;
  }

  /** A key inside the fetched part of a range and not among its entries is known to be absent. */
  private coveredByRange(key: Bytes): boolean {
    for (const range of this.ranges.values()) {
      if (range.start !== undefined && compareBytes(key, range.start) < 0) continue;
      if (range.end !== undefined && compareBytes(key, range.end) >= 0) continue;
      if (range.done) return true;
      const last = FetchingSnapshot.after(range);
      if (last === undefined) continue;
      if (range.reverse ? compareBytes(key, last) >= 0 : compareBytes(key, last) <= 0) return true;
    }
    return false;
  }

  private rangeFor(options: RangeOptions, limitHint: boolean): FetchedRange {
    const reverse = options.reverse === true;
    const key = `${reverse ? 'r' : 'f'}${options.start === undefined ? '-' : id(options.start)}\u0000${options.end === undefined ? '-' : id(options.end)}`;
    let range = this.ranges.get(key);
    if (range === undefined) {
      if (options.start !== undefined) checkKey(options.start);
      if (options.end !== undefined) checkKey(options.end);
      const first = limitHint && options.limit !== undefined ? Math.max(1, Math.min(options.limit, LARGEST_PAGE)) : FIRST_PAGE;
      range = { start: options.start, end: options.end, reverse, entries: [], done: false, page: first };
      const empty = options.start !== undefined && options.end !== undefined && compareBytes(options.start, options.end) >= 0;
      if (empty) range.done = true;
      this.ranges.set(key, range);
    }
    return range;
  }

  private *walk(range: FetchedRange): Generator<Entry> {
    for (let i = 0; ; i++) {
      if (i < range.entries.length) {
        yield range.entries[i]!;
        continue;
      }
      if (!range.done) this.missingRanges.add(range);
      return;
    }
  }
}
