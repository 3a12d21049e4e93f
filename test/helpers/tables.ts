/** Creating throwaway tables for tests. */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  QueryCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { uniqueName } from './harness.js';

type KeyType = 'S' | 'N' | 'B';

export interface IndexSpec {
  readonly name: string;
  /** A local index keeps the table's partition key: only its sort key is given. */
  readonly local?: boolean;
  readonly hash?: [string, KeyType];
  readonly range?: [string, KeyType];
  /** ALL (default), KEYS_ONLY, or the NonKeyAttributes of an INCLUDE projection. */
  readonly projection?: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface SimpleTable {
  readonly hash: [string, KeyType];
  readonly range?: [string, KeyType];
  readonly indexes?: readonly IndexSpec[];
  readonly extra?: Partial<CreateTableCommandInput>;
}

/** CreateTable's members for `spec`'s indexes: their key schemas, projections and attribute definitions. */
function indexMembers(spec: SimpleTable): Partial<CreateTableCommandInput> {
  if (spec.indexes === undefined) return {};
  const attributes = new Map<string, KeyType>([spec.hash, ...(spec.range ? [spec.range] : [])]);
  const build = (index: IndexSpec) => {
    const keys = [index.local ? spec.hash : index.hash!, ...(index.range ? [index.range] : [])];
    for (const [name, type] of keys) attributes.set(name, type);
    const projection = index.projection ?? 'ALL';
    return {
      IndexName: index.name,
      KeySchema: keys.map(([name], i) => ({ AttributeName: name, KeyType: i === 0 ? ('HASH' as const) : ('RANGE' as const) })),
      Projection:
        typeof projection === 'string'
          ? { ProjectionType: projection }
          : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...projection] },
    };
  };
  const local = spec.indexes.filter((index) => index.local).map(build);
  const global = spec.indexes.filter((index) => !index.local).map(build);
  return {
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    ...(local.length > 0 ? { LocalSecondaryIndexes: local } : {}),
    ...(global.length > 0 ? { GlobalSecondaryIndexes: global } : {}),
  };
}

/** Creates a table (on-demand unless told otherwise) and waits until it is ACTIVE. */
export async function createTable(ddb: DynamoDBClient, base: string, spec: SimpleTable = { hash: ['pk', 'S'] }): Promise<string> {
  const name = uniqueName(base);
  const keys = [spec.hash, ...(spec.range ? [spec.range] : [])];
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: keys.map(([attribute], i) => ({ AttributeName: attribute, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      AttributeDefinitions: keys.map(([attribute, type]) => ({ AttributeName: attribute, AttributeType: type })),
      BillingMode: 'PAY_PER_REQUEST',
      ...indexMembers(spec),
      ...spec.extra,
    }),
  );
  for (let i = 0; i < 600; i++) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return name;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/** Runs `send` and returns the error it throws (failing when it does not throw). */
export async function errorOf(send: () => Promise<unknown>): Promise<{ name: string; message: string } & Record<string, unknown>> {
  try {
    await send();
  } catch (error) {
    return error as { name: string; message: string } & Record<string, unknown>;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

/** Every item a Query selects, page after page. */
export async function queryAll(ddb: DynamoDBClient, input: QueryCommandInput): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

/** Probes until `done` says yes, for up to a minute. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes `count` items, 25 to a BatchWriteItem. */
export async function putMany(ddb: DynamoDBClient, TableName: string, count: number, item: (i: number) => Record<string, AttributeValue>): Promise<void> {
  for (let i = 0; i < count; i += 25) {
    const requests = [];
    for (let j = i; j < Math.min(count, i + 25); j++) requests.push({ PutRequest: { Item: item(j) } });
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: requests } }));
  }
}
