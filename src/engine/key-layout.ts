/**
 * Storage keys of table items and index entries, and the key ranges Query
 * (and PartiQL's SELECT) read. Items and entries share one layout:
 *
 *   prefix | h32(P) | P' | enc(sort 1) ... enc(sort n) | T'
 *
 * - P is the partition: the encodings (model/key-codec.ts) of the partition
 *   attributes' values: the table's hash key, or up to four attributes of a
 *   multi-attribute GSI key. h32 in front spreads partitions (scan order,
 *   parallel-scan segments). P' is P, or a digest of P once P is longer than
 *   PARTITION_INLINE_BYTES: a partition is only ever matched whole, so its
 *   bytes need no order, and a 2 KB partition key would otherwise leave no
 *   room for its sort key under the store's key limit.
 * - The sort parts keep DynamoDB's order: each encoding is order-preserving
 *   and self-delimiting, so a tuple of them sorts attribute by attribute,
 *   which is how a multi-attribute sort key sorts.
 * - T' keeps apart the entries of an index with equal index keys: the table
 *   key (GSI) or the table's sort key (LSI; the partition is the table's).
 *   It only needs to be unique, so it too is a digest past SUFFIX_INLINE_BYTES.
 *
 * A key still longer than the store allows (a sort key of many NUL bytes) is
 * cut by fitKey (keyspace.ts); the reader restores the order such keys lose.
 */
import { createHash } from 'node:crypto';
import type { Item } from '../model/attribute-value.js';
import { encodeKeyPart, hash32, prefixEnd, type KeyRange, type KeyValue } from '../model/key-codec.js';
import type { KeyAttribute } from '../model/primary-key.js';
import { own } from '../model/own-property.js';

export interface KeyLayout {
  /** Every key of the table's items, or of one index's entries, starts with this. */
  readonly prefix: Uint8Array;
  readonly partition: readonly KeyAttribute[];
  readonly sort: readonly KeyAttribute[];
  /** The table key attributes an index entry ends with (none for the table itself). */
  readonly suffix: readonly KeyAttribute[];
}

/** A sort-key condition a key range can serve, on the last sort attribute a Query names. */
export interface SortCondition {
  readonly operator: 'EQ' | 'LT' | 'LE' | 'GT' | 'GE' | 'BETWEEN' | 'BEGINS_WITH';
  readonly values: readonly KeyValue[];
}

const PARTITION_INLINE_BYTES = 256;
const SUFFIX_INLINE_BYTES = 64;
/** Follows key-codec's type bytes (0x01..0x05), so a digest never equals an inline encoding. */
const DIGESTED = 0x06;
const DIGEST_BYTES = 16;

function inlineOrDigest(encoded: Uint8Array, limit: number): Uint8Array {
  if (encoded.length <= limit) return encoded;
  const out = Buffer.allocUnsafe(1 + DIGEST_BYTES);
  out[0] = DIGESTED;
  createHash('sha256').update(encoded).digest().copy(out, 1, 0, DIGEST_BYTES);
  return out;
}

function encodeAll(values: readonly KeyValue[]): Uint8Array {
  return values.length === 1 ? encodeKeyPart(values[0]!) : Buffer.concat(values.map(encodeKeyPart));
}

/** `prefix | h32(P) | P'`: the bytes every key of one partition starts with. */
export function partitionStart(prefix: Uint8Array, values: readonly KeyValue[]): Uint8Array {
  const encoded = encodeAll(values);
  const part = inlineOrDigest(encoded, PARTITION_INLINE_BYTES);
  const out = Buffer.allocUnsafe(prefix.length + 4 + part.length);
  out.set(prefix, 0);
  out.writeUInt32BE(hash32(encoded), prefix.length);
  out.set(part, prefix.length + 4);
  return out;
}

/** A table item's key from its key values (the hot path of every single-item operation). */
export function tableKey(prefix: Uint8Array, hash: KeyValue, range: KeyValue | undefined): Uint8Array {
  const start = partitionStart(prefix, [hash]);
  return range === undefined ? start : Buffer.concat([start, encodeKeyPart(range)]);
}

function valuesOf(item: Item, attributes: readonly KeyAttribute[]): KeyValue[] {
  return attributes.map((attribute) => own(item, attribute.name) as KeyValue);
}

/**
 * The whole (uncut) storage key of the item or entry `item` stands for; it
 * must hold every key attribute of the layout with its type.
 */
export function layoutKey(layout: KeyLayout, item: Item): Uint8Array {
  const parts = [partitionStart(layout.prefix, valuesOf(item, layout.partition))];
  for (const attribute of layout.sort) parts.push(encodeKeyPart(own(item, attribute.name) as KeyValue));
  if (layout.suffix.length > 0) parts.push(inlineOrDigest(encodeAll(valuesOf(item, layout.suffix)), SUFFIX_INLINE_BYTES));
  return Buffer.concat(parts);
}

/**
 * The key range of one partition, narrowed by equalities on the first sort
 * attributes and a condition on the next one: exactly the keys a Query with
 * those key conditions selects.
 */
export function keyRange(
  layout: KeyLayout,
  partition: readonly KeyValue[],
  equalities: readonly KeyValue[] = [],
  last?: SortCondition,
): KeyRange {
  const base = Buffer.concat([partitionStart(layout.prefix, partition), ...equalities.map(encodeKeyPart)]);
  const whole: KeyRange = { start: base, end: prefixEnd(base) };
  if (last === undefined) return whole;
  const [first, second] = last.values as [KeyValue, KeyValue];
  const at = (value: KeyValue) => Buffer.concat([base, encodeKeyPart(value)]);
  const after = (value: KeyValue) => prefixEnd(at(value));
  switch (last.operator) {
    case 'EQ':
      return { start: at(first), end: after(first) };
    case 'LT':
      return { start: whole.start, end: at(first) };
    case 'LE':
      return { start: whole.start, end: after(first) };
    case 'GT':
      return { start: after(first) ?? whole.start, end: whole.end };
    case 'GE':
      return { start: at(first), end: whole.end };
    case 'BETWEEN':
      return { start: at(first), end: after(second) };
    case 'BEGINS_WITH': {
      // An encoded string or binary ends in its 2-byte terminator; without it, it prefixes every longer value.
      const encoded = encodeKeyPart(first);
      const start = Buffer.concat([base, encoded.subarray(0, encoded.length - 2)]);
      return { start, end: prefixEnd(start) };
    }
  }
}
