/**
 * Attribute names that are also members of every JavaScript object
 * (`__proto__`, `constructor`, `toString`, `valueOf`) are names like any
 * other: an item without them lacks them, an item with them keeps them, in
 * conditions, filters, projections, updates, PartiQL and key schemas. Found
 * by the expression and PartiQL fuzzers (an absent `constructor` existed, a
 * path through an absent `__proto__` answered 500, a projected or inserted
 * `__proto__` was lost).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw.js';
import { createTable } from '../helpers/tables.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'valueOf'];

describeEachBackend('attribute names of JavaScript object members', (target) => {
  let table: string;
  const call = async (operation: string, body: unknown) => {
    const res = await rawRequest(target().endpoint, { target: `DynamoDB_20120810.${operation}`, body: JSON.stringify(body) });
    return { status: res.status, body: res.json() };
  };
  before(async () => {
    table = await createTable(target().ddb, 'prototype_names');
    await call('PutItem', { TableName: table, Item: { pk: { S: 'bare' }, a: { M: { b: { L: [{ S: 'x' }] } } } } });
    await call('PutItem', { TableName: table, Item: { pk: { S: 'full' }, ...Object.fromEntries(NAMES.map((name) => [name, { S: name }])), a: { M: Object.fromEntries(NAMES.map((name) => [name, { N: '1' }])) } } });
  });

  const keysWhere = async (FilterExpression: string, names: Record<string, string>) => {
    const { status, body } = await call('Scan', { TableName: table, FilterExpression, ExpressionAttributeNames: names });
    assert.equal(status, 200, JSON.stringify(body));
    return (body.Items as { pk: { S: string } }[]).map((item) => item.pk.S).sort();
  };

  test('an item lacking them lacks them; an item holding them holds them', async () => {
    for (const name of NAMES) {
      assert.deepEqual(await keysWhere('attribute_exists(#n)', { '#n': name }), ['full'], name);
      assert.deepEqual(await keysWhere('attribute_not_exists(#n)', { '#n': name }), ['bare'], name);
      assert.deepEqual(await keysWhere('attribute_exists(a.#n)', { '#n': name }), ['full'], name);
      assert.deepEqual(await keysWhere('size(#n) = size(a.#n)', { '#n': name }), [], name);
      assert.deepEqual(await keysWhere('#n[1] = a OR #n.b = a', { '#n': name }), [], name);
    }
  });

  test('projections and PartiQL keep them', async () => {
    const names = Object.fromEntries(NAMES.map((name, i) => [`#n${i}`, name]));
    const { body } = await call('GetItem', { TableName: table, Key: { pk: { S: 'full' } }, ProjectionExpression: `${Object.keys(names).join(', ')}, a.#n0`, ExpressionAttributeNames: names });
    assert.equal(JSON.stringify(body.Item), '{"__proto__":{"S":"__proto__"},"constructor":{"S":"constructor"},"toString":{"S":"toString"},"valueOf":{"S":"valueOf"},"a":{"M":{"__proto__":{"N":"1"}}}}');
    const inserted = await call('ExecuteStatement', { Statement: `INSERT INTO "${table}" VALUE {'pk': 'partiql', '__proto__': {'__proto__': 1}}` });
    assert.equal(inserted.status, 200, JSON.stringify(inserted.body));
    const { body: got } = await call('GetItem', { TableName: table, Key: { pk: { S: 'partiql' } }, ConsistentRead: true });
    assert.equal(JSON.stringify(got.Item), '{"pk":{"S":"partiql"},"__proto__":{"M":{"__proto__":{"N":"1"}}}}');
  });

  test('updates write and remove them', async () => {
    for (const name of NAMES) {
      const updated = await call('UpdateItem', { TableName: table, Key: { pk: { S: 'updated' } }, UpdateExpression: 'SET #n = if_not_exists(#n, :one) ADD #c :one', ExpressionAttributeNames: { '#n': name, '#c': `${name}_count` }, ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW' });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(JSON.stringify(updated.body.Attributes), `{${JSON.stringify(name)}:{"N":"1"},${JSON.stringify(`${name}_count`)}:{"N":"1"}}`, name);
      const legacy = await call('UpdateItem', { TableName: table, Key: { pk: { S: 'legacy' } }, AttributeUpdates: { [name]: { Action: 'ADD', Value: { N: '2' } } }, ReturnValues: 'ALL_NEW' });
      assert.equal(legacy.status, 200, JSON.stringify(legacy.body));
      assert.deepEqual(Object.entries(legacy.body.Attributes as object).find(([key]) => key === name)?.[1], { N: '2' }, name);
    }
  });

  test('key schemas, indexes and TTL may name them', async () => {
    for (const name of NAMES) {
      const keyed = await createTable(target().ddb, 'prototype_keys', { hash: [name, 'S'], indexes: [{ name: 'byValue', hash: ['valueOf', 'N'] }] });
      const missing = await call('PutItem', { TableName: keyed, Item: { other: { S: 'x' } } });
      assert.equal(missing.status, 400, name);
      assert.equal(missing.body.message, 'One or more parameter values were invalid: Missing the key ' + name + ' in the item', name);
      if (name === 'valueOf') continue;
      const stored = await call('PutItem', { TableName: keyed, Item: { [name]: { S: 'k' }, other: { S: 'x' } } });
      assert.equal(stored.status, 200, JSON.stringify(stored.body));
      const scanned = await call('Scan', { TableName: keyed, IndexName: 'byValue' });
      assert.equal(scanned.status, 200, JSON.stringify(scanned.body));
      assert.deepEqual(scanned.body.Items, [], name);
      const got = await call('GetItem', { TableName: keyed, Key: { [name]: { S: 'k' } } });
      assert.equal(JSON.stringify(got.body.Item), JSON.stringify(Object.fromEntries([[name, { S: 'k' }], ['other', { S: 'x' }]])), name);
    }
  });

  test('a table or index named __proto__ keeps its place in batch answers and capacity', async () => {
    const created = await call('CreateTable', {
      TableName: '__proto__',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexes: [{ IndexName: '__proto__', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const written = await call('BatchWriteItem', { RequestItems: { ['__proto__']: [{ PutRequest: { Item: { pk: { S: 'a' }, g: { S: 'x' } } } }] }, ReturnConsumedCapacity: 'INDEXES' });
    assert.equal(written.status, 200, JSON.stringify(written.body));
    assert.equal(JSON.stringify(written.body.ConsumedCapacity), '[{"TableName":"__proto__","CapacityUnits":2,"Table":{"CapacityUnits":1},"GlobalSecondaryIndexes":{"__proto__":{"CapacityUnits":1}}}]');
    const read = await call('BatchGetItem', { RequestItems: { ['__proto__']: { Keys: [{ pk: { S: 'a' } }] } } });
    assert.equal(JSON.stringify(read.body.Responses), '{"__proto__":[{"pk":{"S":"a"},"g":{"S":"x"}}]}');
  });
});
