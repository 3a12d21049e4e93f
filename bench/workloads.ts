/**
 * The tables, items and request mixes of the benchmark. Items are ~200 bytes by
 * DynamoDB's size rules; request bodies are built as text so the load generator
 * spends little on them.
 */
import type { Client } from './lib/client.js';
import type { Request } from './lib/load.js';

export const KV_TABLE = 'bench_kv';
export const COLLECTION_TABLE = 'bench_coll';
export const BIG_TABLE = 'bench_big';
export const GROUP_INDEX = 'by_group';
/** Items per partition of the collection table: a Query reads 10 of them. */
export const PER_PARTITION = 100;

export interface Sizes {
  /** Items of the key-value table that GetItem, UpdateItem and the writes address. */
  readonly kvItems: number;
  /** Partitions of PER_PARTITION items in the collection table (at least 10). */
  readonly partitions: number;
}

const BIO = 'Analyst and writer; notes on the engine describe what it could compute. '.padEnd(100, '.');
const pad = (n: number, width: number) => String(n).padStart(width, '0');

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

const S = (name: string) => ({ AttributeName: name, AttributeType: 'S' });

export const TABLES: Record<string, object> = {
  [KV_TABLE]: {
    TableName: KV_TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [S('pk')],
    BillingMode: 'PAY_PER_REQUEST',
  },
  [COLLECTION_TABLE]: {
    TableName: COLLECTION_TABLE,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [S('pk'), S('sk'), S('gpk'), S('gsk')],
    GlobalSecondaryIndexes: [
      {
        IndexName: GROUP_INDEX,
        KeySchema: [
          { AttributeName: 'gpk', KeyType: 'HASH' },
          { AttributeName: 'gsk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  },
  [BIG_TABLE]: {
    TableName: BIG_TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [S('pk')],
    BillingMode: 'PAY_PER_REQUEST',
  },
};

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** The next request; `random(n)` is an integer in [0, n). */
  next(random: (n: number) => number): Request;
  /** A problem with a (probe) answer, or undefined when it has the expected shape. */
  check(answer: Record<string, unknown>): string | undefined;
}

const count = (expected: number) => (answer: Record<string, unknown>) =>
  answer.Count === expected ? undefined : `expected Count ${expected}, got ${String(answer.Count)}`;
const answered = () => undefined;

/** `n` distinct keys of the key-value table, starting anywhere. */
const keyRun = (random: (n: number) => number, sizes: Sizes, n: number) => {
  const start = random(sizes.kvItems);
  return Array.from({ length: n }, (_, k) => (start + k) % sizes.kvItems);
};

export function getItem(table: string, items: number): Workload {
  return {
    name: 'GetItem',
    description: 'GetItem of a random key',
    next: (random) => ({ operation: 'GetItem', payload: `{"TableName":"${table}","Key":{"pk":{"S":"${kvKey(random(items))}"}}}` }),
    check: (answer) => (answer.Item === undefined ? 'no Item in the answer' : undefined),
  };
}

export function workloads(sizes: Sizes): Workload[] {
  const kv = KV_TABLE;
  return [
    {
      name: 'PutItem',
      description: 'PutItem of a ~200-byte item (replacing one of the pre-loaded items)',
      next: (random) => ({ operation: 'PutItem', payload: `{"TableName":"${kv}","Item":${kvItem(random(sizes.kvItems))}}` }),
      check: answered,
    },
    getItem(kv, sizes.kvItems),
    {
      name: 'Query',
      description: 'Query of 10 of the 100 items of a partition (sk BETWEEN)',
      next: (random) => {
        const from = random(PER_PARTITION - 9);
        return {
          operation: 'Query',
          payload:
            `{"TableName":"${COLLECTION_TABLE}","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b",` +
            `"ExpressionAttributeValues":{":p":{"S":"p${pad(random(sizes.partitions), 4)}"},":a":{"S":"s${pad(from, 3)}"},":b":{"S":"s${pad(from + 9, 3)}"}}}`,
        };
      },
      check: count(10),
    },
    {
      name: 'QueryIndex',
      description: `Query of 10 items on a global secondary index (${GROUP_INDEX})`,
      next: (random) => {
        const from = random(sizes.partitions - 9);
        return {
          operation: 'Query',
          payload:
            `{"TableName":"${COLLECTION_TABLE}","IndexName":"${GROUP_INDEX}","KeyConditionExpression":"gpk = :g AND gsk BETWEEN :a AND :b",` +
            `"ExpressionAttributeValues":{":g":{"S":"g${pad(random(PER_PARTITION), 3)}"},":a":{"S":"p${pad(from, 4)}"},":b":{"S":"p${pad(from + 9, 4)}"}}}`,
        };
      },
      check: count(10),
    },
    {
      name: 'UpdateItem',
      description: 'UpdateItem SET c = c + :one of a random key',
      next: (random) => ({
        operation: 'UpdateItem',
        payload:
          `{"TableName":"${kv}","Key":{"pk":{"S":"${kvKey(random(sizes.kvItems))}"}},` +
          `"UpdateExpression":"SET c = c + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}`,
      }),
      check: answered,
    },
    {
      name: 'BatchWriteItem',
      description: 'BatchWriteItem of 25 puts',
      next: (random) => ({
        operation: 'BatchWriteItem',
        payload: `{"RequestItems":{"${kv}":[${keyRun(random, sizes, 25).map((i) => `{"PutRequest":{"Item":${kvItem(i)}}}`).join(',')}]}}`,
      }),
      check: (answer) => (Object.keys((answer.UnprocessedItems as object | undefined) ?? {}).length === 0 ? undefined : 'unprocessed items'),
    },
    {
      name: 'BatchGetItem',
      description: 'BatchGetItem of 100 keys',
      next: (random) => ({
        operation: 'BatchGetItem',
        payload: `{"RequestItems":{"${kv}":{"Keys":[${keyRun(random, sizes, 100).map((i) => `{"pk":{"S":"${kvKey(i)}"}}`).join(',')}]}}}`,
      }),
      check: (answer) => {
        const items = (answer.Responses as Record<string, unknown[]> | undefined)?.[kv];
        return items?.length === 100 ? undefined : `expected 100 items, got ${items?.length}`;
      },
    },
    {
      name: 'Scan',
      description: 'Scan of one page of 100 items',
      next: () => ({ operation: 'Scan', payload: `{"TableName":"${COLLECTION_TABLE}","Limit":100}` }),
      check: count(100),
    },
    {
      name: 'TransactWriteItems',
      description: 'TransactWriteItems of 4 puts',
      next: (random) => ({
        operation: 'TransactWriteItems',
        payload: `{"TransactItems":[${keyRun(random, sizes, 4).map((i) => `{"Put":{"TableName":"${kv}","Item":${kvItem(i)}}}`).join(',')}]}`,
      }),
      check: answered,
    },
  ];
}

/** Creates a table and waits until it and its indexes are ACTIVE. */
export async function createTable(client: Client, name: string): Promise<void> {
  await client.call('CreateTable', TABLES[name]!);
  for (;;) {
    const { Table } = (await client.call('DescribeTable', { TableName: name })) as {
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
