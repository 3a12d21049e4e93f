/**
 * Multi-attribute GSI keys (DynamoDB, November 2025): writing, indexing and
 * reading. CreateTable/UpdateTable validation is in tables-multi-attribute-keys.test.ts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { errorOf, queryAll } from '../helpers/tables.js';
import { readStream, streamsClient } from '../helpers/streams.js';

type Attributes = Record<string, AttributeValue>;
type KeyType = 'S' | 'N' | 'B';

interface MultiIndex {
  readonly name: string;
  readonly hash: readonly [string, KeyType][];
  readonly range?: readonly [string, KeyType][];
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

async function createMultiTable(ddb: DynamoDBClient, base: string, indexes: readonly MultiIndex[], extra: object = {}): Promise<string> {
  const TableName = uniqueName(base);
  const attributes = new Map<string, KeyType>([['p', 'S']]);
  for (const index of indexes) for (const [name, type] of [...index.hash, ...(index.range ?? [])]) attributes.set(name, type);
  await ddb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }],
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          ...index.hash.map(([AttributeName]) => ({ AttributeName, KeyType: 'HASH' as const })),
          ...(index.range ?? []).map(([AttributeName]) => ({ AttributeName, KeyType: 'RANGE' as const })),
        ],
        Projection: { ProjectionType: index.projection ?? 'ALL' },
      })),
      ...extra,
    }),
  );
  return TableName;
}

const ids = (items: readonly Attributes[] | undefined) => (items ?? []).map((item) => item.p!.S);

describeEachBackend('multi-attribute GSI keys', (target) => {
  let table: string;
  const ddb = () => target().ddb;
  // tenant (S) + area (N) partition; round (S) + seq (N) sort.
  const item = (p: string, tenant: string, area: string, round: string, seq: string, extra: Attributes = {}): Attributes => ({
    p: { S: p },
    tenant: { S: tenant },
    area: { N: area },
    round: { S: round },
    seq: { N: seq },
    ...extra,
  });
  const byKeys = (kce: string, values: Attributes, extra: Partial<QueryCommandInput> = {}) =>
    queryAll(ddb(), { TableName: table, IndexName: 'matches', KeyConditionExpression: kce, ExpressionAttributeValues: values, ...extra });

  before(async () => {
    table = await createMultiTable(ddb(), 'multi_keys', [
      { name: 'matches', hash: [['tenant', 'S'], ['area', 'N']], range: [['round', 'S'], ['seq', 'N']] },
      { name: 'byRound', hash: [['round', 'S']], range: [['tenant', 'S'], ['bits', 'B'], ['seq', 'N']], projection: 'KEYS_ONLY' },
    ]);
    const items = [
      item('a1', 'acme', '1', 'final', '2'),
      item('a2', 'acme', '1', 'final', '10'),
      item('a3', 'acme', '1', 'semi', '1'),
      item('a4', 'acme', '1', 'semi', '-5'),
      item('a5', 'acme', '2', 'final', '1'),
      item('a6', 'acme', '1.0', 'quarter', '3'),
      item('b1', 'beta', '1', 'final', '1'),
      // Sparse: a key attribute missing, or of another type than its definition, leaves the item out.
      { p: { S: 'x1' }, tenant: { S: 'acme' }, area: { N: '1' }, round: { S: 'final' } },
      { p: { S: 'x2' }, tenant: { S: 'acme' }, round: { S: 'final' }, seq: { N: '1' } },
    ];
    for (const Item of items) await ddb().send(new PutItemCommand({ TableName: table, Item }));
  });

  test('an item is indexed only with every key attribute; Query needs equality on every partition attribute', async () => {
    const all = await byKeys('tenant = :t AND #r = :r', { ':t': { S: 'acme' }, ':r': { N: '1' } }, { ExpressionAttributeNames: { '#r': 'area' } });
    // Sorted by round, then seq numerically; area 1.0 is area 1.
    assert.deepEqual(ids(all), ['a1', 'a2', 'a6', 'a4', 'a3']);
    const reversed = await byKeys('tenant = :t AND area = :r', { ':t': { S: 'acme' }, ':r': { N: '1' } }, { ScanIndexForward: false });
    assert.deepEqual(ids(reversed), ['a3', 'a4', 'a6', 'a2', 'a1']);
    assert.deepEqual(ids(await byKeys('tenant = :t AND area = :r', { ':t': { S: 'acme' }, ':r': { N: '2' } })), ['a5']);
  });

  test('sort attributes from the left: equalities, then one condition on the last one named', async () => {
    const values = { ':t': { S: 'acme' }, ':r': { N: '1' } };
    const cases: [string, Attributes, string[]][] = [
      ['round = :f', { ':f': { S: 'final' } }, ['a1', 'a2']],
      ['round = :f AND seq > :n', { ':f': { S: 'final' }, ':n': { N: '2' } }, ['a2']],
      ['round = :f AND seq BETWEEN :a AND :b', { ':f': { S: 'semi' }, ':a': { N: '-5' }, ':b': { N: '0' } }, ['a4']],
      ['round > :f', { ':f': { S: 'final' } }, ['a6', 'a4', 'a3']],
      ['begins_with(round, :f)', { ':f': { S: 's' } }, ['a4', 'a3']],
      ['round <= :f', { ':f': { S: 'quarter' } }, ['a1', 'a2', 'a6']],
      ['seq = :n AND round = :f', { ':f': { S: 'final' }, ':n': { N: '10' } }, ['a2']],
    ];
    for (const [condition, more, expected] of cases) {
      const got = await byKeys(`area = :r AND tenant = :t AND ${condition}`, { ...values, ...more });
      assert.deepEqual(ids(got), expected, condition);
    }
  });

  test("key conditions outside the rules get DynamoDB's errors", async () => {
    // Messages from DynamoDB Local 3.3.1, which implements multi-attribute keys; the rules are the Developer Guide's.
    const query = (kce: string, values: Attributes, extra: Partial<QueryCommandInput> = {}) =>
      errorOf(() => ddb().send(new QueryCommand({ TableName: table, IndexName: 'matches', KeyConditionExpression: kce, ExpressionAttributeValues: values, ...extra })));
    const t = { ':t': { S: 'acme' } };
    const tr = { ':t': { S: 'acme' }, ':r': { N: '1' } };
    const cases: [string, Attributes, string][] = [
      ['tenant = :t', t, 'HASH key attributes area must have equality conditions specified in the query'],
      ['tenant = :t AND area > :r', tr, 'HASH key attributes area must have equality conditions specified in the query'],
      ['round = :f', { ':f': { S: 'x' } }, 'HASH key attributes tenant, area must have equality conditions specified in the query'],
      [
        'tenant = :t AND area = :r AND seq = :n',
        { ...tr, ':n': { N: '1' } },
        'RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute seq',
      ],
      [
        'tenant = :t AND area = :r AND round > :f AND seq = :n',
        { ...tr, ':f': { S: 'x' }, ':n': { N: '1' } },
        'RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute seq',
      ],
      ['tenant = :t AND area = :r AND extra = :t', tr, 'Query condition missed key schema element'],
      ['tenant = :t AND area = :r AND round = :t AND seq = :r AND p = :t', tr, 'Query key condition not supported'],
      ['tenant = :t AND area = :t', t, 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
      [
        'tenant = :e AND area = :r',
        { ':e': { S: '' }, ':r': { N: '1' } },
        'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: matches, IndexKey: tenant',
      ],
      ['tenant = :t AND area = :r AND tenant = :t', tr, 'KeyConditionExpressions must only contain one condition per key'],
    ];
    for (const [kce, values, message] of cases) {
      const error = await query(kce, values);
      assert.equal(error.name, 'ValidationException', kce);
      assert.equal(error.message, message, kce);
    }
    const filter = await query('tenant = :t AND area = :r', tr, { FilterExpression: 'seq > :r' });
    assert.equal(filter.message, 'Filter Expression can only contain non-primary key attributes: Primary key attribute: seq');
    const consistent = await query('tenant = :t AND area = :r', tr, { ConsistentRead: true });
    assert.equal(consistent.message, 'Consistent reads are not supported on global secondary indexes');
  });

  test('pages restart from a LastEvaluatedKey holding the table key and every index key attribute', async () => {
    const values = { ':t': { S: 'acme' }, ':r': { N: '1' } };
    const first = await ddb().send(
      new QueryCommand({ TableName: table, IndexName: 'matches', KeyConditionExpression: 'tenant = :t AND area = :r', ExpressionAttributeValues: values, Limit: 2 }),
    );
    assert.deepEqual(Object.keys(first.LastEvaluatedKey ?? {}).sort(), ['area', 'p', 'round', 'seq', 'tenant']);
    for (const Limit of [1, 2, 3]) {
      const paged = await byKeys('tenant = :t AND area = :r', values, { Limit });
      assert.deepEqual(ids(paged), ['a1', 'a2', 'a6', 'a4', 'a3'], `Limit ${Limit}`);
    }
    const startingAt = (ExclusiveStartKey: Attributes) =>
      errorOf(() =>
        ddb().send(
          new QueryCommand({ TableName: table, IndexName: 'matches', KeyConditionExpression: 'tenant = :t AND area = :r', ExpressionAttributeValues: values, ExclusiveStartKey }),
        ),
      );
    const outside = await startingAt({ ...first.LastEvaluatedKey, area: { N: '2' } });
    assert.equal(outside.message, 'The provided starting key is outside query boundaries based on provided conditions');
    const missing = await startingAt({ p: { S: 'a1' }, tenant: { S: 'acme' }, area: { N: '1' }, round: { S: 'final' } });
    assert.equal(missing.message, 'The provided starting key is invalid');
    const scanned = await ddb().send(new ScanCommand({ TableName: table, IndexName: 'matches', Limit: 3 }));
    assert.deepEqual(Object.keys(scanned.LastEvaluatedKey ?? {}).sort(), ['area', 'p', 'round', 'seq', 'tenant']);
  });

  test('a KEYS_ONLY index with a binary sort attribute holds the table key and every index key attribute', async () => {
    const bitss = [Buffer.from([1, 0]), Buffer.from([1]), Buffer.from([0, 255])];
    for (const [i, bits] of bitss.entries()) {
      await ddb().send(new PutItemCommand({ TableName: table, Item: { ...item(`k${i}`, 'kappa', '9', 'keys', '1'), bits: { B: bits }, data: { S: 'not projected' } } }));
    }
    const got = await queryAll(ddb(), {
      TableName: table,
      IndexName: 'byRound',
      KeyConditionExpression: 'round = :r AND tenant = :t',
      ExpressionAttributeValues: { ':r': { S: 'keys' }, ':t': { S: 'kappa' } },
    });
    assert.deepEqual(ids(got), ['k2', 'k1', 'k0']);
    assert.deepEqual(Object.keys(got[0]!).sort(), ['bits', 'p', 'round', 'seq', 'tenant']);
    const unprojected = await errorOf(() =>
      ddb().send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byRound',
          KeyConditionExpression: 'round = :r',
          ExpressionAttributeValues: { ':r': { S: 'keys' } },
          ProjectionExpression: 'area, #d',
          ExpressionAttributeNames: { '#d': 'data' },
        }),
      ),
    );
    assert.equal(unprojected.message, 'One or more parameter values were invalid: Global secondary index byRound does not project [area, data]');
  });

  test('updates, deletes and batch writes move entries in and out of the index', async () => {
    const values = { ':t': { S: 'upd' }, ':r': { N: '5' } };
    const entries = async () => ids(await byKeys('tenant = :t AND area = :r', values));
    await ddb().send(new PutItemCommand({ TableName: table, Item: item('u1', 'upd', '5', 'r', '1') }));
    assert.deepEqual(await entries(), ['u1']);
    await ddb().send(new UpdateItemCommand({ TableName: table, Key: { p: { S: 'u1' } }, UpdateExpression: 'REMOVE seq' }));
    assert.deepEqual(await entries(), []);
    await ddb().send(new UpdateItemCommand({ TableName: table, Key: { p: { S: 'u1' } }, UpdateExpression: 'SET seq = :n', ExpressionAttributeValues: { ':n': { N: '2' } } }));
    assert.deepEqual(await entries(), ['u1']);
    await ddb().send(new UpdateItemCommand({ TableName: table, Key: { p: { S: 'u1' } }, UpdateExpression: 'SET area = :n', ExpressionAttributeValues: { ':n': { N: '6' } } }));
    assert.deepEqual(await entries(), []);
    assert.deepEqual(ids(await byKeys('tenant = :t AND area = :r', { ':t': { S: 'upd' }, ':r': { N: '6' } })), ['u1']);
    await ddb().send(new DeleteItemCommand({ TableName: table, Key: { p: { S: 'u1' } } }));
    assert.deepEqual(ids(await byKeys('tenant = :t AND area = :r', { ':t': { S: 'upd' }, ':r': { N: '6' } })), []);
    await ddb().send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: [{ PutRequest: { Item: item('u2', 'upd', '5', 'r', '1') } }, { PutRequest: { Item: item('u3', 'upd', '5', 'r', '0') } }] },
      }),
    );
    assert.deepEqual(await entries(), ['u3', 'u2']);
    const wrongType = await errorOf(() => ddb().send(new PutItemCommand({ TableName: table, Item: { ...item('u4', 'upd', '5', 'r', '1'), area: { S: 'five' } } })));
    assert.equal(wrongType.message, 'One or more parameter values were invalid: Type mismatch for Index Key area Expected: N Actual: S IndexName: matches');
  });

  test('write capacity counts the multi-attribute index', async () => {
    const written = await ddb().send(new PutItemCommand({ TableName: table, Item: item('c1', 'cap', '1', 'r', '1'), ReturnConsumedCapacity: 'INDEXES' }));
    // Without `bits` the item has no entry in byRound, which costs nothing.
    assert.deepEqual(written.ConsumedCapacity?.GlobalSecondaryIndexes, { matches: { CapacityUnits: 1 } });
    assert.equal(written.ConsumedCapacity?.CapacityUnits, 2);
    const read = await ddb().send(
      new QueryCommand({
        TableName: table,
        IndexName: 'matches',
        KeyConditionExpression: 'tenant = :t AND area = :r',
        ExpressionAttributeValues: { ':t': { S: 'cap' }, ':r': { N: '1' } },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    assert.deepEqual(read.ConsumedCapacity?.GlobalSecondaryIndexes, { matches: { CapacityUnits: 0.5 } });
  });

  test('PartiQL reads a multi-attribute index by its key attributes', async () => {
    const select = async (statement: string, parameters: AttributeValue[]) =>
      ids((await ddb().send(new ExecuteStatementCommand({ Statement: statement, Parameters: parameters }))).Items);
    const from = `"${table}"."matches"`;
    assert.deepEqual(await select(`SELECT * FROM ${from} WHERE tenant = ? AND area = ?`, [{ S: 'acme' }, { N: '1' }]), ['a1', 'a2', 'a6', 'a4', 'a3']);
    assert.deepEqual(await select(`SELECT * FROM ${from} WHERE tenant = ? AND area = ? AND "round" = ? AND seq >= ?`, [{ S: 'acme' }, { N: '1' }, { S: 'final' }, { N: '3' }]), ['a2']);
    assert.deepEqual(await select(`SELECT * FROM ${from} WHERE tenant IN (?, ?) AND area = ? AND "round" = ?`, [{ S: 'beta' }, { S: 'acme' }, { N: '1' }, { S: 'final' }]), [
      'a1',
      'a2',
      'b1',
    ]);
    assert.deepEqual(
      await select(`SELECT * FROM ${from} WHERE tenant = ? AND area = ? ORDER BY tenant DESC, "round" DESC`, [{ S: 'acme' }, { N: '1' }]),
      ['a3', 'a4', 'a6', 'a2', 'a1'],
    );
  });
});

describeEachBackend('multi-attribute GSI keys: limits, backfill and streams', (target) => {
  const ddb = () => target().ddb;
  let table: string;
  before(async () => {
    table = await createMultiTable(ddb(), 'multi_limits', [{ name: 'pair', hash: [['a', 'S'], ['b', 'S']], range: [['c', 'S'], ['d', 'B']] }], {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  test('each key attribute, and the attributes of a key together, are held to the key size limits', async () => {
    const put = (values: Attributes) => errorOf(() => ddb().send(new PutItemCommand({ TableName: table, Item: { p: { S: 'x' }, ...values } })));
    const s = (n: number) => ({ S: 'a'.repeat(n) });
    assert.equal(
      (await put({ a: s(1), b: s(2049) })).message,
      'One or more parameter values were invalid: Size limit exceeded for Index Key b Actual Size: 2049 bytes Max Size: 2048 bytes IndexName: pair',
    );
    // DynamoDB Local 3.3.1's wording for the aggregate limits.
    assert.equal(
      (await put({ a: s(1024), b: s(1025) })).message,
      'Aggregate size for HASH key attributes a, b of index pair has exceeded limit 2048 bytes, with actual size 2049 bytes',
    );
    assert.equal(
      (await put({ c: s(1000), d: { B: Buffer.alloc(25) } })).message,
      'Aggregate size for RANGE key attributes c, d of index pair has exceeded limit 1024 bytes, with actual size 1025 bytes',
    );
    await ddb().send(new PutItemCommand({ TableName: table, Item: { p: { S: 'ok' }, a: s(1024), b: s(1024), c: s(1000), d: { B: Buffer.alloc(24) } } }));
  });

  test('a multi-attribute index added by UpdateTable is filled from existing items, sparsely', async () => {
    const plain = uniqueName('multi_backfill');
    await ddb().send(
      new CreateTableCommand({
        TableName: plain,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }],
      }),
    );
    for (let i = 0; i < 30; i++) {
      const Item: Attributes = { p: { S: `i${i}` }, x: { S: `x${i % 3}` } };
      if (i % 5 !== 0) Item.y = { N: String(i) };
      await ddb().send(new PutItemCommand({ TableName: plain, Item }));
    }
    await ddb().send(
      new UpdateTableCommand({
        TableName: plain,
        AttributeDefinitions: [
          { AttributeName: 'x', AttributeType: 'S' },
          { AttributeName: 'y', AttributeType: 'N' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'byXy',
              KeySchema: [
                { AttributeName: 'x', KeyType: 'HASH' },
                { AttributeName: 'y', KeyType: 'HASH' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    for (let i = 0; ; i++) {
      const { Table } = await ddb().send(new DescribeTableCommand({ TableName: plain }));
      if (Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus === 'ACTIVE') {
        assert.equal(Table.GlobalSecondaryIndexes[0].ItemCount, 24);
        break;
      }
      assert.ok(i < 600, 'the index became ACTIVE');
      await sleep(50);
    }
    const got = await ddb().send(
      new QueryCommand({ TableName: plain, IndexName: 'byXy', KeyConditionExpression: 'x = :x AND y = :y', ExpressionAttributeValues: { ':x': { S: 'x1' }, ':y': { N: '7' } } }),
    );
    assert.deepEqual(ids(got.Items), ['i7']);
    assert.equal((await ddb().send(new ScanCommand({ TableName: plain, IndexName: 'byXy' }))).Count, 24);
  });

  test("the table's stream records writes to a table with a multi-attribute index", async () => {
    const { Table } = await ddb().send(new DescribeTableCommand({ TableName: table }));
    const Records = await readStream(streamsClient(target().endpoint), Table!.LatestStreamArn!);
    assert.deepEqual(
      Records?.map((record) => [record.eventName, record.dynamodb?.Keys?.p?.S]),
      [['INSERT', 'ok']],
    );
  });
});
