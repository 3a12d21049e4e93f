/**
 * The standard workload set: a key-value table that the single-item
 * operations and the batches address, and a table of 100-item partitions with
 * a global secondary index for Query and Scan. Items are ~200 bytes by
 * DynamoDB's size rules.
 */
import {
  batchGetItem,
  batchWriteItem,
  expectCount,
  getItem,
  PARTITION_ITEMS,
  partitionQuery,
  putItem,
  rangeQuery,
  tableDefinition,
  transactWriteItems,
  updateItem,
  type ItemTable,
  type Sizes,
  type Workload,
  type WorkloadSet,
} from './operations.js';

export type { Sizes, Workload } from './operations.js';

export const KV_TABLE = 'bench_kv';
export const COLLECTION_TABLE = 'bench_coll';
export const BIG_TABLE = 'bench_big';
export const GROUP_INDEX = 'by_group';
/** Items per partition of the collection table: a Query reads 10 of them. */
export const PER_PARTITION = PARTITION_ITEMS;

export const BIO = 'Analyst and writer; notes on the engine describe what it could compute. '.padEnd(100, '.');
export const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const kvKey = (i: number) => `k${pad(i, 7)}`;

export function kvItem(i: number): string {
  return (
    `{"pk":{"S":"${kvKey(i)}"},"c":{"N":"0"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada.lovelace@example.com"},` +
    `"age":{"N":"${i % 90}"},"city":{"S":"London"},"tags":{"SS":["engines","math","poetry"]},"bio":{"S":"${BIO}"}}`
  );
}

/** Item `j` of partition `p`; the index groups item `j` of every partition. */
export function collectionItem(p: number, j: number): string {
  return (
    `{"pk":{"S":"p${pad(p, 4)}"},"sk":{"S":"s${pad(j, 3)}"},"gpk":{"S":"g${pad(j, 3)}"},"gsk":{"S":"p${pad(p, 4)}"},` +
    `"name":{"S":"Ada Lovelace"},"age":{"N":"${(p + j) % 90}"},"city":{"S":"London"},"bio":{"S":"${BIO}"}}`
  );
}

/** A hash-key-only table of `count` items of kvItem's shape. */
export function kvTable(name: string, count: number): ItemTable {
  return { definition: tableDefinition(name, ['pk', 'S']), count, item: kvItem, key: (i) => `{"pk":{"S":"${kvKey(i)}"}}` };
}

export function collectionTable(partitions: number): ItemTable {
  const index = {
    IndexName: GROUP_INDEX,
    KeySchema: [
      { AttributeName: 'gpk', KeyType: 'HASH' },
      { AttributeName: 'gsk', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  };
  return {
    definition: tableDefinition(COLLECTION_TABLE, ['pk', 'S'], ['sk', 'S'], { attributes: [['gpk', 'S'], ['gsk', 'S']], global: [index] }),
    count: partitions * PER_PARTITION,
    item: (i) => collectionItem(Math.floor(i / PER_PARTITION), i % PER_PARTITION),
    key: (i) => `{"pk":{"S":"p${pad(Math.floor(i / PER_PARTITION), 4)}"},"sk":{"S":"s${pad(i % PER_PARTITION, 3)}"}}`,
  };
}

export function workloads(sizes: Sizes): Workload[] {
  const kv = kvTable(KV_TABLE, sizes.kvItems);
  return [
    putItem(kv),
    getItem(kv),
    partitionQuery(
      COLLECTION_TABLE,
      sizes.partitions,
      (p) => `{"S":"p${pad(p, 4)}"}`,
      (j) => `{"S":"s${pad(j, 3)}"}`,
      'Query of 10 of the 100 items of a partition (sk BETWEEN)',
    ),
    rangeQuery({
      name: 'QueryIndex',
      description: `Query of 10 items on a global secondary index (${GROUP_INDEX})`,
      table: COLLECTION_TABLE,
      index: GROUP_INDEX,
      condition: 'gpk = :g AND gsk BETWEEN :a AND :b',
      values: (random) => {
        const from = random(sizes.partitions - 9);
        return `{":g":{"S":"g${pad(random(PER_PARTITION), 3)}"},":a":{"S":"p${pad(from, 4)}"},":b":{"S":"p${pad(from + 9, 4)}"}}`;
      },
      count: 10,
    }),
    updateItem(kv),
    batchWriteItem(kv, 25),
    batchGetItem(kv, 100),
    {
      name: 'Scan',
      description: 'Scan of one page of 100 items',
      table: COLLECTION_TABLE,
      next: () => ({ operation: 'Scan', payload: `{"TableName":"${COLLECTION_TABLE}","Limit":100}` }),
      check: expectCount(100),
    },
    transactWriteItems(kv, 4),
  ];
}

export const standardSet: WorkloadSet = {
  name: 'standard',
  tables: (sizes) => [kvTable(KV_TABLE, sizes.kvItems), collectionTable(sizes.partitions)],
  workloads,
};

/** The large-table phase: GetItem on `bench_big` while it holds `kvItems` items. */
export const scaleSet: WorkloadSet = {
  name: 'scale',
  tables: (sizes) => [kvTable(BIG_TABLE, sizes.kvItems)],
  workloads: (sizes) => [getItem(kvTable(BIG_TABLE, sizes.kvItems))],
};
