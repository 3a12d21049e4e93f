/**
 * The requests workloads are made of, written once for any table whose items
 * are numbered: each workload set (workloads.ts, independent.ts) runs the same
 * PutItem, GetItem, UpdateItem and batches on a table of its own. Request
 * bodies are built as text so the load generator spends little on them.
 */
import type { Client } from './lib/client.js';
import type { Request } from './lib/load.js';

export interface Sizes {
  /** Items of the standard set's key-value table, which GetItem, UpdateItem and the writes address. */
  readonly kvItems: number;
  /** Partitions of 100 items in the table Query reads (at least 10). */
  readonly partitions: number;
}

/** `random(n)` is an integer in [0, n). */
export type Random = (n: number) => number;

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** The table it addresses: only the tables of the selected workloads are created and loaded. */
  readonly table: string;
  /** Items one request moves, for the batches, whose cost is also reported per item. */
  readonly items?: number;
  next(random: Random): Request;
  /** A problem with a (probe) answer, or undefined when it has the expected shape. */
  check(answer: Record<string, unknown>): string | undefined;
}

export interface TableDefinition {
  readonly TableName: string;
  readonly [field: string]: unknown;
}

/** A table whose items are numbered 0 to count - 1: `item(i)` is the i-th as DynamoDB JSON, `key(i)` its key. */
export interface ItemTable {
  readonly definition: TableDefinition;
  readonly count: number;
  item(i: number): string;
  key(i: number): string;
}

export interface WorkloadSet {
  readonly name: string;
  /** The tables the set's workloads address, loaded before the first window. */
  tables(sizes: Sizes): ItemTable[];
  workloads(sizes: Sizes): Workload[];
}

const answered = () => undefined;

export const expectCount = (expected: number) => (answer: Record<string, unknown>) =>
  answer.Count === expected ? undefined : `expected Count ${expected}, got ${String(answer.Count)}`;

/** `n` distinct item numbers in a row, starting anywhere. */
function itemRun(random: Random, table: ItemTable, n: number): number[] {
  const start = random(table.count);
  return Array.from({ length: n }, (_, k) => (start + k) % table.count);
}

const nameOf = (table: ItemTable) => table.definition.TableName;

/** A workload of one operation on `table`; `items` when each request moves several. */
function onTable(
  table: ItemTable,
  operation: string,
  description: string,
  payload: (random: Random) => string,
  check: Workload['check'],
  items?: number,
): Workload {
  return { name: operation, description, table: nameOf(table), ...(items === undefined ? {} : { items }), next: (random) => ({ operation, payload: payload(random) }), check };
}

export const putItem = (table: ItemTable) =>
  onTable(
    table,
    'PutItem',
    'PutItem of a ~200-byte item (replacing one of the pre-loaded items)',
    (random) => `{"TableName":"${nameOf(table)}","Item":${table.item(random(table.count))}}`,
    answered,
  );

export const getItem = (table: ItemTable) =>
  onTable(
    table,
    'GetItem',
    'GetItem of a random key',
    (random) => `{"TableName":"${nameOf(table)}","Key":${table.key(random(table.count))}}`,
    (answer) => (answer.Item === undefined ? 'no Item in the answer' : undefined),
  );

/** Needs a number attribute `c` in every item. */
export const updateItem = (table: ItemTable) =>
  onTable(
    table,
    'UpdateItem',
    'UpdateItem SET c = c + :one of a random key',
    (random) =>
      `{"TableName":"${nameOf(table)}","Key":${table.key(random(table.count))},"UpdateExpression":"SET c = c + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}`,
    answered,
  );

export const batchWriteItem = (table: ItemTable, n: number) =>
  onTable(
    table,
    'BatchWriteItem',
    `BatchWriteItem of ${n} puts`,
    (random) => `{"RequestItems":{"${nameOf(table)}":[${itemRun(random, table, n).map((i) => `{"PutRequest":{"Item":${table.item(i)}}}`).join(',')}]}}`,
    (answer) => (Object.keys((answer.UnprocessedItems as object | undefined) ?? {}).length === 0 ? undefined : 'unprocessed items'),
    n,
  );

export const batchGetItem = (table: ItemTable, n: number) =>
  onTable(
    table,
    'BatchGetItem',
    `BatchGetItem of ${n} keys`,
    (random) => `{"RequestItems":{"${nameOf(table)}":{"Keys":[${itemRun(random, table, n).map((i) => table.key(i)).join(',')}]}}}`,
    (answer) => {
      const items = (answer.Responses as Record<string, unknown[]> | undefined)?.[nameOf(table)];
      return items?.length === n ? undefined : `expected ${n} items, got ${items?.length}`;
    },
    n,
  );

export const transactWriteItems = (table: ItemTable, n: number) =>
  onTable(
    table,
    'TransactWriteItems',
    `TransactWriteItems of ${n} puts`,
    (random) => `{"TransactItems":[${itemRun(random, table, n).map((i) => `{"Put":{"TableName":"${nameOf(table)}","Item":${table.item(i)}}}`).join(',')}]}`,
    answered,
  );

/** A key attribute: its name and type. */
export type KeyAttribute = readonly [name: string, type: 'S' | 'N'];

/** A pay-per-request table keyed on `hash` (and `range`); `indexes` adds global secondary indexes and the key attributes they use. */
export function tableDefinition(name: string, hash: KeyAttribute, range?: KeyAttribute, indexes?: { attributes: KeyAttribute[]; global: object[] }): TableDefinition {
  const keys = range === undefined ? [hash] : [hash, range];
  return {
    TableName: name,
    KeySchema: keys.map(([attribute], k) => ({ AttributeName: attribute, KeyType: k === 0 ? 'HASH' : 'RANGE' })),
    AttributeDefinitions: [...keys, ...(indexes?.attributes ?? [])].map(([attribute, type]) => ({ AttributeName: attribute, AttributeType: type })),
    ...(indexes === undefined ? {} : { GlobalSecondaryIndexes: indexes.global }),
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export interface RangeQuery {
  readonly name: string;
  readonly description: string;
  readonly table: string;
  readonly index?: string;
  /** e.g. `pk = :p AND sk BETWEEN :a AND :b` */
  readonly condition: string;
  /** The ExpressionAttributeValues object, as JSON, of the next request. */
  values(random: Random): string;
  /** How many items every request must return. */
  readonly count: number;
}

export function rangeQuery(query: RangeQuery): Workload {
  const head = `{"TableName":"${query.table}",${query.index === undefined ? '' : `"IndexName":"${query.index}",`}"KeyConditionExpression":"${query.condition}","ExpressionAttributeValues":`;
  return {
    name: query.name,
    description: query.description,
    table: query.table,
    next: (random) => ({ operation: 'Query', payload: `${head}${query.values(random)}}` }),
    check: expectCount(query.count),
  };
}

/** Items in each partition of the tables Query reads. */
export const PARTITION_ITEMS = 100;

/**
 * Query of 10 consecutive items of one of `partitions` partitions of 100
 * (`pk = :p AND sk BETWEEN :a AND :b`); `partition` and `sort` give the key
 * values, as DynamoDB JSON, of partition p and of the j-th item in one.
 */
export function partitionQuery(table: string, partitions: number, partition: (p: number) => string, sort: (j: number) => string, description: string): Workload {
  return rangeQuery({
    name: 'Query',
    description,
    table,
    condition: 'pk = :p AND sk BETWEEN :a AND :b',
    values: (random) => {
      const from = random(PARTITION_ITEMS - 9);
      return `{":p":${partition(random(partitions))},":a":${sort(from)},":b":${sort(from + 9)}}`;
    },
    count: 10,
  });
}

/** Creates a table and waits until it and its indexes are ACTIVE. */
export async function createTable(client: Client, definition: TableDefinition): Promise<void> {
  await client.call('CreateTable', definition);
  for (;;) {
    const { Table } = (await client.call('DescribeTable', { TableName: definition.TableName })) as {
      Table: { TableStatus: string; GlobalSecondaryIndexes?: { IndexStatus: string }[] };
    };
    if (Table.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes items [from, to) with BatchWriteItem of 25 on `connections` connections, retrying what is left unprocessed. */
export async function load(client: Client, table: string, from: number, to: number, item: (i: number) => string, connections: number): Promise<void> {
  let cursor = from;
  const writer = async () => {
    while (cursor < to) {
      const first = cursor;
      cursor = Math.min(to, cursor + 25);
      let requests = Array.from({ length: cursor - first }, (_, k) => `{"PutRequest":{"Item":${item(first + k)}}}`).join(',');
      for (;;) {
        const answer = (await client.call('BatchWriteItem', `{"RequestItems":{"${table}":[${requests}]}}`)) as {
          UnprocessedItems?: Record<string, unknown[]>;
        };
        const left = answer.UnprocessedItems?.[table];
        if (!left || left.length === 0) break;
        requests = left.map((r) => JSON.stringify(r)).join(',');
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, writer));
}

/** Creates the table and writes all its items. */
export async function createAndLoad(client: Client, table: ItemTable, connections: number): Promise<void> {
  await createTable(client, table.definition);
  await load(client, table.definition.TableName, 0, table.count, (i) => table.item(i), connections);
}
