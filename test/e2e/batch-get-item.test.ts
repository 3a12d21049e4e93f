import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  PutItemCommand,
  type AttributeValue,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

const byPk = (items: readonly Item[] | undefined) =>
  [...(items ?? [])].sort((a, b) => (a.pk?.S ?? '').localeCompare(b.pk?.S ?? ''));

describeEachBackend('BatchGetItem', (target) => {
  let hashTable: string;
  let compositeTable: string;
  let numberTable: string;
  let bigTable: string;
  const stored: Item[] = [
    { pk: { S: 'a' }, n: { N: '1' }, m: { M: { x: { S: 'inner' }, y: { N: '2' } } } },
    { pk: { S: 'b' }, n: { N: '2' }, s: { S: 'bee' } },
    { pk: { S: 'c' }, n: { N: '3' } },
  ];
  before(async () => {
    const ddb = target().ddb;
    hashTable = await createTable(ddb, 'bg_hash');
    compositeTable = await createTable(ddb, 'bg_composite', { hash: ['pk', 'S'], range: ['sk', 'N'] });
    numberTable = await createTable(ddb, 'bg_number', { hash: ['id', 'N'] });
    bigTable = await createTable(ddb, 'bg_big');
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [hashTable]: stored.map((Item) => ({ PutRequest: { Item } })) } }));
    await ddb.send(new PutItemCommand({ TableName: compositeTable, Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'comp' } } }));
  });

  const read = (requestItems: Record<string, KeysAndAttributes>, extra: Partial<BatchGetItemCommand['input']> = {}) =>
    target().ddb.send(new BatchGetItemCommand({ RequestItems: requestItems, ...extra }));
  const validationError = async (requestItems: Record<string, KeysAndAttributes>, message: string) => {
    const error = await errorOf(() => read(requestItems));
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
  };

  test('returns the items that exist, per table, with empty UnprocessedKeys', async () => {
    const result = await read({
      [hashTable]: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'missing' } }, { pk: { S: 'c' } }] },
      [compositeTable]: { Keys: [{ pk: { S: 'a' }, sk: { N: '1' } }, { pk: { S: 'a' }, sk: { N: '2' } }] },
      [numberTable]: { Keys: [{ id: { N: '1' } }] },
    });
    assert.deepEqual(byPk(result.Responses?.[hashTable]), [stored[0], stored[2]]);
    assert.deepEqual(result.Responses?.[compositeTable], [{ pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'comp' } }]);
    assert.deepEqual(result.Responses?.[numberTable], []);
    assert.deepEqual(result.UnprocessedKeys, {});
    assert.equal(result.ConsumedCapacity, undefined);
  });

  test('ProjectionExpression and AttributesToGet apply per table, without adding the key', async () => {
    const result = await read({
      [hashTable]: {
        Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }, { pk: { S: 'c' } }],
        ProjectionExpression: '#m.x, s',
        ExpressionAttributeNames: { '#m': 'm' },
      },
    });
    const items = result.Responses?.[hashTable] ?? [];
    assert.equal(items.length, 3);
    assert.deepEqual(
      items.map((item) => JSON.stringify(item)).sort(),
      ['{"m":{"M":{"x":{"S":"inner"}}}}', '{"s":{"S":"bee"}}', '{}'],
    );
    const legacy = await read({ [compositeTable]: { Keys: [{ pk: { S: 'a' }, sk: { N: '1' } }], AttributesToGet: ['v', 'nothing'] } });
    assert.deepEqual(legacy.Responses?.[compositeTable], [{ v: { S: 'comp' } }]);
  });

  test('ConsumedCapacity per table: a read unit per 4 KB, halved unless consistent, missing items included', async () => {
    await target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: { pk: { S: 'big' }, d: { S: 'x'.repeat(5000) } } }));
    const keys = [{ pk: { S: 'big' } }, { pk: { S: 'a' } }, { pk: { S: 'nope' } }];
    const eventual = await read({ [hashTable]: { Keys: keys }, [numberTable]: { Keys: [{ id: { N: '5' } }] } }, { ReturnConsumedCapacity: 'TOTAL' });
    assert.deepEqual(eventual.ConsumedCapacity, [
      { TableName: hashTable, CapacityUnits: 2 },
      { TableName: numberTable, CapacityUnits: 0.5 },
    ]);
    const consistent = await read({ [hashTable]: { Keys: keys, ConsistentRead: true } }, { ReturnConsumedCapacity: 'INDEXES' });
    assert.deepEqual(consistent.ConsumedCapacity, [{ TableName: hashTable, CapacityUnits: 4, Table: { CapacityUnits: 4 } }]);
  });

  test('empty RequestItems is refused with DynamoDB message', async () => {
    await validationError({}, 'The requestItems parameter is required for BatchGetItem');
  });

  test('more than 100 keys for one table, or over all tables, is refused', async () => {
    const keys = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ pk: { S: `${prefix}${i}` } }));
    await validationError(
      { [hashTable]: { Keys: keys(101, 'k') } },
      `1 validation error detected: Value at 'RequestItems.${hashTable}.member.Keys' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 100',
    );
    await validationError(
      { [hashTable]: { Keys: keys(60, 'k') }, [bigTable]: { Keys: keys(41, 'k') } },
      'Too many items requested for the BatchGetItem call',
    );
    const exactly = await read({ [hashTable]: { Keys: keys(60, 'k') }, [bigTable]: { Keys: keys(40, 'k') } });
    assert.deepEqual(exactly.Responses, { [hashTable]: [], [bigTable]: [] });
  });

  test('duplicate keys are refused, numbers compared by value, before the table is looked up', async () => {
    const message = 'Provided list of item keys contains duplicates';
    await validationError({ [hashTable]: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }, { pk: { S: 'a' } }] } }, message);
    await validationError({ [numberTable]: { Keys: [{ id: { N: '1.50' } }, { id: { N: '15E-1' } }] } }, message);
    await validationError({ nonexistent_table_bg: { Keys: [{ pk: { S: 'x' } }, { pk: { S: 'x' } }] } }, message);
    await validationError(
      { [compositeTable]: { Keys: [{ pk: { S: 'a' }, sk: { N: '1' } }, { sk: { N: '1' }, pk: { S: 'a' } }] } },
      message,
    );
    // The same key in two tables is fine.
    await read({ [hashTable]: { Keys: [{ pk: { S: 'a' } }] }, [bigTable]: { Keys: [{ pk: { S: 'a' } }] } });
  });

  test('a missing table is ResourceNotFoundException', async () => {
    const error = await errorOf(() => read({ [hashTable]: { Keys: [{ pk: { S: 'a' } }] }, nonexistent_table_bg: { Keys: [{ pk: { S: 'a' } }] } }));
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(error.message, 'Requested resource not found');
  });

  test('keys that do not match the key schema are refused', async () => {
    const message = 'The provided key element does not match the schema';
    for (const key of [{}, { other: { S: 'a' } }, { pk: { N: '1' } }, { pk: { S: 'a' }, extra: { S: 'b' } }] as Item[]) {
      await validationError({ [hashTable]: { Keys: [key] } }, message);
    }
    await validationError({ [compositeTable]: { Keys: [{ pk: { S: 'a' } }] } }, message);
    await validationError({ [hashTable]: { Keys: [{ pk: { NS: [] } }] } }, 'One or more parameter values were invalid: An number set  may not be empty');
  });

  test('expression parameter rules apply per table', async () => {
    await validationError(
      { [hashTable]: { Keys: [{ pk: { S: 'a' } }], AttributesToGet: ['n'], ProjectionExpression: 'n' } },
      'Can not use both expression and non-expression parameters in the same request: ' +
        'Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
    );
    await validationError(
      { [hashTable]: { Keys: [{ pk: { S: 'a' } }], AttributesToGet: ['n', 'n'] } },
      'One or more parameter values were invalid: Duplicate value in attribute name: n',
    );
    await validationError(
      { [hashTable]: { Keys: [{ pk: { S: 'a' } }], ProjectionExpression: 'n', ExpressionAttributeNames: { '#unused': 'x' } } },
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}',
    );
  });

  test('a response stops at 16 MB and leaves the other keys in UnprocessedKeys, ready to resend', async () => {
    // Items of exactly 400 KB: 40 of them fit in 16 MB, the 41st does not.
    const filler = 'x'.repeat(409600 - 2 - 4 - 1 - 3);
    const keys = Array.from({ length: 100 }, (_, i) => ({ pk: { S: String(i).padStart(3, '0') } }));
    for (let start = 0; start < keys.length; start += 25) {
      await target().ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [bigTable]: keys.slice(start, start + 25).map((key) => ({ PutRequest: { Item: { ...key, data: { S: filler } } } })) },
        }),
      );
    }
    const first = await read(
      { [bigTable]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk' } },
      { ReturnConsumedCapacity: 'TOTAL' },
    );
    assert.equal(first.Responses?.[bigTable]?.length, 40);
    assert.deepEqual(first.ConsumedCapacity, [{ TableName: bigTable, CapacityUnits: 40 * 100 }]);
    const unprocessed = first.UnprocessedKeys?.[bigTable];
    assert.ok(unprocessed);
    assert.equal(unprocessed.Keys?.length, 60);
    assert.equal(unprocessed.ConsistentRead, true);
    assert.equal(unprocessed.ProjectionExpression, 'pk');
    const seen = new Set((first.Responses?.[bigTable] ?? []).map((item) => item.pk?.S));
    let pending = first.UnprocessedKeys;
    while (pending !== undefined && Object.keys(pending).length > 0) {
      const next = await read(pending);
      for (const item of next.Responses?.[bigTable] ?? []) seen.add(item.pk?.S);
      pending = next.UnprocessedKeys;
    }
    assert.equal(seen.size, 100);
  });

  test('the DocumentClient BatchGetCommand reads plain objects', async () => {
    const result = await target().doc.send(
      new BatchGetCommand({
        RequestItems: {
          [hashTable]: { Keys: [{ pk: 'b' }, { pk: 'zzz' }], ConsistentRead: true },
          [compositeTable]: { Keys: [{ pk: 'a', sk: 1 }] },
        },
      }),
    );
    assert.deepEqual(result.Responses?.[hashTable], [{ pk: 'b', n: 2, s: 'bee' }]);
    assert.deepEqual(result.Responses?.[compositeTable], [{ pk: 'a', sk: 1, v: 'comp' }]);
    assert.deepEqual(result.UnprocessedKeys, {});
  });
});
