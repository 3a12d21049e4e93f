/**
 * What a Query or a Scan (or a PartiQL SELECT) reads: a table's items or one
 * of its indexes' entries, with the key layout they are stored by, so that
 * every front end plans key ranges and restarts the same way.
 */
import type { Item } from '../model/attribute-value.js';
import type { KeyValue } from '../model/key-codec.js';
import type { KeyAttribute, KeySchema } from '../model/primary-key.js';
import type { ReadTransaction } from '../storage/storage.js';
import { tableIndexes } from './indexes.js';
import { itemKey } from './item-key.js';
import { layoutKey, type KeyLayout } from './key-layout.js';
import { StoredItem } from './stored-item.js';
import type { IndexRecord, TableRecord } from './table.js';

export interface IndexSource {
  readonly record: IndexRecord;
  readonly global: boolean;
  /** The attributes an index entry holds, or undefined when it holds whole items (ALL). */
  readonly projected: ReadonlySet<string> | undefined;
}

export interface ReadSource {
  readonly table: TableRecord;
  readonly tableSchema: KeySchema;
  readonly index?: IndexSource;
  /** How the entries read are keyed: their partition and sort attributes, in key schema order. */
  readonly layout: KeyLayout;
  /** The attributes of a LastEvaluatedKey: the table key, then the index key attributes not already in it. */
  readonly startKeyNames: readonly string[];
  /** The whole storage key of an entry read (see reader.ts). */
  readonly keyOf: (entry: StoredItem) => Uint8Array;
}

/** The key attributes entries of the source are ordered by: its partition attributes, then its sort attributes. */
export function sourceKeyAttributes(source: ReadSource): readonly KeyAttribute[] {
  return [...source.layout.partition, ...source.layout.sort];
}

const sources = new WeakMap<TableRecord, Map<string | undefined, ReadSource | undefined>>();

function build(table: TableRecord, indexName: string | undefined): ReadSource | undefined {
  const { tableSchema, tableLayout, byName } = tableIndexes(table);
  const tableKeyNames = [...tableLayout.partition, ...tableLayout.sort].map((attribute) => attribute.name);
  const index = indexName === undefined ? undefined : byName.get(indexName);
  if (indexName !== undefined && index === undefined) return undefined;
  const layout = index?.layout ?? tableLayout;
  const indexKeyNames = [...layout.partition, ...layout.sort].map((attribute) => attribute.name);
  return {
    table,
    tableSchema,
    ...(index === undefined ? {} : { index: { record: index.record, global: !index.local, projected: index.projected } }),
    layout,
    startKeyNames: [...tableKeyNames, ...indexKeyNames.filter((name) => !tableKeyNames.includes(name))],
    keyOf: (entry) => layoutKey(layout, entry.item),
  };
}

/** The table, or its index `indexName`; undefined when the table has no such index. Resolved once per table version. */
export function readSource(table: TableRecord, indexName?: string): ReadSource | undefined {
  let byIndex = sources.get(table);
  if (byIndex === undefined) sources.set(table, (byIndex = new Map()));
  if (byIndex.has(indexName)) return byIndex.get(indexName);
  const source = build(table, indexName);
  byIndex.set(indexName, source);
  return source;
}

/** The whole storage key of the entry an item (or an ExclusiveStartKey holding every key attribute) stands for. */
export function entryKey(source: ReadSource, item: Item): Uint8Array {
  return layoutKey(source.layout, item);
}

/** The function the reader calls to read the table item behind an index entry. */
export function tableItemFetcher(source: ReadSource): (entry: Item, tx: ReadTransaction) => StoredItem | undefined {
  const { hash, range } = source.tableSchema;
  return (entry, tx) => {
    const key = { hash: entry[hash.name] as KeyValue, ...(range === undefined ? {} : { range: entry[range.name] as KeyValue }) };
    const bytes = tx.get(itemKey(source.table.id, key));
    return bytes === undefined ? undefined : StoredItem.of(bytes);
  };
}
