/**
 * Reading one page of a Query or Scan: the entries (base items or index
 * entries) of one storage key range, in key order or reversed, after an
 * exclusive start key, up to a count limit and DynamoDB's 1 MB page limit,
 * all from one snapshot. The page limit is measured on what was read, before
 * any filter, and the entry that reaches it is still part of the page.
 */
import type { Item } from '../model/attribute-value.js';
import { compareBytes, prefixEnd, type KeyRange } from '../model/key-codec.js';
import type { ReadTransaction, Storage } from '../storage/storage.js';
import { ORDERED_KEY_BYTES } from './keyspace.js';
import { StoredItem } from './stored-item.js';

export const MAX_PAGE_BYTES = 1024 * 1024;

export interface PageSpec {
  /** The whole keys to read (key-layout.ts), before any cut to the store's key limit. */
  readonly range: KeyRange;
  /** The whole key of the last entry of the previous page. */
  readonly exclusiveStart?: Uint8Array;
  readonly reverse: boolean;
  readonly limit?: number;
  /** The bytes of entries the page may read: MAX_PAGE_BYTES unless a read of several ranges has used some. */
  readonly maxBytes?: number;
  /** The whole key an entry is stored under: orders the entries whose stored keys were cut. */
  readonly keyOf: (entry: StoredItem) => Uint8Array;
}

export interface PageEntry {
  /** The entry as stored (a table item, or an index entry's projected item); its size is what reading it costs. */
  readonly stored: StoredItem;
  /** The table item behind an index entry, when `fetch` asked for it. */
  readonly base?: StoredItem;
}

export interface Page {
  readonly entries: readonly PageEntry[];
  /** True when the page stopped at the limit or at 1 MB: the caller returns a LastEvaluatedKey. */
  readonly cut: boolean;
}

/** Storage entries visited by all reads of this process: lets tests show a Query reads only its key range. */
export const readStatistics = { entriesVisited: 0 };

/**
 * A bound on whole keys. A stored key orders exactly like its whole key
 * against any key of at most ORDERED_KEY_BYTES bytes; a longer bound is
 * loosened to its first ORDERED_KEY_BYTES bytes for the store, and the
 * whole key of each entry read is checked against the bound itself.
 */
interface Bound {
  readonly key: Uint8Array;
  readonly inclusive: boolean;
}

interface Bounds {
  readonly lower: Bound;
  readonly upper: Bound | undefined;
}

function wholeBounds(spec: PageSpec): Bounds {
  const { range, exclusiveStart: after, reverse } = spec;
  let lower: Bound = { key: range.start, inclusive: true };
  let upper: Bound | undefined = range.end === undefined ? undefined : { key: range.end, inclusive: false };
  if (after !== undefined && !reverse && compareBytes(after, lower.key) >= 0) lower = { key: after, inclusive: false };
  if (after !== undefined && reverse && (upper === undefined || compareBytes(after, upper.key) <= 0)) upper = { key: after, inclusive: false };
  return { lower, upper };
}

const exact = (bound: Bound | undefined) => bound === undefined || bound.key.length <= ORDERED_KEY_BYTES;

/** The store's range for whole-key bounds: exact for short bounds, widened to the ambiguous run for long ones. */
function storeRange({ lower, upper }: Bounds): { start: Uint8Array; end: Uint8Array | undefined } {
  let start: Uint8Array;
  if (!exact(lower)) start = lower.key.subarray(0, ORDERED_KEY_BYTES);
  else if (lower.inclusive) start = lower.key;
  else {
    // The smallest key above it: itself followed by a zero byte.
    start = new Uint8Array(lower.key.length + 1);
    start.set(lower.key);
  }
  const end = upper === undefined ? undefined : exact(upper) ? upper.key : prefixEnd(upper.key.subarray(0, ORDERED_KEY_BYTES));
  return { start, end };
}

function within({ lower, upper }: Bounds, key: Uint8Array): boolean {
  const low = compareBytes(key, lower.key);
  if (low < 0 || (low === 0 && !lower.inclusive)) return false;
  return upper === undefined || compareBytes(key, upper.key) < 0;
}

/** Stored keys longer than ORDERED_KEY_BYTES may be out of order among those sharing their first ORDERED_KEY_BYTES bytes. */
function ambiguous(key: Uint8Array): boolean {
  return key.length > ORDERED_KEY_BYTES;
}

function sameRun(a: Uint8Array, b: Uint8Array): boolean {
  return ambiguous(b) && compareBytes(a.subarray(0, ORDERED_KEY_BYTES), b.subarray(0, ORDERED_KEY_BYTES)) === 0;
}

/**
 * Reads one page. Entries come in whole-key order: each run of ambiguous
 * keys is sorted by the whole keys of its entries before it is taken, and
 * entries outside the whole-key bounds (read because a long bound was
 * loosened) are dropped. `fetch`, when given, names the table item behind an
 * entry (for index reads that need attributes outside the projection), read
 * in the same snapshot.
 */
export function readPage(
  storage: Storage,
  spec: PageSpec,
  fetch?: (entry: Item, tx: ReadTransaction) => StoredItem | undefined,
): Promise<Page> {
  const bounds = wholeBounds(spec);
  if (bounds.upper !== undefined && compareBytes(bounds.lower.key, bounds.upper.key) >= 0) return Promise.resolve({ entries: [], cut: false });
  const { start, end } = storeRange(bounds);
  const check = !exact(bounds.lower) || !exact(bounds.upper);
  const maxBytes = spec.maxBytes ?? MAX_PAGE_BYTES;
  // Counted in the callback and added once the read is done: a backend may run the callback more than once.
  const counted = storage.read((tx) => {
    const entries: PageEntry[] = [];
    let bytes = 0;
    let visited = 0;
    /** Takes an entry into the page; true once the page is full. */
    const take = (stored: StoredItem): boolean => {
      entries.push({ stored, base: fetch?.(stored.item, tx) });
      bytes += stored.size;
      return entries.length === spec.limit || bytes >= maxBytes;
    };
    let run: { key: Uint8Array; stored: StoredItem }[] = [];
    const takeRun = (): boolean => {
      const sorted = run.map(({ stored }) => ({ whole: spec.keyOf(stored), stored }));
      run = [];
      sorted.sort((a, b) => (spec.reverse ? compareBytes(b.whole, a.whole) : compareBytes(a.whole, b.whole)));
      return sorted.some(({ whole, stored }) => within(bounds, whole) && take(stored));
    };
    for (const { key, value } of tx.range({ start, end, reverse: spec.reverse })) {
      visited++;
      if (run.length > 0 && !sameRun(run[0]!.key, key) && takeRun()) return { entries, cut: true, visited };
      const stored = StoredItem.of(value);
      if (ambiguous(key)) run.push({ key, stored });
      else if ((!check || within(bounds, key)) && take(stored)) return { entries, cut: true, visited };
    }
    return { entries, cut: run.length > 0 && takeRun(), visited };
  });
  return counted.then(({ visited, ...page }) => {
    readStatistics.entriesVisited += visited;
    return page;
  });
}
