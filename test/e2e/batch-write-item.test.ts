import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Key = Record<string, AttributeValue>;

const put = (item: Key): WriteRequest => ({ PutRequest: { Item: item } });
const del = (key: Key): WriteRequest => ({ DeleteRequest: { Key: key } });
const DUPLICATES = 'Provided list of item keys contains duplicates';
const SCHEMA = 'The provided key element does not match the schema';

describeEachBackend('BatchWriteItem', (target) => {
  let hashTable: string;
  let compositeTable: string;
  let numberTable: string;
  let lsiTable: string;
  before(async () => {
    const ddb = target().ddb;
    hashTable = await createTable(ddb, 'bw_hash');
    compositeTable = await createTable(ddb, 'bw_composite', { hash: ['pk', 'S'], range: ['sk', 'N'] });
    numberTable = await createTable(ddb, 'bw_number', { hash: ['id', 'N'] });
    lsiTable = await createTable(ddb, 'bw_lsi', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      indexes: [{ name: 'by_lk', local: true, range: ['lk', 'S'] }],
    });
  });

  const write = (requestItems: Record<string, WriteRequest[]>, extra: Partial<BatchWriteItemCommand['input']> = {}) =>
    target().ddb.send(new BatchWriteItemCommand({ RequestItems: requestItems, ...extra }));
  const get = async (table: string, key: Key) =>
    (await target().ddb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const validationError = async (requestItems: Record<string, WriteRequest[]>, message: string | RegExp) => {
    const error = await errorOf(() => write(requestItems));
    assert.equal(error.name, 'ValidationException');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
  };

  test('puts and deletes across tables, answering with empty UnprocessedItems', async () => {
    await target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: { pk: { S: 'gone' }, v: { S: 'old' } } }));
    const result = await write({
      [hashTable]: [put({ pk: { S: 'h1' }, v: { N: '1' } }), put({ pk: { S: 'h2' }, v: { N: '2' } }), del({ pk: { S: 'gone' } })],
      [compositeTable]: [put({ pk: { S: 'c' }, sk: { N: '1' }, v: { S: 'one' } }), put({ pk: { S: 'c' }, sk: { N: '2' } })],
    });
    assert.deepEqual(result.UnprocessedItems, {});
    assert.equal(result.ConsumedCapacity, undefined);
    assert.equal(result.ItemCollectionMetrics, undefined);
    assert.deepEqual(await get(hashTable, { pk: { S: 'h1' } }), { pk: { S: 'h1' }, v: { N: '1' } });
    assert.deepEqual(await get(hashTable, { pk: { S: 'h2' } }), { pk: { S: 'h2' }, v: { N: '2' } });
    assert.equal(await get(hashTable, { pk: { S: 'gone' } }), undefined);
    assert.deepEqual(await get(compositeTable, { pk: { S: 'c' }, sk: { N: '1' } }), { pk: { S: 'c' }, sk: { N: '1' }, v: { S: 'one' } });
    assert.deepEqual(await get(compositeTable, { pk: { S: 'c' }, sk: { N: '2' } }), { pk: { S: 'c' }, sk: { N: '2' } });
  });

  test('25 requests are accepted and all written', async () => {
    const requests = Array.from({ length: 25 }, (_, i) => put({ pk: { S: `many-${i}` }, i: { N: String(i) } }));
    const result = await write({ [hashTable]: requests });
    assert.deepEqual(result.UnprocessedItems, {});
    for (let i = 0; i < 25; i++) assert.deepEqual(await get(hashTable, { pk: { S: `many-${i}` } }), { pk: { S: `many-${i}` }, i: { N: String(i) } });
  });

  test('ConsumedCapacity is reported per table, by the larger of old and new item', async () => {
    const kilobytes = (n: number) => 'x'.repeat(n * 1024);
    await target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: { pk: { S: 'cap-old' }, d: { S: kilobytes(2) } } }));
    const result = await write(
      {
        [hashTable]: [put({ pk: { S: 'cap-new' }, d: { S: kilobytes(3) } }), del({ pk: { S: 'cap-old' } }), del({ pk: { S: 'cap-none' } })],
        [numberTable]: [put({ id: { N: '1' } })],
      },
      { ReturnConsumedCapacity: 'TOTAL' },
    );
    // 3 KB + a few bytes of names -> 4 units; the old 2 KB item -> 3 units; deleting nothing -> 1 unit
    // (live DynamoDB, as recorded by dynalite's tests; DynamoDB Local charges 2 there).
    assert.deepEqual(result.ConsumedCapacity, [
      { TableName: hashTable, CapacityUnits: 8 },
      { TableName: numberTable, CapacityUnits: 1 },
    ]);
    const indexes = await write({ [numberTable]: [put({ id: { N: '2' } })] }, { ReturnConsumedCapacity: 'INDEXES' });
    assert.deepEqual(indexes.ConsumedCapacity, [{ TableName: numberTable, CapacityUnits: 1, Table: { CapacityUnits: 1 } }]);
    const none = await write({ [numberTable]: [put({ id: { N: '3' } })] }, { ReturnConsumedCapacity: 'NONE' });
    assert.equal(none.ConsumedCapacity, undefined);
  });

  test('ItemCollectionMetrics lists each write to a table with a local secondary index', async () => {
    const result = await write(
      {
        [lsiTable]: [put({ pk: { S: 'col' }, sk: { S: '1' }, lk: { S: 'a' } }), del({ pk: { S: 'other' }, sk: { S: '2' } })],
        [hashTable]: [put({ pk: { S: 'no-lsi' } })],
      },
      { ReturnItemCollectionMetrics: 'SIZE' },
    );
    const metrics = result.ItemCollectionMetrics;
    assert.ok(metrics);
    assert.deepEqual(Object.keys(metrics), [lsiTable]);
    assert.deepEqual(
      metrics[lsiTable]!.map((m) => m.ItemCollectionKey),
      [{ pk: { S: 'col' } }, { pk: { S: 'other' } }],
    );
    for (const m of metrics[lsiTable]!) assert.equal(m.SizeEstimateRangeGB?.length, 2);
  });

  test('empty RequestItems is refused with DynamoDB message', async () => {
    await validationError({}, 'The requestItems parameter is required for BatchWriteItem');
  });

  test('more than 25 requests for a table is refused with the Coral map-value message', async () => {
    const requests = Array.from({ length: 26 }, (_, i) => put({ pk: { S: `over-${i}` } }));
    const name = hashTable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await validationError(
      { [hashTable]: requests },
      new RegExp(
        `^1 validation error detected: Value '\\{${name}=\\[WriteRequest\\(putRequest=PutRequest\\(item=\\{pk=AttributeValue\\(S=over-0\\)\\}\\)\\), .+\\]\\}' ` +
          `at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: ` +
          `\\[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\\]$`,
        's',
      ),
    );
    assert.equal(await get(hashTable, { pk: { S: 'over-0' } }), undefined);
  });

  test('more than 25 requests across tables are refused', async () => {
    const strings = Array.from({ length: 13 }, (_, i) => put({ pk: { S: `across-${i}` } }));
    const numbers = Array.from({ length: 13 }, (_, i) => put({ id: { N: String(9000 + i) } }));
    await validationError({ [hashTable]: strings, [numberTable]: numbers }, 'Too many items requested for the BatchWriteItem call');
    assert.equal(await get(hashTable, { pk: { S: 'across-0' } }), undefined);
  });

  test('an empty request list and a bad table name are Coral constraint errors', async () => {
    await validationError(
      { 'bad name!': [put({ pk: { S: 'x' } })], [hashTable]: [] },
      "2 validation errors detected: Value '{bad name!=[WriteRequest(putRequest=PutRequest(item={pk=AttributeValue(S=x)}))], " +
        `${hashTable}=[]}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: ` +
        '[Member must have length less than or equal to 255, Member must have length greater than or equal to 1, ' +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; ' +
        "Value '{bad name!=[WriteRequest(putRequest=PutRequest(item={pk=AttributeValue(S=x)}))], " +
        `${hashTable}=[]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: ` +
        '[Member must have length less than or equal to 25, Member must have length greater than or equal to 1]',
    );
  });

  test('a write request with neither or both of PutRequest and DeleteRequest is refused', async () => {
    const message = 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
    await validationError({ [hashTable]: [put({ pk: { S: 'fine' } }), {}] }, message);
    await validationError({ [hashTable]: [{ PutRequest: { Item: { pk: { S: 'a' } } }, DeleteRequest: { Key: { pk: { S: 'b' } } } }] }, message);
    // Checked before the table is looked up.
    await validationError({ nonexistent_table_bw: [{}] }, message);
    assert.equal(await get(hashTable, { pk: { S: 'fine' } }), undefined);
  });

  test('two requests for one item are refused, nothing written', async () => {
    await validationError({ [hashTable]: [put({ pk: { S: 'dup' } }), del({ pk: { S: 'dup' } })] }, DUPLICATES);
    await validationError({ [hashTable]: [del({ pk: { S: 'dup' } }), put({ pk: { S: 'dup' }, v: { S: 'x' } })] }, DUPLICATES);
    await validationError({ [hashTable]: [put({ pk: { S: 'dup' }, v: { S: '1' } }), put({ pk: { S: 'dup' }, v: { S: '2' } })] }, DUPLICATES);
    await validationError({ [numberTable]: [put({ id: { N: '10' } }), del({ id: { N: '10.0' } })] }, DUPLICATES);
    await validationError({ [compositeTable]: [put({ pk: { S: 'd' }, sk: { N: '1' } }), put({ pk: { S: 'd' }, sk: { N: '1E0' } })] }, DUPLICATES);
    assert.equal(await get(hashTable, { pk: { S: 'dup' } }), undefined);
    // The same key in two tables is two items.
    await write({ [hashTable]: [put({ pk: { S: 'same' } })], [lsiTable]: [put({ pk: { S: 'same' }, sk: { S: 'same' } })] });
  });

  test('a missing table is ResourceNotFoundException, checked before duplicate keys', async () => {
    const error = await errorOf(() => write({ nonexistent_table_bw: [put({ pk: { S: 'a' } }), del({ pk: { S: 'a' } })] }));
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(error.message, 'Requested resource not found');
    const second = await errorOf(() => write({ [hashTable]: [put({ pk: { S: 'before-missing' } })], nonexistent_table_bw: [put({ pk: { S: 'a' } })] }));
    assert.equal(second.name, 'ResourceNotFoundException');
    assert.equal(await get(hashTable, { pk: { S: 'before-missing' } }), undefined);
  });

  test('items and keys that do not match the key schema are refused', async () => {
    for (const item of [{}, { other: { S: 'a' } }, { pk: { N: '1' } }, { pk: { SS: ['a'] } }] as Key[]) {
      await validationError({ [hashTable]: [put(item)] }, SCHEMA);
    }
    await validationError({ [compositeTable]: [put({ pk: { S: 'a' } })] }, SCHEMA);
    for (const key of [{}, { pk: { S: 'a' }, extra: { S: 'b' } }, { pk: { B: 'AQ==' } }] as unknown as Key[]) {
      await validationError({ [hashTable]: [del(key)] }, SCHEMA);
    }
    await validationError({ [compositeTable]: [del({ pk: { S: 'a' } })] }, SCHEMA);
    await validationError(
      { [hashTable]: [put({ pk: { S: 'x'.repeat(2049) } })] },
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    );
  });

  test('a put whose index key attribute has the wrong type is refused, nothing written', async () => {
    const error = await errorOf(() =>
      write({
        [hashTable]: [put({ pk: { S: 'idx-first' } })],
        [lsiTable]: [put({ pk: { S: 'idx' }, sk: { S: '1' }, lk: { N: '1' } })],
      }),
    );
    assert.equal(error.name, 'ValidationException');
    assert.match(error.message, /^One or more parameter values were invalid: Type mismatch for Index Key lk Expected: S Actual: N IndexName: by_lk$/);
    assert.equal(await get(hashTable, { pk: { S: 'idx-first' } }), undefined);
  });

  test('invalid values and oversized items are refused before the table is looked up', async () => {
    await validationError(
      { nonexistent_table_bw: [put({ pk: { S: 'a' }, s: { SS: [] } })] },
      'One or more parameter values were invalid: An string set  may not be empty',
    );
    await validationError({ nonexistent_table_bw: [del({ pk: { N: 'abc' } })] }, 'The parameter cannot be converted to a numeric value: abc');
    const fits = 409600 - 2 - 1 - 4;
    await validationError(
      { nonexistent_table_bw: [put({ pk: { S: 'a' }, data: { S: 'x'.repeat(fits + 1) } })] },
      'Item size has exceeded the maximum allowed size',
    );
    await write({ [hashTable]: [put({ pk: { S: 'a' }, data: { S: 'x'.repeat(fits) } })] });
  });

  test('an invalid ReturnConsumedCapacity is reported before RequestItems problems', async () => {
    const error = await errorOf(() =>
      write({ [hashTable]: [] }, { ReturnConsumedCapacity: 'ALL' as 'TOTAL' }),
    );
    assert.equal(error.name, 'ValidationException');
    assert.match(error.message, /^2 validation errors detected: Value 'ALL' at 'returnConsumedCapacity'.*; Value '\{.*\}' at 'requestItems'/);
  });

  test('the DocumentClient BatchWriteCommand writes plain objects', async () => {
    const result = await target().doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [compositeTable]: [
            { PutRequest: { Item: { pk: 'doc', sk: 1, tags: new Set(['a', 'b']), nested: { n: 1.5 } } } },
            { PutRequest: { Item: { pk: 'doc', sk: 2 } } },
          ],
        },
      }),
    );
    assert.deepEqual(result.UnprocessedItems, {});
    const { Item } = await target().doc.send(new GetCommand({ TableName: compositeTable, Key: { pk: 'doc', sk: 1 }, ConsistentRead: true }));
    assert.deepEqual(Item, { pk: 'doc', sk: 1, tags: new Set(['a', 'b']), nested: { n: 1.5 } });
    await target().doc.send(new BatchWriteCommand({ RequestItems: { [compositeTable]: [{ DeleteRequest: { Key: { pk: 'doc', sk: 1 } } }] } }));
    const after = await target().doc.send(new GetCommand({ TableName: compositeTable, Key: { pk: 'doc', sk: 1 }, ConsistentRead: true }));
    assert.equal(after.Item, undefined);
  });
});
