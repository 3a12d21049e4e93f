import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { clientFor, describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

/** pk/sk table with an LSI on lsk (KEYS_ONLY), a GSI on g (ALL) and a GSI on n + sk (INCLUDE data). */
function indexedTable(ddb: DynamoDBClient): Promise<string> {
  return createTable(ddb, 'idx', {
    hash: ['pk', 'S'],
    range: ['sk', 'S'],
    indexes: [
      { name: 'byLsk', local: true, range: ['lsk', 'S'], projection: 'KEYS_ONLY' },
      { name: 'byG', hash: ['g', 'S'] },
      { name: 'byN', hash: ['n', 'N'], range: ['sk', 'S'], projection: ['data'] },
    ],
  });
}

async function indexCounts(ddb: DynamoDBClient, TableName: string): Promise<Record<string, [number, number]>> {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  const out: Record<string, [number, number]> = {};
  for (const index of [...(Table?.LocalSecondaryIndexes ?? []), ...(Table?.GlobalSecondaryIndexes ?? [])]) {
    out[index.IndexName!] = [index.ItemCount!, index.IndexSizeBytes!];
  }
  return out;
}

async function queryIndex(ddb: DynamoDBClient, TableName: string, IndexName: string, name: string, value: AttributeValue): Promise<Item[]> {
  const { Items } = await ddb.send(
    new QueryCommand({
      TableName,
      IndexName,
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': name },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
  return Items ?? [];
}

describeEachBackend('secondary index maintenance', (target) => {
  test('entries appear, move and disappear with puts, updates and deletes', async () => {
    const { ddb } = target();
    const TableName = await indexedTable(ddb);
    assert.deepEqual(await indexCounts(ddb, TableName), { byLsk: [0, 0], byG: [0, 0], byN: [0, 0] });

    // 2+1 + 2+1 + 1+2 + 4+5 = 18 bytes; byG holds it all, byN holds pk, sk, n, data.
    const item: Item = { pk: { S: 'a' }, sk: { S: '1' }, g: { S: 'x1' }, data: { S: 'hello' } };
    await ddb.send(new PutItemCommand({ TableName, Item: item }));
    assert.deepEqual(await indexCounts(ddb, TableName), { byLsk: [0, 0], byG: [1, 18], byN: [0, 0] });

    await ddb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'a' }, sk: { S: '1' } },
        UpdateExpression: 'SET g = :g, n = :n, lsk = :l',
        ExpressionAttributeValues: { ':g': { S: 'x2' }, ':n': { N: '7' }, ':l': { S: 'z' } },
      }),
    );
    // Item: pk 3, sk 3, g 3, data 9, n 1+2, lsk 3+1 = 25. byN: pk, sk, n, data = 18. byLsk: pk, sk, lsk = 10.
    assert.deepEqual(await indexCounts(ddb, TableName), { byLsk: [1, 10], byG: [1, 25], byN: [1, 18] });
    assert.equal((await queryIndex(ddb, TableName, 'byG', 'g', { S: 'x1' })).length, 0);
    const moved = await queryIndex(ddb, TableName, 'byG', 'g', { S: 'x2' });
    assert.deepEqual(moved.map((found) => found.data?.S), ['hello']);
    const projected = await queryIndex(ddb, TableName, 'byN', 'n', { N: '7' });
    assert.deepEqual(Object.keys(projected[0] ?? {}).sort(), ['data', 'n', 'pk', 'sk']);

    await ddb.send(new UpdateItemCommand({ TableName, Key: { pk: { S: 'a' }, sk: { S: '1' } }, UpdateExpression: 'REMOVE g' }));
    assert.deepEqual(await indexCounts(ddb, TableName), { byLsk: [1, 10], byG: [0, 0], byN: [1, 18] });

    await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'a' }, sk: { S: '1' } } }));
    assert.deepEqual(await indexCounts(ddb, TableName), { byLsk: [0, 0], byG: [0, 0], byN: [0, 0] });
  });

  test('a sparse index holds only items that have all its key attributes', async () => {
    const { ddb } = target();
    const TableName = await indexedTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { S: '1' }, n: { N: '1' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { S: '2' }, g: { S: 'x' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { S: '3' } } }));
    const counts = await indexCounts(ddb, TableName);
    assert.equal(counts.byG?.[0], 1);
    assert.equal(counts.byN?.[0], 1);
    assert.equal(counts.byLsk?.[0], 0);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table?.ItemCount, 3);
    assert.match(Table?.GlobalSecondaryIndexes?.[0]?.IndexArn ?? '', /:table\/idx_.*\/index\/byG$/);
  });

  test('index key values of the wrong type or empty are refused', async () => {
    const { ddb } = target();
    const TableName = await indexedTable(ddb);
    const key = { pk: { S: 'k' }, sk: { S: '1' } };
    const put = (extra: Item) => errorOf(() => ddb.send(new PutItemCommand({ TableName, Item: { ...key, ...extra } })));

    let error = await put({ g: { N: '1' } });
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: byG');
    error = await put({ lsk: { M: {} } });
    assert.equal(error.message, 'One or more parameter values were invalid: Type mismatch for Index Key lsk Expected: S Actual: M IndexName: byLsk');
    // Several indexes object: DynamoDB names the first by name.
    error = await put({ n: { S: 'x' }, g: { BOOL: true } });
    assert.equal(error.message, 'One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: BOOL IndexName: byG');
    error = await put({ g: { S: '' } });
    assert.equal(
      error.message,
      'One or more parameter values are not valid. A value specified for a secondary index key is not supported. ' +
        'The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byG, IndexKey: g',
    );

    const update = (expression: string, value: AttributeValue) =>
      errorOf(() => ddb.send(new UpdateItemCommand({ TableName, Key: key, UpdateExpression: expression, ExpressionAttributeValues: { ':v': value } })));
    error = await update('SET n = :v', { S: 'seven' });
    assert.equal(error.message, 'One or more parameter values were invalid: Type mismatch for Index Key n Expected: N Actual: S IndexName: byN');
    error = await update('SET g = :v', { S: '' });
    assert.equal(
      error.message,
      'One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. ' +
        'The AttributeValue for a key attribute cannot contain an empty string value.',
    );
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table?.ItemCount, 0, 'no refused write was stored');
  });

  test('ReturnItemCollectionMetrics reports the partition of a table with local indexes', async () => {
    const { ddb } = target();
    const TableName = await indexedTable(ddb);
    const { ItemCollectionMetrics } = await ddb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'c' }, sk: { S: '1' }, lsk: { S: 'l' } }, ReturnItemCollectionMetrics: 'SIZE' }),
    );
    assert.deepEqual(ItemCollectionMetrics, { ItemCollectionKey: { pk: { S: 'c' } }, SizeEstimateRangeGB: [0, 1] });
    const deleted = await ddb.send(
      new DeleteItemCommand({ TableName, Key: { pk: { S: 'c' }, sk: { S: '1' } }, ReturnItemCollectionMetrics: 'SIZE' }),
    );
    assert.deepEqual(deleted.ItemCollectionMetrics?.ItemCollectionKey, { pk: { S: 'c' } });
  });
});

describe('item collection size limit', () => {
  // Items below are 2+1 + 2+1 + 3+1 + 4+40 = 54 bytes plus a 10-byte byLsk entry: 64 bytes each.
  const LIMIT = 200;
  let server: RunningServer;
  let ddb: DynamoDBClient;
  before(async () => {
    server = await startServer(
      { ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', itemCollectionLimitBytes: LIMIT },
      createLogger('silent'),
    );
    ddb = clientFor(server.endpoint);
  });
  after(async () => {
    ddb.destroy();
    await server.close();
  });

  test('a write that grows a collection past the limit fails; others in the table do not', async () => {
    const TableName = await indexedTable(ddb);
    const put = (pk: string, sk: string, data = 'd'.repeat(40)) =>
      ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, sk: { S: sk }, lsk: { S: 'l' }, data: { S: data } } }));
    for (const sk of ['1', '2', '3']) await put('p', sk);
    const error = await errorOf(() => put('p', '4'));
    assert.equal(error.name, 'ItemCollectionSizeLimitExceededException');
    assert.equal(error.message, 'Collection size exceeded.');
    await put('q', '1');
    // Shrinking an item in a full collection is allowed, and makes room.
    await put('p', '1', 'd');
    await put('p', '4', 'd');
    await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'p' }, sk: { S: '2' } } }));
    await put('p', '5');
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table?.ItemCount, 5);
  });
});
