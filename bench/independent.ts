/**
 * The independent workload set (`--set independent`), the method issue 13's
 * table was measured with, so anyone can reproduce it: one table with a string
 * partition key `pk` and a number sort key `sk`, 20,000 items of ~200 bytes in
 * 200 partitions of 100, loaded with BatchWriteItem; PutItem, GetItem, Query of
 * 10 items, UpdateItem, BatchGetItem of 100 and BatchWriteItem of 25.
 */
import { PARTITION_ITEMS, batchGetItem, batchWriteItem, getItem, partitionQuery, putItem, tableDefinition, updateItem, type ItemTable, type Sizes, type Workload, type WorkloadSet } from './operations.js';
import { BIO, pad } from './workloads.js';

export const INDEPENDENT_TABLE = 'bench_pk_sk';
const partitionName = (p: number) => `p${pad(p, 4)}`;
const partitionKey = (i: number) => partitionName(Math.floor(i / PARTITION_ITEMS));

/** Item i: partition i / 100, sort key i % 100; 195–197 bytes by DynamoDB's rules. */
export function independentItem(i: number): string {
  return (
    `{"pk":{"S":"${partitionKey(i)}"},"sk":{"N":"${i % PARTITION_ITEMS}"},"c":{"N":"0"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada.lovelace@example.com"},` +
    `"age":{"N":"${i % 90}"},"city":{"S":"London"},"tags":{"SS":["engines","math","poetry"]},"bio":{"S":"${BIO}"}}`
  );
}

export function independentTable(partitions: number): ItemTable {
  return {
    definition: tableDefinition(INDEPENDENT_TABLE, ['pk', 'S'], ['sk', 'N']),
    count: partitions * PARTITION_ITEMS,
    item: independentItem,
    key: (i) => `{"pk":{"S":"${partitionKey(i)}"},"sk":{"N":"${i % PARTITION_ITEMS}"}}`,
  };
}

function independentWorkloads(sizes: Sizes): Workload[] {
  const table = independentTable(sizes.partitions);
  return [
    putItem(table),
    getItem(table),
    partitionQuery(
      INDEPENDENT_TABLE,
      sizes.partitions,
      (p) => `{"S":"${partitionName(p)}"}`,
      (j) => `{"N":"${j}"}`,
      'Query of 10 of the 100 items of a partition (sk BETWEEN on a number sort key)',
    ),
    updateItem(table),
    batchGetItem(table, 100),
    batchWriteItem(table, 25),
  ];
}

export const independentSet: WorkloadSet = {
  name: 'independent',
  tables: (sizes) => [independentTable(sizes.partitions)],
  workloads: independentWorkloads,
};
