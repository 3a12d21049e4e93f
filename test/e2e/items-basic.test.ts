import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  CreateTableCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('single-item operations', (target) => {
  let hashTable: string;
  let compositeTable: string;
  before(async () => {
    hashTable = await createTable(target().ddb, 'items_hash');
    compositeTable = await createTable(target().ddb, 'items_composite', { hash: ['pk', 'S'], range: ['sk', 'N'] });
  });

  test('all ten types round-trip, numbers canonical and sets in a stable order', async () => {
    const item: Record<string, AttributeValue> = {
      pk: { S: 'types' },
      s: { S: 'héllo' },
      emptyString: { S: '' },
      n: { N: '0012.500' },
      big: { N: '99999999999999999999999999999999999999' },
      tiny: { N: '-1E-130' },
      b: { B: new Uint8Array([0, 1, 2, 255]) },
      emptyBinary: { B: new Uint8Array([]) },
      t: { BOOL: true },
      f: { BOOL: false },
      nul: { NULL: true },
      l: { L: [{ S: 'x' }, { N: '1' }, { L: [] }, { M: {} }] },
      m: { M: { inner: { M: { deep: { N: '-0' } } } } },
      ss: { SS: ['b', 'a', 'c'] },
      ns: { NS: ['10', '9', '1.50'] },
      bs: { BS: [new Uint8Array([2]), new Uint8Array([1])] },
    };
    await target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: item }));
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: hashTable, Key: { pk: { S: 'types' } } }));
    assert.ok(Item);
    assert.deepEqual(Item.s, { S: 'héllo' });
    assert.deepEqual(Item.emptyString, { S: '' });
    assert.deepEqual(Item.n, { N: '12.5' });
    assert.deepEqual(Item.big, { N: '99999999999999999999999999999999999999' });
    assert.deepEqual(Item.tiny, { N: `-0.${'0'.repeat(129)}1` });
    assert.deepEqual(Item.b, { B: new Uint8Array([0, 1, 2, 255]) });
    assert.deepEqual(Item.emptyBinary, { B: new Uint8Array([]) });
    assert.deepEqual(Item.t, { BOOL: true });
    assert.deepEqual(Item.f, { BOOL: false });
    assert.deepEqual(Item.nul, { NULL: true });
    assert.deepEqual(Item.l, { L: [{ S: 'x' }, { N: '1' }, { L: [] }, { M: {} }] });
    assert.deepEqual(Item.m, { M: { inner: { M: { deep: { N: '0' } } } } });
    assert.deepEqual([...(Item.ss?.SS ?? [])].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...(Item.ns?.NS ?? [])].sort(), ['1.5', '10', '9']);
    assert.equal(Item.bs?.BS?.length, 2);
    const again = await target().ddb.send(new GetItemCommand({ TableName: hashTable, Key: { pk: { S: 'types' } } }));
    assert.deepEqual(again.Item?.ss, Item.ss, 'set order is deterministic');
    assert.deepEqual(again.Item?.ns, Item.ns, 'set order is deterministic');
  });

  test('GetItem of a missing item returns no Item', async () => {
    const result = await target().ddb.send(new GetItemCommand({ TableName: hashTable, Key: { pk: { S: 'nobody' } } }));
    assert.equal(result.Item, undefined);
  });

  test('PutItem replaces the whole item and returns ALL_OLD', async () => {
    const key = { pk: { S: 'replace' } };
    await target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: { ...key, a: { S: '1' }, b: { S: '2' } } }));
    const put = await target().ddb.send(
      new PutItemCommand({ TableName: hashTable, Item: { ...key, c: { S: '3' } }, ReturnValues: 'ALL_OLD' }),
    );
    assert.deepEqual(put.Attributes, { ...key, a: { S: '1' }, b: { S: '2' } });
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: hashTable, Key: key }));
    assert.deepEqual(Item, { ...key, c: { S: '3' } });
  });

  test('composite keys address items by partition and sort key', async () => {
    for (const sk of ['1', '2', '10']) {
      await target().ddb.send(new PutItemCommand({ TableName: compositeTable, Item: { pk: { S: 'p' }, sk: { N: sk }, v: { S: `v${sk}` } } }));
    }
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: compositeTable, Key: { pk: { S: 'p' }, sk: { N: '10.0' } } }));
    assert.deepEqual(Item?.v, { S: 'v10' });
    assert.deepEqual(Item?.sk, { N: '10' });
  });

  test('DeleteItem removes the item and returns ALL_OLD', async () => {
    const key = { pk: { S: 'to-delete' } };
    await target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: { ...key, x: { N: '1' } } }));
    const deleted = await target().ddb.send(new DeleteItemCommand({ TableName: hashTable, Key: key, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(deleted.Attributes, { ...key, x: { N: '1' } });
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: hashTable, Key: key }));
    assert.equal(Item, undefined);
    const again = await target().ddb.send(new DeleteItemCommand({ TableName: hashTable, Key: key, ReturnValues: 'ALL_OLD' }));
    assert.equal(again.Attributes, undefined);
  });

  test('UpdateItem creates the item when it does not exist, and ReturnValues covers all five modes', async () => {
    const key = { pk: { S: 'update-modes' } };
    const created = await target().ddb.send(
      new UpdateItemCommand({
        TableName: hashTable,
        Key: key,
        UpdateExpression: 'SET a = :one, b = :two',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':two': { N: '2' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    assert.deepEqual(created.Attributes, { ...key, a: { N: '1' }, b: { N: '2' } });
    const update = (mode: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW') =>
      target().ddb.send(
        new UpdateItemCommand({
          TableName: hashTable,
          Key: key,
          UpdateExpression: 'SET a = a + :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: mode,
        }),
      );
    assert.equal((await update('NONE')).Attributes, undefined);
    assert.deepEqual((await update('ALL_OLD')).Attributes, { ...key, a: { N: '2' }, b: { N: '2' } });
    assert.deepEqual((await update('UPDATED_OLD')).Attributes, { a: { N: '3' } });
    assert.deepEqual((await update('ALL_NEW')).Attributes, { ...key, a: { N: '5' }, b: { N: '2' } });
    assert.deepEqual((await update('UPDATED_NEW')).Attributes, { a: { N: '6' } });
  });

  // Expectations as reported by others against live DynamoDB (DynamoDB Local returns whole top-level attributes instead):
  // the update's own paths project the old or new item, and an empty projection leaves Attributes out.
  test('UPDATED_OLD and UPDATED_NEW return only the fragments at the updated paths', async () => {
    const key = { pk: { S: 'update-fragments' } };
    const item = {
      ...key,
      m: { M: { a: { M: { b: { S: 'old-b' }, c: { N: '1' } } }, keep: { S: 'mk' } } },
      l: { L: [{ M: { a: { S: 'old0' }, b: { S: 'b0' } } }, { M: { a: { S: 'old1' }, b: { S: 'b1' } } }] },
      top: { S: 'gone soon' },
    };
    const reset = () => target().ddb.send(new PutItemCommand({ TableName: hashTable, Item: item }));
    const update = (UpdateExpression: string, ReturnValues: 'UPDATED_OLD' | 'UPDATED_NEW', values?: Record<string, AttributeValue>) =>
      target().ddb.send(new UpdateItemCommand({ TableName: hashTable, Key: key, UpdateExpression, ExpressionAttributeValues: values, ReturnValues }));
    const v = { ':v': { S: 'new' } };

    await reset();
    assert.deepEqual((await update('SET m.a.b = :v', 'UPDATED_NEW', v)).Attributes, { m: { M: { a: { M: { b: { S: 'new' } } } } } });
    await reset();
    assert.deepEqual((await update('SET m.a.b = :v', 'UPDATED_OLD', v)).Attributes, { m: { M: { a: { M: { b: { S: 'old-b' } } } } } });
    await reset();
    assert.deepEqual((await update('SET l[1].a = :v', 'UPDATED_NEW', v)).Attributes, { l: { L: [{ M: { a: { S: 'new' } } }] } });
    await reset();
    assert.deepEqual((await update('SET m.a.b = :v, top = :v', 'UPDATED_OLD', v)).Attributes, {
      m: { M: { a: { M: { b: { S: 'old-b' } } } } },
      top: { S: 'gone soon' },
    });
    await reset();
    assert.equal((await update('REMOVE top', 'UPDATED_NEW')).Attributes, undefined);
    await reset();
    assert.deepEqual((await update('REMOVE top', 'UPDATED_OLD')).Attributes, { top: { S: 'gone soon' } });
    await reset();
    assert.equal((await update('SET brand_new = :v', 'UPDATED_OLD', v)).Attributes, undefined);
    await reset();
    // Setting past a list's end appends: nothing is at the path named afterwards.
    assert.equal((await update('SET l[5] = :v', 'UPDATED_NEW', v)).Attributes, undefined);
    await reset();
    const legacy = await target().ddb.send(
      new UpdateItemCommand({ TableName: hashTable, Key: key, AttributeUpdates: { m: { Action: 'DELETE' } }, ReturnValues: 'UPDATED_NEW' }),
    );
    assert.equal(legacy.Attributes, undefined);
  });

  test('ConsumedCapacity counts 1 KB write units and 4 KB read units, halved for eventual reads', async () => {
    const key = { pk: { S: 'capacity' } };
    const big = 'x'.repeat(5000);
    const put = await target().ddb.send(
      new PutItemCommand({ TableName: hashTable, Item: { ...key, big: { S: big } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    assert.deepEqual(put.ConsumedCapacity, { TableName: hashTable, CapacityUnits: 5 });
    const eventual = await target().ddb.send(
      new GetItemCommand({ TableName: hashTable, Key: key, ReturnConsumedCapacity: 'TOTAL' }),
    );
    assert.deepEqual(eventual.ConsumedCapacity, { TableName: hashTable, CapacityUnits: 1 });
    const strong = await target().ddb.send(
      new GetItemCommand({ TableName: hashTable, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES' }),
    );
    assert.deepEqual(strong.ConsumedCapacity, { TableName: hashTable, CapacityUnits: 2, Table: { CapacityUnits: 2 } });
    const missing = await target().ddb.send(
      new GetItemCommand({ TableName: hashTable, Key: { pk: { S: 'none' } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    assert.deepEqual(missing.ConsumedCapacity, { TableName: hashTable, CapacityUnits: 0.5 });
    const none = await target().ddb.send(new GetItemCommand({ TableName: hashTable, Key: key, ReturnConsumedCapacity: 'NONE' }));
    assert.equal(none.ConsumedCapacity, undefined);
    const del = await target().ddb.send(new DeleteItemCommand({ TableName: hashTable, Key: key, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(del.ConsumedCapacity, { TableName: hashTable, CapacityUnits: 5 });
  });

  test('ReturnItemCollectionMetrics reports on tables with local secondary indexes only', async () => {
    const name = uniqueName('items_lsi');
    await target().ddb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'alt', AttributeType: 'S' },
        ],
        LocalSecondaryIndexes: [
          { IndexName: 'byAlt', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const withLsi = await target().ddb.send(
      new PutItemCommand({ TableName: name, Item: { pk: { S: 'c' }, sk: { S: '1' } }, ReturnItemCollectionMetrics: 'SIZE' }),
    );
    assert.deepEqual(withLsi.ItemCollectionMetrics?.ItemCollectionKey, { pk: { S: 'c' } });
    assert.equal(withLsi.ItemCollectionMetrics?.SizeEstimateRangeGB?.length, 2);
    const withoutLsi = await target().ddb.send(
      new PutItemCommand({ TableName: hashTable, Item: { pk: { S: 'c' } }, ReturnItemCollectionMetrics: 'SIZE' }),
    );
    assert.equal(withoutLsi.ItemCollectionMetrics, undefined);
  });

  test('operations on a missing table are ResourceNotFoundException', async () => {
    const error = await errorOf(() => target().ddb.send(new GetItemCommand({ TableName: 'no_such_table_here', Key: { pk: { S: 'a' } } })));
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(error.message, 'Requested resource not found');
  });
});
