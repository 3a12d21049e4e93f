/**
 * Reading one page of a Query or Scan: the entries (base items or index
 * entries) of one storage key range, in key order or reversed, after an
 * exclusive start key, up to a count limit and DynamoDB's 1 MB page limit,
 * all from one snapshot. The page limit is measured on what was read, before
 * any filter, and the entry that reaches it is still part of the page.
 */
import type { Item } from '../model/attribute-value.js';
import { prefixEnd, type KeyRange } from '../model/key-codec.js';
import { MAX_KEY_BYTES } from '../storage/bytes.js';
import type { ReadTransaction, Storage } from '../storage/storage.js';
import { StoredItem } from './stored-item.js';

export const MAX_PAGE_BYTES = 1024 * 1024;

export interface PageSpec {
  readonly range: KeyRange;
  /** The storage key of the last entry of the previous page. */
  readonly exclusiveStart?: Uint8Array;
  readonly reverse: boolean;
  readonly limit?: number;
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

/** The smallest key above `key`. */
function successor(key: Uint8Array): Uint8Array | undefined {
  if (key.length >= MAX_KEY_BYTES) return prefixEnd(key);
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

function maxKey(a: Uint8Array, b: Uint8Array | undefined): Uint8Array {
  return b !== undefined && Buffer.compare(b, a) > 0 ? b : a;
}

function minKey(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  return a === undefined || Buffer.compare(b, a) < 0 ? b : a;
}

/**
 * Bounds may be longer than a storage key can be (long key values): a
 * shortened start still lies below every key in range, and the end of a
 * shortened end's prefix still lies above.
 */
function fitBounds(start: Uint8Array, end: Uint8Array | undefined): { start: Uint8Array; end: Uint8Array | undefined } {
  const fittedStart = start.length > MAX_KEY_BYTES ? start.subarray(0, MAX_KEY_BYTES) : start;
  const fittedEnd = end !== undefined && end.length > MAX_KEY_BYTES ? prefixEnd(end.subarray(0, MAX_KEY_BYTES)) : end;
  return { start: fittedStart, end: fittedEnd };
}

function bounds(spec: PageSpec): { start: Uint8Array; end: Uint8Array | undefined } {
  const { range, exclusiveStart } = spec;
  if (exclusiveStart === undefined) return fitBounds(range.start, range.end);
  if (spec.reverse) return fitBounds(range.start, minKey(range.end, exclusiveStart));
  const after = successor(exclusiveStart);
  // Nothing follows the very last key of the keyspace.
  if (after === undefined) return { start: range.start, end: range.start };
  return fitBounds(maxKey(range.start, after), range.end);
}

/**
 * Reads one page. `fetch`, when given, names the table item behind an entry
 * (for index reads that need attributes outside the projection), read in the
 * same snapshot.
 */
export function readPage(
  storage: Storage,
  spec: PageSpec,
  fetch?: (entry: Item, tx: ReadTransaction) => StoredItem | undefined,
): Promise<Page> {
  const { start, end } = bounds(spec);
  if (end !== undefined && Buffer.compare(start, end) >= 0) return Promise.resolve({ entries: [], cut: false });
  return storage.read((tx) => {
    const entries: PageEntry[] = [];
    let bytes = 0;
    for (const { value } of tx.range({ start, end, reverse: spec.reverse })) {
      readStatistics.entriesVisited++;
      const stored = StoredItem.of(value);
      entries.push({ stored, base: fetch?.(stored.item, tx) });
      bytes += stored.size;
      if (entries.length === spec.limit || bytes >= MAX_PAGE_BYTES) return { entries, cut: true };
    }
    return { entries, cut: false };
  });
}
