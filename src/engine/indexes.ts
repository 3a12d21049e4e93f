/**
 * Secondary index entries: what an item contributes to each local and global
 * index of its table, the checks DynamoDB makes on index key values, and
 * keeping entries and index counters in step with an item inside the item's
 * own write transaction.
 *
 * Entry key (the contract Query and Scan read by): the index's KeyLayout
 * (key-layout.ts): the index's partition attributes (the table's hash key for
 * an LSI, one to four attributes for a GSI), its sort attributes (zero to
 * four), then the table key. Entry value: the projected item, stored as items
 * are (stored-item.ts; table and index key attributes always included; ALL:
 * the whole item). An item lacking one of the index key attributes, holding
 * one with another type, or one beyond DynamoDB's key size limits, has no
 * entry (a sparse index).
 */
import type { Item } from '../model/attribute-value.js';
import { attributeValueSize, itemSize } from '../model/item-size.js';
import type { KeyValue } from '../model/key-codec.js';
import { MAX_HASH_KEY_BYTES, MAX_RANGE_KEY_BYTES, type KeyAttribute, type KeySchema } from '../model/primary-key.js';
import { validation } from '../protocol/errors.js';
import type { WriteTransaction } from '../storage/storage.js';
import { addSpreadCounters } from './counters.js';
import { layoutKey, type KeyLayout } from './key-layout.js';
import { cachedItemPrefix } from './item-key.js';
import { fitKey, indexPrefix, indexStatsKey } from './keyspace.js';
import { keyPartsOf, keySchemaOf, type IndexRecord, type TableRecord } from './table.js';
import { encodeStored } from './stored-item.js';
import { own, setOwn } from '../model/own-property.js';

export interface IndexDefinition {
  readonly record: IndexRecord;
  readonly local: boolean;
  /** The index's key attributes resolved to names and types, and how its entries are keyed. */
  readonly layout: KeyLayout;
  /** Attribute names an entry keeps; undefined for ALL. */
  readonly projected: ReadonlySet<string> | undefined;
}

export interface TableIndexes {
  readonly tableSchema: KeySchema;
  /** How the table's own items are keyed. */
  readonly tableLayout: KeyLayout;
  /** Every index of the table by name, including GSIs being deleted. */
  readonly byName: ReadonlyMap<string, IndexDefinition>;
  /** Indexes whose entries are maintained: every LSI and GSI except those being deleted. */
  readonly maintained: readonly IndexDefinition[];
}

export interface IndexEntry {
  readonly key: Uint8Array;
  readonly text: string;
  /** The projected item's size as DynamoDB counts item sizes. */
  readonly size: number;
}

const cache = new WeakMap<TableRecord, TableIndexes>();

function tableKeyAttributes(schema: KeySchema): KeyAttribute[] {
  return schema.range === undefined ? [schema.hash] : [schema.hash, schema.range];
}

function define(table: TableRecord, tableSchema: KeySchema, record: IndexRecord, local: boolean): IndexDefinition {
  const { partition, sort } = keyPartsOf(record.KeySchema, table.AttributeDefinitions);
  const tableKeys = tableKeyAttributes(tableSchema);
  const { ProjectionType, NonKeyAttributes } = record.Projection;
  const projected =
    ProjectionType === 'ALL'
      ? undefined
      : new Set([...[...tableKeys, ...partition, ...sort].map((attribute) => attribute.name), ...(ProjectionType === 'INCLUDE' ? (NonKeyAttributes ?? []) : [])]);
  const layout: KeyLayout = { prefix: indexPrefix(record.id), partition, sort, suffix: local ? tableKeys.slice(1) : tableKeys };
  return { record, local, layout, projected };
}

/** The table's indexes resolved once per table version. */
export function tableIndexes(table: TableRecord): TableIndexes {
  let resolved = cache.get(table);
  if (resolved === undefined) {
    const tableSchema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
    const tableLayout: KeyLayout = {
      prefix: cachedItemPrefix(table.id),
      partition: [tableSchema.hash],
      sort: tableSchema.range === undefined ? [] : [tableSchema.range],
      suffix: [],
    };
    const locals = table.LocalSecondaryIndexes.map((record) => define(table, tableSchema, record, true));
    const globals = table.GlobalSecondaryIndexes.map((record) => define(table, tableSchema, record, false));
    const maintained = [...locals, ...globals.filter((index) => index.record.IndexStatus !== 'DELETING')];
    const byName = new Map([...locals, ...globals].map((index) => [index.record.IndexName, index]));
    cache.set(table, (resolved = { tableSchema, tableLayout, byName, maintained }));
  }
  return resolved;
}

// ------------------------------------------------------------ key values

const INVALID = 'One or more parameter values were invalid: ';
const NOT_VALID = 'One or more parameter values are not valid. ';

/** An index key's size limits: a partition's attributes together, and a sort key's, as a table's keys. */
const LIMITS = { HASH: MAX_HASH_KEY_BYTES, RANGE: MAX_RANGE_KEY_BYTES } as const;

type KeyRole = keyof typeof LIMITS;

function keyValueSize(value: KeyValue): number {
  return attributeValueSize(value);
}

/** Why an index key value cannot be indexed, as DynamoDB words it; undefined when it can. */
function valueFault(value: Readonly<Record<string, unknown>>, attribute: KeyAttribute, role: KeyRole, indexName: string, fromUpdate: boolean): string | undefined {
  const actual = Object.keys(value)[0] ?? '';
  if (actual !== attribute.type) {
    return `${INVALID}Type mismatch for Index Key ${attribute.name} Expected: ${attribute.type} Actual: ${actual} IndexName: ${indexName}`;
  }
  if (value[attribute.type] === '' && attribute.type !== 'N') {
    const kind = attribute.type === 'S' ? 'string' : 'binary';
    return fromUpdate
      ? `${NOT_VALID}The update expression attempted to update a secondary index key to a value that is not supported. ` +
          `The AttributeValue for a key attribute cannot contain an empty ${kind} value.`
      : `${NOT_VALID}A value specified for a secondary index key is not supported. ` +
          `The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${indexName}, IndexKey: ${attribute.name}`;
  }
  const size = keyValueSize(value as KeyValue);
  if (size > LIMITS[role]) {
    // Recorded from live DynamoDB (dynalite issue #35, and users' reports quoting its response).
    return `${INVALID}Size limit exceeded for Index Key ${attribute.name} Actual Size: ${size} bytes Max Size: ${LIMITS[role]} bytes IndexName: ${indexName}`;
  }
  return undefined;
}

/**
 * A multi-attribute key's attributes together are held to one attribute's
 * limit. The wording is DynamoDB Local 3.3.1's (no live response recorded).
 */
function aggregateFault(item: Item, attributes: readonly KeyAttribute[], role: KeyRole, indexName: string): string | undefined {
  if (attributes.length < 2) return undefined;
  let size = 0;
  for (const attribute of attributes) size += keyValueSize(item[attribute.name] as KeyValue);
  if (size <= LIMITS[role]) return undefined;
  const names = attributes.map((attribute) => attribute.name).join(', ');
  return `Aggregate size for ${role} key attributes ${names} of index ${indexName} has exceeded limit ${LIMITS[role]} bytes, with actual size ${size} bytes`;
}

function keyRoles(layout: KeyLayout): [KeyRole, readonly KeyAttribute[]][] {
  return [
    ['HASH', layout.partition],
    ['RANGE', layout.sort],
  ];
}

/** Whether the item has an entry in the index: every key attribute present, of its type, not empty, within the size limits. */
function indexable(item: Item, index: IndexDefinition): boolean {
  for (const [role, attributes] of keyRoles(index.layout)) {
    for (const attribute of attributes) {
      const value = own(item, attribute.name) as Readonly<Record<string, unknown>> | undefined;
      if (value === undefined || valueFault(value, attribute, role, '', false) !== undefined) return false;
    }
    if (aggregateFault(item, attributes, role, '') !== undefined) return false;
  }
  return true;
}

function project(item: Item, names: ReadonlySet<string> | undefined): Item {
  if (names === undefined) return item;
  const out: Item = {};
  for (const name in item) if (names.has(name)) setOwn(out, name, item[name]!);
  return out;
}

/** The entry `item` has in `index`, or undefined when the index does not hold it (sparse). */
export function indexEntry(index: IndexDefinition, item: Item): IndexEntry | undefined {
  if (!indexable(item, index)) return undefined;
  const projected = project(item, index.projected);
  return {
    key: fitKey(layoutKey(index.layout, item)),
    text: JSON.stringify(projected),
    size: itemSize(projected),
  };
}

/** The entries one item write put into or deleted from one index. */
export interface IndexWrite {
  readonly index: IndexRecord;
  readonly local: boolean;
  /** The projected size of each entry written: an entry moved to another key is a delete and a put. */
  readonly entrySizes: readonly number[];
}

export interface IndexMaintenance {
  /** How many bytes the table's local index entries grew by, for the item collection's size. */
  readonly localGrowth: number;
  readonly writes: readonly IndexWrite[];
}

/**
 * Moves the item's entries in every maintained index from `old` to `next`
 * (either may be undefined) and keeps each index's counters. An old entry is
 * only removed (and counted off) if it is stored: an index still being
 * backfilled may not hold it yet. An entry rewritten in place under the same
 * key is one write; an entry whose projection is unchanged is none.
 */
/** `slot`: the counters' slot the item's write adds to (see counters.ts). */
export function maintainIndexes(tx: WriteTransaction, table: TableRecord, old: Item | undefined, next: Item | undefined, slot?: number): IndexMaintenance {
  const { maintained } = tableIndexes(table);
  let localGrowth = 0;
  const writes: IndexWrite[] = [];
  for (const index of maintained) {
    const before = old === undefined ? undefined : indexEntry(index, old);
    const after = next === undefined ? undefined : indexEntry(index, next);
    if (before === undefined && after === undefined) continue;
    const sameKey = before !== undefined && after !== undefined && Buffer.compare(before.key, after.key) === 0;
    if (sameKey && before.text === after.text) continue;
    let count = 0;
    let size = 0;
    const entrySizes: number[] = [];
    if (before !== undefined && tx.get(before.key) !== undefined) {
      if (!sameKey) {
        tx.delete(before.key);
        entrySizes.push(before.size);
      }
      count -= 1;
      size -= before.size;
    }
    if (after !== undefined) {
      tx.put(after.key, encodeStored(after.text, after.size));
      entrySizes.push(after.size);
      count += 1;
      size += after.size;
    }
    addSpreadCounters(tx, indexStatsKey(index.record.id), slot, count, size);
    if (index.local) localGrowth += size;
    writes.push({ index: index.record, local: index.local, entrySizes });
  }
  return { localGrowth, writes };
}

/**
 * Writes the entry of one existing item into an index being backfilled,
 * unless a write already put it there. Returns the entry written, if any.
 */
export function backfillEntry(tx: WriteTransaction, index: IndexDefinition, item: Item): IndexEntry | undefined {
  const entry = indexEntry(index, item);
  if (entry === undefined || tx.get(entry.key) !== undefined) return undefined;
  tx.put(entry.key, encodeStored(entry.text, entry.size));
  return entry;
}

// ---------------------------------------------------------------- validation

interface Violation {
  readonly indexName: string;
  readonly message: string;
}

function changed(item: Item, before: Item | undefined, attributes: readonly KeyAttribute[]): boolean {
  return before === undefined || attributes.some((attribute) => JSON.stringify(own(before, attribute.name)) !== JSON.stringify(own(item, attribute.name)));
}

/** The first fault of the index's key values in the item, attribute by attribute, then each key's total size. */
function indexViolation(index: IndexDefinition, item: Item, before: Item | undefined, tableKeys: readonly string[]): string | undefined {
  const indexName = index.record.IndexName;
  for (const [role, attributes] of keyRoles(index.layout)) {
    for (const attribute of attributes) {
      const value = own(item, attribute.name);
      if (value === undefined || !changed(item, before, [attribute])) continue;
      const fault = valueFault(value as Readonly<Record<string, unknown>>, attribute, role, indexName, before !== undefined);
      // The table's own key attributes have had the primary-key checks; only an index's tighter size limit can still refuse them.
      if (fault !== undefined && (!tableKeys.includes(attribute.name) || fault.includes('Size limit exceeded'))) return fault;
    }
  }
  for (const [role, attributes] of keyRoles(index.layout)) {
    if (attributes.some((attribute) => own(item, attribute.name) === undefined) || !changed(item, before, attributes)) continue;
    const fault = aggregateFault(item, attributes, role, indexName);
    if (fault !== undefined) return fault;
  }
  return undefined;
}

/**
 * Refuses an item whose index key attribute has another type than its
 * attribute definition, is an empty string or binary, or is longer than an
 * index key may be, as DynamoDB does for PutItem, UpdateItem and batch and
 * transactional writes. With `before` (an update), only attributes the
 * update changed are checked, so an item written before a global index
 * existed can still be updated. When several indexes object, DynamoDB names
 * the first by index name.
 */
export function checkIndexKeys(table: TableRecord, item: Item, before?: Item): void {
  const { tableSchema, maintained } = tableIndexes(table);
  const tableKeys = tableKeyAttributes(tableSchema).map((attribute) => attribute.name);
  let first: Violation | undefined;
  for (const index of maintained) {
    const message = indexViolation(index, item, before, tableKeys);
    if (message !== undefined && (first === undefined || index.record.IndexName < first.indexName)) {
      first = { indexName: index.record.IndexName, message };
    }
  }
  if (first !== undefined) throw validation(first.message);
}
