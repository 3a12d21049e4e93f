/**
 * Secondary index entries: what an item contributes to each local and global
 * index of its table, the checks DynamoDB makes on index key values, and
 * keeping entries and index counters in step with an item inside the item's
 * own write transaction.
 *
 * Entry key (the contract Query and Scan read by):
 *   fitKey(encodeStorageKey(indexPrefix(index.id), indexHash, [indexRange?, tableHash, tableRange?]))
 * Entry value: the projected item, stored as items are (stored-item.ts; table
 * and index key attributes always included; ALL: the whole item). An item
 * without one of the index key attributes, or with one of another type, has
 * no entry.
 */
import type { Item } from '../model/attribute-value.js';
import { itemSize } from '../model/item-size.js';
import { encodeStorageKey, type KeyValue } from '../model/key-codec.js';
import type { KeyAttribute, KeySchema } from '../model/primary-key.js';
import { validation } from '../protocol/errors.js';
import type { WriteTransaction } from '../storage/storage.js';
import { addCounters } from './counters.js';
import { fitKey, indexPrefix, indexStatsKey } from './keyspace.js';
import { keySchemaOf, type IndexRecord, type TableRecord } from './table.js';
import { encodeStored } from './stored-item.js';

export interface IndexDefinition {
  readonly record: IndexRecord;
  readonly local: boolean;
  /** The index's key schema resolved to names and types. */
  readonly schema: KeySchema;
  readonly prefix: Uint8Array;
  /** Attribute names an entry keeps; undefined for ALL. */
  readonly projected: ReadonlySet<string> | undefined;
}

export interface TableIndexes {
  readonly tableSchema: KeySchema;
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

function attributeNames(schema: KeySchema): string[] {
  return schema.range === undefined ? [schema.hash.name] : [schema.hash.name, schema.range.name];
}

function define(table: TableRecord, tableSchema: KeySchema, record: IndexRecord, local: boolean): IndexDefinition {
  const schema = keySchemaOf(record.KeySchema, table.AttributeDefinitions);
  const { ProjectionType, NonKeyAttributes } = record.Projection;
  const projected =
    ProjectionType === 'ALL'
      ? undefined
      : new Set([...attributeNames(tableSchema), ...attributeNames(schema), ...(ProjectionType === 'INCLUDE' ? (NonKeyAttributes ?? []) : [])]);
  return { record, local, schema, prefix: indexPrefix(record.id), projected };
}

/** The table's indexes resolved once per table version. */
export function tableIndexes(table: TableRecord): TableIndexes {
  let resolved = cache.get(table);
  if (resolved === undefined) {
    const tableSchema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
    const maintained = [
      ...table.LocalSecondaryIndexes.map((record) => define(table, tableSchema, record, true)),
      ...table.GlobalSecondaryIndexes.filter((record) => record.IndexStatus !== 'DELETING').map((record) =>
        define(table, tableSchema, record, false),
      ),
    ];
    cache.set(table, (resolved = { tableSchema, maintained }));
  }
  return resolved;
}

/** The value of a key attribute if it can be indexed: present, of the defined type, not empty. */
function indexableValue(item: Item, attribute: KeyAttribute): KeyValue | undefined {
  const value = item[attribute.name] as Record<string, unknown> | undefined;
  if (value === undefined) return undefined;
  const payload = value[attribute.type];
  if (typeof payload !== 'string' || payload === '') return undefined;
  return value as KeyValue;
}

function project(item: Item, names: ReadonlySet<string> | undefined): Item {
  if (names === undefined) return item;
  const out: Item = {};
  for (const name in item) if (names.has(name)) out[name] = item[name]!;
  return out;
}

/** The entry `item` has in `index`, or undefined when the index does not hold it (sparse). */
export function indexEntry(tableSchema: KeySchema, index: IndexDefinition, item: Item): IndexEntry | undefined {
  const hash = indexableValue(item, index.schema.hash);
  if (hash === undefined) return undefined;
  const sortParts: KeyValue[] = [];
  if (index.schema.range !== undefined) {
    const range = indexableValue(item, index.schema.range);
    if (range === undefined) return undefined;
    sortParts.push(range);
  }
  sortParts.push(item[tableSchema.hash.name] as KeyValue);
  if (tableSchema.range !== undefined) sortParts.push(item[tableSchema.range.name] as KeyValue);
  const projected = project(item, index.projected);
  return {
    key: fitKey(encodeStorageKey(index.prefix, hash, sortParts)),
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
export function maintainIndexes(tx: WriteTransaction, table: TableRecord, old: Item | undefined, next: Item | undefined): IndexMaintenance {
  const { tableSchema, maintained } = tableIndexes(table);
  let localGrowth = 0;
  const writes: IndexWrite[] = [];
  for (const index of maintained) {
    const before = old === undefined ? undefined : indexEntry(tableSchema, index, old);
    const after = next === undefined ? undefined : indexEntry(tableSchema, index, next);
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
    addCounters(tx, indexStatsKey(index.record.id), count, size);
    if (index.local) localGrowth += size;
    writes.push({ index: index.record, local: index.local, entrySizes });
  }
  return { localGrowth, writes };
}

/**
 * Writes the entry of one existing item into an index being backfilled,
 * unless a write already put it there. Returns the entry written, if any.
 */
export function backfillEntry(tx: WriteTransaction, table: TableRecord, index: IndexDefinition, item: Item): IndexEntry | undefined {
  const entry = indexEntry(tableIndexes(table).tableSchema, index, item);
  if (entry === undefined || tx.get(entry.key) !== undefined) return undefined;
  tx.put(entry.key, encodeStored(entry.text, entry.size));
  return entry;
}

// ---------------------------------------------------------------- validation

const INVALID = 'One or more parameter values were invalid: ';
const NOT_VALID = 'One or more parameter values are not valid. ';

interface Violation {
  readonly indexName: string;
  readonly message: string;
}

function emptyKind(value: Readonly<Record<string, unknown>>, type: string): 'string' | 'binary' | undefined {
  if (value[type] !== '') return undefined;
  return type === 'S' ? 'string' : type === 'B' ? 'binary' : undefined;
}

function violationOf(value: Readonly<Record<string, unknown>>, attribute: KeyAttribute, indexName: string, fromUpdate: boolean): Violation | undefined {
  const actual = Object.keys(value)[0] ?? '';
  if (actual !== attribute.type) {
    return {
      indexName,
      message: `${INVALID}Type mismatch for Index Key ${attribute.name} Expected: ${attribute.type} Actual: ${actual} IndexName: ${indexName}`,
    };
  }
  const empty = emptyKind(value, attribute.type);
  if (empty === undefined) return undefined;
  return {
    indexName,
    message: fromUpdate
      ? `${NOT_VALID}The update expression attempted to update a secondary index key to a value that is not supported. ` +
        `The AttributeValue for a key attribute cannot contain an empty ${empty} value.`
      : `${NOT_VALID}A value specified for a secondary index key is not supported. ` +
        `The AttributeValue for a key attribute cannot contain an empty ${empty} value. IndexName: ${indexName}, IndexKey: ${attribute.name}`,
  };
}

/**
 * Refuses an item whose index key attribute has another type than its
 * attribute definition, or is an empty string or binary, as DynamoDB does
 * for PutItem, UpdateItem and batch and transactional writes. With `before`
 * (an update), only attributes the update changed are checked, so an item
 * written before a global index existed can still be updated. When several
 * indexes object, DynamoDB names the first by index name. The table's own key
 * attributes are checked by the primary-key rules and skipped here.
 */
export function checkIndexKeys(table: TableRecord, item: Item, before?: Item): void {
  const { tableSchema, maintained } = tableIndexes(table);
  const tableKeys = attributeNames(tableSchema);
  let first: Violation | undefined;
  for (const index of maintained) {
    for (const attribute of [index.schema.hash, index.schema.range]) {
      if (attribute === undefined || tableKeys.includes(attribute.name)) continue;
      const value = item[attribute.name];
      if (value === undefined) continue;
      if (before !== undefined && JSON.stringify(before[attribute.name]) === JSON.stringify(value)) continue;
      const violation = violationOf(value as Readonly<Record<string, unknown>>, attribute, index.record.IndexName, before !== undefined);
      if (violation !== undefined && (first === undefined || violation.indexName < first.indexName)) first = violation;
    }
  }
  if (first !== undefined) throw validation(first.message);
}
