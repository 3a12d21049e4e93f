import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const cancelled = (codes: string[]) => `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`;

describeEachBackend('TransactWriteItems and TransactGetItems', (target) => {
  let table: string;
  let other: string;
  let indexed: string;
  before(async () => {
    const ddb = target().ddb;
    table = await createTable(ddb, 'tx_hash');
    other = await createTable(ddb, 'tx_composite', { hash: ['pk', 'S'], range: ['sk', 'N'] });
    indexed = await createTable(ddb, 'tx_indexed', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      indexes: [
        { name: 'by_lk', local: true, range: ['lk', 'S'] },
        { name: 'by_gk', hash: ['gk', 'S'] },
      ],
    });
  });

  const send = (items: TransactWriteItem[], extra: Partial<ConstructorParameters<typeof TransactWriteItemsCommand>[0]> = {}) =>
    target().ddb.send(new TransactWriteItemsCommand({ TransactItems: items, ...extra }));
  const get = async (name: string, key: Item) =>
    (await target().ddb.send(new GetItemCommand({ TableName: name, Key: key, ConsistentRead: true }))).Item;
  const put = (name: string, item: Item) => target().ddb.send(new PutItemCommand({ TableName: name, Item: item }));

  test('Put, Update, Delete and ConditionCheck across two tables apply together', async () => {
    await put(table, { pk: s('a-upd'), count: n(1) });
    await put(other, { pk: s('a-del'), sk: n(1) });
    await put(table, { pk: s('a-chk'), state: s('open') });
    const response = await send([
      { Put: { TableName: table, Item: { pk: s('a-new'), v: s('x') }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Update: { TableName: table, Key: { pk: s('a-upd') }, UpdateExpression: 'ADD #c :one', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':one': n(1) } } },
      { Delete: { TableName: other, Key: { pk: s('a-del'), sk: n(1) } } },
      { ConditionCheck: { TableName: table, Key: { pk: s('a-chk') }, ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':open': s('open') } } },
    ]);
    assert.equal(response.ConsumedCapacity, undefined);
    assert.deepEqual(await get(table, { pk: s('a-new') }), { pk: s('a-new'), v: s('x') });
    assert.deepEqual((await get(table, { pk: s('a-upd') }))?.count, n(2));
    assert.equal(await get(other, { pk: s('a-del'), sk: n(1) }), undefined);
  });

  test('a failed condition cancels every action, with reasons in request order', async () => {
    await put(table, { pk: s('b-taken'), v: s('old') });
    const error = await errorOf(() =>
      send([
        { Put: { TableName: table, Item: { pk: s('b-free'), v: s('new') }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: table, Item: { pk: s('b-taken'), v: s('new') }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        { ConditionCheck: { TableName: table, Key: { pk: s('b-none') }, ConditionExpression: 'attribute_exists(pk)' } },
      ]),
    );
    assert.equal(error.name, 'TransactionCanceledException');
    assert.equal(error.message, cancelled(['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed']));
    assert.deepEqual(error.CancellationReasons, [
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: s('b-taken'), v: s('old') } },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
    assert.equal(await get(table, { pk: s('b-free') }), undefined);
    assert.deepEqual(await get(table, { pk: s('b-taken') }), { pk: s('b-taken'), v: s('old') });
  });

  test('shopping cart: checkout decrements stock and creates the order, or changes nothing', async () => {
    for (const [sku, stock] of [['apple', 5], ['pear', 1], ['plum', 3]] as const) await put(table, { pk: s(`stock-${sku}`), stock: n(stock) });
    const checkout = (order: string, lines: [string, number][]) =>
      send([
        ...lines.map(([sku, qty]): TransactWriteItem => ({
          Update: {
            TableName: table,
            Key: { pk: s(`stock-${sku}`) },
            UpdateExpression: 'SET stock = stock - :q',
            ConditionExpression: 'stock >= :q',
            ExpressionAttributeValues: { ':q': n(qty) },
          },
        })),
        { Put: { TableName: table, Item: { pk: s(`order-${order}`), lines: n(lines.length) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
    await checkout('1', [['apple', 2], ['pear', 1]]);
    const error = await errorOf(() => checkout('2', [['apple', 1], ['pear', 1], ['plum', 1]]));
    assert.equal(error.message, cancelled(['None', 'ConditionalCheckFailed', 'None', 'None']));
    const stocks = await Promise.all(['apple', 'pear', 'plum'].map(async (sku) => (await get(table, { pk: s(`stock-${sku}`) }))?.stock));
    assert.deepEqual(stocks, [n(3), n(0), n(3)]);
    assert.ok(await get(table, { pk: s('order-1') }));
    assert.equal(await get(table, { pk: s('order-2') }), undefined);
  });

  test('request-level faults: duplicates, missing tables, empty lists, bad expressions, sizes', async () => {
    const dup = await errorOf(() =>
      send([
        { Put: { TableName: table, Item: { pk: s('c-dup') } } },
        { ConditionCheck: { TableName: table, Key: { pk: s('c-dup') }, ConditionExpression: 'attribute_exists(pk)' } },
      ]),
    );
    assert.deepEqual([dup.name, dup.message], ['ValidationException', 'Transaction request cannot include multiple operations on one item']);
    const missing = await errorOf(() => send([{ Put: { TableName: 'tx_no_such_table', Item: { pk: s('x') } } }]));
    assert.deepEqual([missing.name, missing.message], ['ResourceNotFoundException', 'Requested resource not found']);
    const empty = await errorOf(() => send([]));
    assert.equal(empty.message, "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const syntax = await errorOf(() => send([{ Update: { TableName: table, Key: { pk: s('x') }, UpdateExpression: 'SET =' } }]));
    assert.equal(syntax.message, 'Invalid UpdateExpression: Syntax error; token: "=", near: "SET ="');
    const none = await errorOf(() => send([{}]));
    assert.equal(none.message, 'Invalid Request: TransactWriteRequest should contain Delete or Put or Update request');
    const tooMany = await errorOf(() => send(Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: table, Item: { pk: s(`c-${i}`) } } }))));
    assert.match(tooMany.message, /Member must have length less than or equal to 100$/);
    const big = 'x'.repeat(350_000);
    const huge = await errorOf(() => send(Array.from({ length: 12 }, (_, i) => ({ Put: { TableName: table, Item: { pk: s(`c-big-${i}`), p: s(big) } } }))));
    assert.equal(huge.name, 'ValidationException');
    // Counted up to the item that crosses 4 MB (here the last): 12 items of 2 + 7 or 8 + 1 + 350,000 bytes by DynamoDB's size rules.
    assert.equal(huge.message, 'Transaction payload size cannot exceed 4MB. Payload Size: 4200122');
    assert.equal(await get(table, { pk: s('c-big-0') }), undefined);
    const large = await errorOf(() => send([{ Put: { TableName: table, Item: { pk: s('c-large'), p: s('x'.repeat(410_000)) } } }]));
    assert.equal(large.message, 'Item size has exceeded the maximum allowed size');
  });

  test('a key that does not match the schema cancels with ValidationError', async () => {
    const error = await errorOf(() =>
      send([
        { Put: { TableName: table, Item: { pk: s('d-ok') } } },
        { Delete: { TableName: table, Key: { nope: s('x') } } },
      ]),
    );
    assert.equal(error.message, cancelled(['None', 'ValidationError']));
    assert.deepEqual(error.CancellationReasons, [{ Code: 'None' }, { Code: 'ValidationError', Message: 'The provided key element does not match the schema' }]);
    assert.equal(await get(table, { pk: s('d-ok') }), undefined);
  });

  // Alternator's test_transact_write_cancellation_reasons_validationerror, recorded against DynamoDB.
  test('several invalid keys: only the first is a ValidationError, and no condition is evaluated', async () => {
    const error = await errorOf(() =>
      send([
        { Put: { TableName: table, Item: { pk: n(7) } } },
        { Put: { TableName: table, Item: { pk: n(8) } } },
        { Put: { TableName: table, Item: { pk: s('d-cond') }, ConditionExpression: 'attribute_exists(pk)' } },
      ]),
    );
    assert.equal(error.message, cancelled(['ValidationError', 'None', 'None']));
    assert.equal((error.CancellationReasons as { Code: string }[]).length, 3);
    const gets = await errorOf(() =>
      target().ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: { pk: s('x') } } }, { Get: { TableName: table, Key: {} } }, { Get: { TableName: table, Key: { nope: s('x') } } }] })),
    );
    assert.equal(gets.message, cancelled(['None', 'ValidationError', 'None']));
  });

  test('an update that writes a key attribute is that action\'s ValidationError', async () => {
    await put(other, { pk: s('f-key'), sk: n(1) });
    const error = await errorOf(() =>
      send([
        { Put: { TableName: table, Item: { pk: s('f-ok') } } },
        { Update: { TableName: other, Key: { pk: s('f-key'), sk: n(1) }, UpdateExpression: 'SET v = :v, sk = :v', ExpressionAttributeValues: { ':v': n(2) } } },
      ]),
    );
    assert.deepEqual(error.CancellationReasons, [
      { Code: 'None' },
      { Code: 'ValidationError', Message: 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key' },
    ]);
    assert.equal(await get(table, { pk: s('f-ok') }), undefined);
  });

  test('an update growing an item past 400 KB is that action\'s ValidationError', async () => {
    await put(table, { pk: s('e-big'), p: s('x'.repeat(300_000)) });
    const error = await errorOf(() =>
      send([{ Update: { TableName: table, Key: { pk: s('e-big') }, UpdateExpression: 'SET q = :q', ExpressionAttributeValues: { ':q': s('y'.repeat(200_000)) } } }]),
    );
    assert.deepEqual(error.CancellationReasons, [{ Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' }]);
  });

  test('ClientRequestToken: a replay applies once and answers the same; another request with it is refused', async () => {
    await put(table, { pk: s('f-counter'), n: n(0) });
    const token = `tok-${Date.now()}`;
    const request = [{ Update: { TableName: table, Key: { pk: s('f-counter') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': n(1) } } }];
    const first = await send(request, { ClientRequestToken: token, ReturnConsumedCapacity: 'TOTAL' });
    const again = await send(request, { ClientRequestToken: token, ReturnConsumedCapacity: 'TOTAL' });
    assert.deepEqual(again.ConsumedCapacity, first.ConsumedCapacity);
    assert.deepEqual((await get(table, { pk: s('f-counter') }))?.n, n(1));
    const mismatch = await errorOf(() => send([{ Put: { TableName: table, Item: { pk: s('f-other') } } }], { ClientRequestToken: token }));
    assert.equal(mismatch.name, 'IdempotentParameterMismatchException');
    assert.equal(await get(table, { pk: s('f-other') }), undefined);
    await send(request, { ClientRequestToken: `${token}-b` });
    assert.deepEqual((await get(table, { pk: s('f-counter') }))?.n, n(2));
  });

  test('capacity: writes cost twice per KB on the table, reads twice per 4 KB', async () => {
    const written = await send(
      [
        { Put: { TableName: table, Item: { pk: s('g-1'), p: s('x'.repeat(1500)) } } },
        { Put: { TableName: other, Item: { pk: s('g-2'), sk: n(1) } } },
      ],
      { ReturnConsumedCapacity: 'TOTAL' },
    );
    assert.deepEqual(written.ConsumedCapacity, [
      { TableName: table, CapacityUnits: 4 },
      { TableName: other, CapacityUnits: 2 },
    ]);
    const read = await target().ddb.send(
      new TransactGetItemsCommand({
        TransactItems: [{ Get: { TableName: table, Key: { pk: s('g-1') } } }, { Get: { TableName: table, Key: { pk: s('g-missing') } } }],
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    assert.deepEqual(read.ConsumedCapacity, [{ TableName: table, CapacityUnits: 4, Table: { CapacityUnits: 4 } }]);
  });

  test('index entries and item collection metrics follow the transaction', async () => {
    const response = await send(
      [
        { Put: { TableName: indexed, Item: { pk: s('h'), sk: s('1'), lk: s('l1'), gk: s('g-h') } } },
        { Put: { TableName: indexed, Item: { pk: s('h'), sk: s('2'), lk: s('l2'), gk: s('g-h') } } },
      ],
      { ReturnItemCollectionMetrics: 'SIZE' },
    );
    const metrics = response.ItemCollectionMetrics?.[indexed];
    assert.equal(metrics?.length, 2);
    assert.deepEqual(metrics?.[0]?.ItemCollectionKey, { pk: s('h') });
    const byGk = await target().ddb.send(new QueryCommand({ TableName: indexed, IndexName: 'by_gk', KeyConditionExpression: 'gk = :g', ExpressionAttributeValues: { ':g': s('g-h') } }));
    assert.equal(byGk.Count, 2);
    await errorOf(() =>
      send([
        { Delete: { TableName: indexed, Key: { pk: s('h'), sk: s('1') } } },
        { ConditionCheck: { TableName: indexed, Key: { pk: s('h'), sk: s('2') }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]),
    );
    const byLk = await target().ddb.send(new QueryCommand({ TableName: indexed, IndexName: 'by_lk', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('h') } }));
    assert.equal(byLk.Count, 2);
  });

  test('TransactGetItems: items in request order with projections; faults as DynamoDB reports them', async () => {
    await put(table, { pk: s('i-1'), a: s('A'), b: s('B') });
    await put(other, { pk: s('i-2'), sk: n(7), c: s('C') });
    const { Responses } = await target().ddb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: table, Key: { pk: s('i-1') }, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a' } } },
          { Get: { TableName: table, Key: { pk: s('i-none') } } },
          { Get: { TableName: other, Key: { pk: s('i-2'), sk: n(7) } } },
        ],
      }),
    );
    assert.deepEqual(Responses, [{ Item: { a: s('A') } }, {}, { Item: { pk: s('i-2'), sk: n(7), c: s('C') } }]);
    const badKey = await errorOf(() => target().ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: {} } }] })));
    assert.equal(badKey.message, cancelled(['ValidationError']));
    const badProjection = await errorOf(() =>
      target().ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: { pk: s('x') }, ProjectionExpression: '!!!' } }] })),
    );
    assert.equal(badProjection.message, 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"');
    const dup = await errorOf(() =>
      target().ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: { pk: s('x') } } }, { Get: { TableName: table, Key: { pk: s('x') } } }] })),
    );
    assert.equal(dup.message, 'Transaction request cannot include multiple operations on one item');
    const missing = await errorOf(() => target().ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'tx_none', Key: { pk: s('x') } } }] })));
    assert.equal(missing.name, 'ResourceNotFoundException');
  });
});
