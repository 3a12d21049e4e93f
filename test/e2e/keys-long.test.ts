import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf, queryAll } from '../helpers/tables.js';
import { prng } from '../helpers/random.js';

type Attributes = Record<string, AttributeValue>;

const bytesOf = (value: AttributeValue | undefined) => Buffer.from((value as { B: Uint8Array }).B);

async function waitForIndexes(ddb: DynamoDBClient, TableName: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    if ((Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    await sleep(50);
  }
  throw new Error('indexes did not become ACTIVE');
}

describeEachBackend('keys up to DynamoDB size limits', (target) => {
  let table: string;
  let binary: string;
  before(async () => {
    table = await createTable(target().ddb, 'long_keys', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      indexes: [{ name: 'byG', hash: ['g', 'S'], range: ['gs', 'S'] }],
    });
    binary = await createTable(target().ddb, 'long_binary_keys', { hash: ['pk', 'S'], range: ['sk', 'B'] });
  });

  test('Query finds items under partition keys of every length up to 2,048 bytes, on the table and on a GSI', async () => {
    const ddb = target().ddb;
    for (const length of [1950, 1959, 1960, 1966, 1967, 1978, 1979, 2000, 2047, 2048]) {
      const pk = `${'k'.repeat(length - 4)}${String(length).padStart(4, '0')}`;
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 's' }, g: { S: pk }, gs: { S: 'x' } } }));
      const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: 's' } } }));
      assert.equal(got.Item?.pk?.S, pk, `GetItem at ${length}`);
      const base = await ddb.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: pk } } }));
      assert.equal(base.Count, 1, `table Query at ${length} bytes`);
      const index = await ddb.send(
        new QueryCommand({ TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :p AND gs = :x', ExpressionAttributeValues: { ':p': { S: pk }, ':x': { S: 'x' } } }),
      );
      assert.equal(index.Count, 1, `GSI Query at ${length} bytes`);
    }
  });

  test('1,024-byte sort keys under a 2,048-byte partition key sort and range exactly, forwards, backwards and page by page', async () => {
    const ddb = target().ddb;
    const pk = 'p'.repeat(2048);
    const random = prng(7);
    // Sort keys that share their first ~1,000 bytes, mostly NUL bytes (whose encoding doubles them).
    const keys = new Set<string>();
    while (keys.size < 40) {
      const bytes = Buffer.alloc(1000 + Math.floor(random() * 25), 0);
      bytes[bytes.length - 1 - Math.floor(random() * 20)] = 1 + Math.floor(random() * 3);
      bytes[bytes.length - 1] = Math.floor(random() * 3);
      keys.add(bytes.toString('base64'));
    }
    const sorted = [...keys].map((key) => Buffer.from(key, 'base64')).sort(Buffer.compare);
    for (const sk of sorted) await ddb.send(new PutItemCommand({ TableName: binary, Item: { pk: { S: pk }, sk: { B: sk } } }));

    const low = sorted[10]!;
    const high = sorted[30]!;
    const cases: [string, Attributes, (key: Buffer) => boolean][] = [
      ['sk BETWEEN :a AND :b', { ':a': { B: low }, ':b': { B: high } }, (key) => Buffer.compare(key, low) >= 0 && Buffer.compare(key, high) <= 0],
      ['sk > :a', { ':a': { B: low } }, (key) => Buffer.compare(key, low) > 0],
      ['sk <= :a', { ':a': { B: high } }, (key) => Buffer.compare(key, high) <= 0],
      ['begins_with(sk, :a)', { ':a': { B: low.subarray(0, 990) } }, (key) => key.subarray(0, 990).equals(low.subarray(0, 990))],
      ['sk = :a', { ':a': { B: low } }, (key) => key.equals(low)],
    ];
    for (const [condition, values, keep] of cases) {
      for (const forward of [true, false]) {
        for (const Limit of [undefined, 1, 7]) {
          const items = await queryAll(ddb, {
            TableName: binary,
            KeyConditionExpression: `pk = :p AND ${condition}`,
            ExpressionAttributeValues: { ':p': { S: pk }, ...values },
            ScanIndexForward: forward,
            Limit,
          });
          const expected = sorted.filter(keep);
          if (!forward) expected.reverse();
          assert.deepEqual(
            items.map((item) => bytesOf(item.sk).toString('hex')),
            expected.map((key) => key.toString('hex')),
            `${condition} forward=${forward} Limit=${Limit}`,
          );
        }
      }
    }
    const scanned = await ddb.send(new ScanCommand({ TableName: binary }));
    assert.equal(scanned.Count, sorted.length);
  });

  test('a partition key over 2,048 bytes or a sort key over 1,024 bytes is refused', async () => {
    const ddb = target().ddb;
    const hashError = await errorOf(() => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'x'.repeat(2049) }, sk: { S: 's' } } })));
    assert.equal(hashError.message, 'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes');
    const rangeError = await errorOf(() => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'x' }, sk: { S: 's'.repeat(1025) } } })));
    assert.equal(rangeError.message, 'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
  });
});

describeEachBackend('secondary index key size limits', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'index_key_limits', {
      hash: ['pk', 'S'],
      range: ['c', 'S'],
      indexes: [
        { name: 'byX', hash: ['x', 'S'] },
        { name: 'byY', hash: ['pk', 'S'], range: ['y', 'B'] },
        { name: 'local', local: true, range: ['l', 'S'] },
      ],
    });
  });

  // The message recorded from live DynamoDB (dynalite issue #35; users' reports quoting its response).
  const tooLarge = (name: string, size: number, max: number, index: string) =>
    `One or more parameter values were invalid: Size limit exceeded for Index Key ${name} Actual Size: ${size} bytes Max Size: ${max} bytes IndexName: ${index}`;

  test('writes that would give an index key over its limit are refused, and nothing is written', async () => {
    const ddb = target().ddb;
    const key = { pk: { S: 'limits' }, c: { S: '1' } };
    const put = (extra: Attributes) => ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, ...extra } }));
    await put({ x: { S: 'x'.repeat(2048) }, y: { B: Buffer.alloc(1024, 1) }, l: { S: 'l'.repeat(1024) } });
    assert.equal((await errorOf(() => put({ x: { S: 'x'.repeat(2049) } }))).message, tooLarge('x', 2049, 2048, 'byX'));
    assert.equal((await errorOf(() => put({ y: { B: Buffer.alloc(1025, 0) } }))).message, tooLarge('y', 1025, 1024, 'byY'));
    assert.equal((await errorOf(() => put({ l: { S: 'é'.repeat(513) } }))).message, tooLarge('l', 1026, 1024, 'local'));
    const update = await errorOf(() =>
      ddb.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: 'SET x = :x', ExpressionAttributeValues: { ':x': { S: 'x'.repeat(3000) } } })),
    );
    assert.equal(update.message, tooLarge('x', 3000, 2048, 'byX'));
    const batch = await errorOf(() =>
      ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { pk: { S: 'b' }, c: { S: '1' }, x: { S: 'x'.repeat(2049) } } } }] } })),
    );
    assert.equal(batch.message, tooLarge('x', 2049, 2048, 'byX'));
    const transaction = await errorOf(() =>
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: { pk: { S: 't' }, c: { S: '1' }, x: { S: 'x'.repeat(2049) } } } }] })),
    );
    assert.equal(transaction.name, 'TransactionCanceledException');
    assert.deepEqual(transaction.CancellationReasons, [{ Code: 'ValidationError', Message: tooLarge('x', 2049, 2048, 'byX') }]);
    const stored = await ddb.send(new GetItemCommand({ TableName: table, Key: key }));
    assert.equal(stored.Item?.x?.S?.length, 2048);
    for (const pk of ['b', 't']) {
      assert.equal((await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, c: { S: '1' } } }))).Item, undefined);
    }
  });

  test('a new GSI skips existing items whose key would be over its limit', async () => {
    const ddb = target().ddb;
    const plain = await createTable(ddb, 'index_backfill_limits', { hash: ['p', 'S'], range: ['c', 'S'] });
    const lengths = [1024, 1025, 2048, 2049];
    for (const [i, length] of lengths.entries()) {
      await ddb.send(new PutItemCommand({ TableName: plain, Item: { p: { S: `p${i}` }, c: { S: 'c' }, x: { S: 'a'.repeat(length) } } }));
    }
    const create = (IndexName: string, KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[]) =>
      ddb.send(
        new UpdateTableCommand({
          TableName: plain,
          AttributeDefinitions: [
            { AttributeName: 'x', AttributeType: 'S' },
            { AttributeName: 'c', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName, KeySchema, Projection: { ProjectionType: 'KEYS_ONLY' } } }],
        }),
      );
    await create('asHash', [{ AttributeName: 'x', KeyType: 'HASH' }]);
    await waitForIndexes(ddb, plain);
    await create('asRange', [
      { AttributeName: 'c', KeyType: 'HASH' },
      { AttributeName: 'x', KeyType: 'RANGE' },
    ]);
    await waitForIndexes(ddb, plain);
    const scan = async (IndexName: string) =>
      ((await ddb.send(new ScanCommand({ TableName: plain, IndexName }))).Items ?? []).map((item) => item.p!.S).sort();
    assert.deepEqual(await scan('asHash'), ['p0', 'p1', 'p2']);
    assert.deepEqual(await scan('asRange'), ['p0']);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: plain }));
    assert.deepEqual(
      Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.ItemCount]).sort(),
      [
        ['asHash', 3],
        ['asRange', 1],
      ],
    );
  });
});
