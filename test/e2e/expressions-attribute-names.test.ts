/** Empty or oversized attribute names wherever a request names an attribute, and oversized placeholder keys. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('attribute names', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'attrnames');
  });

  const EMPTY = 'Empty attribute name';
  const TOO_LARGE = 'Attribute name is too large, must be less than 65536 bytes';
  const longest = 'n'.repeat(65535);
  const tooLong = `${longest}n`;
  const key = { pk: { S: 'k' } };

  const messageOf = async (send: () => Promise<unknown>) => {
    const error = await errorOf(send);
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };

  test('in items, at any level, and in keys', async () => {
    const put = (Item: Record<string, AttributeValue>) => target().ddb.send(new PutItemCommand({ TableName: table, Item }));
    assert.equal(await messageOf(() => put({ ...key, '': { S: 'x' } })), EMPTY);
    assert.equal(await messageOf(() => put({ ...key, m: { M: { '': { S: 'x' } } } })), EMPTY);
    assert.equal(await messageOf(() => put({ ...key, [tooLong]: { S: 'x' } })), TOO_LARGE);
    assert.equal(await messageOf(() => put({ ...key, m: { L: [{ M: { [tooLong]: { S: 'x' } } }] } })), TOO_LARGE);
    await put({ ...key, [longest]: { S: 'x' } });
    assert.equal(await messageOf(() => target().ddb.send(new GetItemCommand({ TableName: table, Key: { ...key, '': { S: 'x' } } }))), EMPTY);
  });

  test('in AttributeUpdates, AttributesToGet, Expected and the filters', async () => {
    assert.equal(
      await messageOf(() => target().ddb.send(new UpdateItemCommand({ TableName: table, Key: key, AttributeUpdates: { '': { Action: 'DELETE' } } }))),
      EMPTY,
    );
    assert.equal(
      await messageOf(() =>
        target().ddb.send(new UpdateItemCommand({ TableName: table, Key: key, AttributeUpdates: { [tooLong]: { Action: 'PUT', Value: { S: 'x' } } } })),
      ),
      TOO_LARGE,
    );
    assert.equal(await messageOf(() => target().ddb.send(new GetItemCommand({ TableName: table, Key: key, AttributesToGet: [''] }))), EMPTY);
    assert.equal(
      await messageOf(() => target().ddb.send(new PutItemCommand({ TableName: table, Item: key, Expected: { '': { Exists: false } } }))),
      EMPTY,
    );
    assert.equal(
      await messageOf(() => target().ddb.send(new ScanCommand({ TableName: table, ScanFilter: { '': { ComparisonOperator: 'NULL' } } }))),
      EMPTY,
    );
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new QueryCommand({
            TableName: table,
            KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'k' }] } },
            QueryFilter: { '': { ComparisonOperator: 'NULL' } },
          }),
        ),
      ),
      EMPTY,
    );
  });

  test('placeholder keys hold at most 255 bytes', async () => {
    const scan = (FilterExpression: string, names: Record<string, string> | undefined, values: Record<string, AttributeValue>) =>
      target().ddb.send(new ScanCommand({ TableName: table, FilterExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
    const name = `#${'a'.repeat(254)}`;
    await scan(`${name} = :v`, { [name]: 'n' }, { ':v': { N: '1' } });
    assert.equal(
      await messageOf(() => scan(`${name}b = :v`, { [`${name}b`]: 'n' }, { ':v': { N: '1' } })),
      'ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256',
    );
    const value = `:${'v'.repeat(255)}`;
    assert.equal(
      await messageOf(() => scan(`n = ${value}`, undefined, { [value]: { N: '1' } })),
      'ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;',
    );
  });

  test('ExpressionAttributeNames and ExpressionAttributeValues hold 2 MB each and together', async () => {
    const scan = (names: Record<string, string> | undefined, values: Record<string, AttributeValue> | undefined) =>
      target().ddb.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: [...Object.keys(names ?? {}).map((name) => `${name} = b`), ...Object.keys(values ?? {}).map((value) => `a = ${value}`)].join(' OR '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    // Keys plus value sizes: 20 * (100000 + 3 or 4) + 2 + 97080 = 2 MB exactly. Using
    // them all would pass an expression's own 1 MB: the next check, on unused values, shows this one passed.
    const values: Record<string, AttributeValue> = {};
    for (let i = 0; i < 20; i++) values[`:v${i}`] = { S: 'x'.repeat(100000) };
    const unused = await messageOf(() =>
      target().ddb.send(new ScanCommand({ TableName: table, FilterExpression: 'a = :z', ExpressionAttributeValues: { ...values, ':z': { S: 'x'.repeat(97080) } } })),
    );
    assert.match(unused, /^Value provided in ExpressionAttributeValues unused in expressions/);
    assert.equal(await messageOf(() => scan(undefined, { ...values, ':z': { S: 'x'.repeat(97081) } })), 'ExpressionAttributeValues exceeds max size');
    const names: Record<string, string> = {};
    for (let i = 0; i < 36; i++) names[`#n${i}`] = 'n'.repeat(60000);
    assert.equal(await messageOf(() => scan(names, undefined)), 'ExpressionAttributeNames exceeds max size');
    const half: Record<string, string> = {};
    for (let i = 0; i < 18; i++) half[`#n${i}`] = 'n'.repeat(60000);
    assert.equal(
      await messageOf(() =>
        target().ddb.send(new ScanCommand({ TableName: table, FilterExpression: '#n0 = :v0', ExpressionAttributeNames: half, ExpressionAttributeValues: values })),
      ),
      'Combined size of ExpressionAttributeNames and ExpressionAttributeValues exceeds max size',
    );
  });

  test('in ExpressionAttributeNames and inside ExpressionAttributeValues', async () => {
    const project = (names: Record<string, string>) =>
      target().ddb.send(new GetItemCommand({ TableName: table, Key: key, ProjectionExpression: '#a', ExpressionAttributeNames: names }));
    assert.equal(await messageOf(() => project({ '#a': '' })), 'ExpressionAttributeNames contains invalid value: Empty attribute name for key #a');
    assert.equal(
      await messageOf(() => project({ '#a': tooLong })),
      'ExpressionAttributeNames contains invalid value: Attribute name is too large, must be less than 65536 bytes for key #a',
    );
    // Checked when the map is read, before it is matched with the expressions.
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new GetItemCommand({ TableName: table, Key: key, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'a', '#b': '' } }),
        ),
      ),
      'ExpressionAttributeNames contains invalid value: Empty attribute name for key #b',
    );
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { M: { '': { S: 'x' } } } } }),
        ),
      ),
      'ExpressionAttributeValues contains invalid value: Empty attribute name for key :v',
    );
  });
});
