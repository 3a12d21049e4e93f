/**
 * JSON nulls where DynamoDB expects an attribute value, sent over raw HTTP (the
 * SDKs never send them): refused with DynamoDB's ValidationException wherever
 * attribute values appear, never dropped. The texts are live DynamoDB's where
 * recorded ("The supplied Item contains a null AttributeValue" for a list
 * member, aws/aws-sdk-java#2103), DynamoDB Local 3.3.1's elsewhere.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import type { Random } from '../helpers/malformed.js';
import { prng } from '../helpers/random.js';
import { rawRequest } from '../helpers/raw.js';
import { createTable } from '../helpers/tables.js';

const NULL_VALUE = 'The supplied Item contains a null AttributeValue';
const named = (name: string) => `${NULL_VALUE}: ${name} is null`;
const NULL_IN_SS = 'One or more parameter values were invalid: An string set may not have a null string as a member';
const EMPTY = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
const inValues = (message: string, key = ':v') => `ExpressionAttributeValues contains invalid value: ${message} for key ${key}`;

const GOOD_VALUES: unknown[] = [{ S: 'a' }, { N: '1' }, { B: 'YWJj' }, { BOOL: true }, { NULL: true }, { SS: ['a', 'b'] }, { L: [{ S: 'x' }] }, { M: { k: { N: '2' } } }];

const pick = <T>(random: Random, choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!;

function goodValues(random: Random, count: number): unknown[] {
  return Array.from({ length: count }, () => pick(random, GOOD_VALUES));
}

/** `members` with `inserted` at a random place. */
function insert<T>(random: Random, members: T[], inserted: T): T[] {
  members.splice(Math.floor(random() * (members.length + 1)), 0, inserted);
  return members;
}

/** A map of good values with one more member, `value`, under a name of its own. */
function mapWith(random: Random, value: unknown, name: string): Record<string, unknown> {
  const names = goodValues(random, Math.floor(random() * 3)).map((good, i): [string, unknown] => [`m${i}`, good]);
  return Object.fromEntries(insert(random, names, [name, value]));
}

/** An attribute value holding exactly one null somewhere, and the message DynamoDB refuses it with. */
function valueWithNull(random: Random, depth = 0): [unknown, string] {
  const roll = random();
  const [inner, innerMessage]: [unknown, string] = depth < 3 && random() < 0.5 ? valueWithNull(random, depth + 1) : [null, ''];
  if (roll < 0.35) {
    return [{ L: insert(random, goodValues(random, Math.floor(random() * 3)), inner) }, inner === null ? NULL_VALUE : innerMessage];
  }
  if (roll < 0.7) return [{ M: mapWith(random, inner, `n${depth}`) }, inner === null ? named(`n${depth}`) : innerMessage];
  if (roll < 0.8) return [{ SS: insert<string | null>(random, ['a', 'b'], null) }, NULL_IN_SS];
  if (roll < 0.9) return [{ NS: insert<string | null>(random, ['1', '2'], null) }, 'The parameter cannot be converted to a numeric value'];
  return [{ BS: insert<string | null>(random, ['AA=='], null) }, NULL_VALUE];
}

describeEachBackend('null attribute values', (target) => {
  let table: string;
  const absent = 'nulls_absent_table';

  before(async () => {
    table = await createTable(target().ddb, 'nulls');
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'there' }, a: { S: 'x' } } }));
  });

  const send = (operation: string, body: unknown) =>
    rawRequest(target().endpoint, { target: `DynamoDB_20120810.${operation}`, body: JSON.stringify(body) });

  async function answers(operation: string, body: unknown, error: Record<string, string>): Promise<void> {
    const res = await send(operation, body);
    const context = `${operation} ${JSON.stringify(body)}: ${res.body.toString()}`;
    assert.equal(res.status, 400, context);
    assert.deepEqual(res.json(), error, context);
  }
  const refused = (operation: string, body: unknown, message: string) =>
    answers(operation, body, { __type: 'com.amazon.coral.validate#ValidationException', message });

  const item = (extra: Record<string, unknown>) => ({ pk: { S: 'new' }, ...extra });
  const putItem = (extra: Record<string, unknown>) => ({ TableName: table, Item: item(extra) });

  test('a null in an item is refused and nothing is written', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ x: null }, named('x')],
      [{ x: { M: { y: null } } }, named('y')],
      [{ x: { L: [null] } }, NULL_VALUE],
      [{ x: { L: [{ S: 'a' }, { M: { z: null } }] } }, named('z')],
      [{ x: { M: { q: { L: [null] } } } }, NULL_VALUE],
      // A null is refused before "more than one datatypes".
      [{ x: { S: 'a', L: [null] } }, NULL_VALUE],
    ];
    for (const [extra, message] of cases) {
      await refused('PutItem', putItem(extra), message);
      await refused('BatchWriteItem', { RequestItems: { [table]: [{ PutRequest: { Item: item(extra) } }] } }, message);
      await refused('TransactWriteItems', { TransactItems: [{ Put: putItem(extra) }] }, message);
    }
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'new' } } }));
    assert.equal(Item, undefined);
  });

  test('property: an item with a null anywhere is refused with the message for where it is, and nothing is written', async () => {
    const random = prng(2103);
    for (let i = 0; i < 40; i++) {
      const [value, message] = random() < 0.2 ? [null, ''] : valueWithNull(random);
      const attributes = mapWith(random, value, 'x');
      const itemMessage = value === null ? named('x') : message;
      await refused('PutItem', { TableName: table, Item: { pk: { S: `p${i}` }, ...attributes } }, itemMessage);
      await refused('BatchWriteItem', { RequestItems: { [table]: [{ PutRequest: { Item: { pk: { S: `b${i}` }, ...attributes } } }] } }, itemMessage);
      await refused('TransactWriteItems', { TransactItems: [{ Put: { TableName: table, Item: { pk: { S: `t${i}` }, ...attributes } } }] }, itemMessage);
      const update = { TableName: table, Key: { pk: { S: 'there' } }, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': value } };
      await refused('UpdateItem', update, inValues(value === null ? NULL_VALUE : message));
    }
    const { Items } = await target().ddb.send(new ScanCommand({ TableName: table }));
    assert.deepEqual(Items, [{ pk: { S: 'there' }, a: { S: 'x' } }]);
  });

  test('a null member of a set is refused', async () => {
    const cases: [unknown, string][] = [
      [{ SS: ['a', null] }, NULL_IN_SS],
      [{ SS: ['', null] }, NULL_IN_SS],
      // Duplicates are reported first, a null shown as Java shows it (DynamoDB Local 3.3.1).
      [{ SS: ['a', 'a', null] }, 'One or more parameter values were invalid: Input collection [a, a, null] contains duplicates.'],
      [{ SS: [null, null] }, 'One or more parameter values were invalid: Input collection [null, null] contains duplicates.'],
      // DynamoDB's text for a number it cannot read, with no text to quote.
      [{ NS: ['1', null] }, 'The parameter cannot be converted to a numeric value'],
      [{ NS: ['x', null] }, 'The parameter cannot be converted to a numeric value: x'],
      // Our choice: DynamoDB Local 3.3.1 fails with a 500.
      [{ BS: ['AA==', null] }, NULL_VALUE],
    ];
    for (const [value, message] of cases) {
      await refused('PutItem', putItem({ x: value }), message);
      const update = { TableName: table, Key: { pk: { S: 'there' } }, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': value } };
      await refused('UpdateItem', update, inValues(message));
    }
  });

  test('a null takes its turn among the item\'s other values', async () => {
    await refused('PutItem', putItem({ x: null, e: {} }), named('x'));
    await refused('PutItem', putItem({ e: {}, x: null }), EMPTY);
    await refused('PutItem', putItem({ x: { M: { b: null, a: {} } } }), named('b'));
    await refused('PutItem', putItem({ x: { L: [{}, null] } }), EMPTY);
    await refused('PutItem', putItem({ e: { N: 'x' }, x: null }), 'The parameter cannot be converted to a numeric value: x');
    // Before the key is matched to the schema, the condition is parsed, or the table looked up.
    await refused('PutItem', { TableName: table, Item: { zz: { S: 'a' }, x: null } }, named('x'));
    await refused('PutItem', { ...putItem({ x: null }), ConditionExpression: 'a =' }, named('x'));
    await refused('PutItem', { TableName: absent, Item: item({ x: null }) }, named('x'));
    await refused('BatchWriteItem', { RequestItems: { [absent]: [{ PutRequest: { Item: item({ x: null }) } }] } }, named('x'));
  });

  test('a malformed value elsewhere in the request, or a constraint, is still reported first', async () => {
    await answers('PutItem', putItem({ x: null, e: { S: 5 } }), {
      __type: 'com.amazon.coral.service#SerializationException',
      Message: 'NUMBER_VALUE cannot be converted to String',
    });
    await refused(
      'PutItem',
      { ...putItem({ x: null }), ReturnValues: 'BAD' },
      "1 validation error detected: Value 'BAD' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]",
    );
    await refused(
      'ExecuteStatement',
      { Statement: `SELECT * FROM "${table}" WHERE pk = ?`, Parameters: [null], Limit: 0 },
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  test('a null in a key is refused', async () => {
    const keys: [unknown, string][] = [
      [{ pk: null }, named('pk')],
      [{ pk: { S: 'there' }, x: null }, named('x')],
      [{ pk: { M: { a: null } } }, named('a')],
      [{ pk: { L: [null] } }, NULL_VALUE],
    ];
    for (const [key, message] of keys) {
      await refused('GetItem', { TableName: table, Key: key }, message);
      await refused('DeleteItem', { TableName: table, Key: key }, message);
      await refused('UpdateItem', { TableName: table, Key: key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { S: 'y' } } }, message);
      await refused('BatchGetItem', { RequestItems: { [table]: { Keys: [key] } } }, message);
      await refused('BatchWriteItem', { RequestItems: { [table]: [{ DeleteRequest: { Key: key } }] } }, message);
      await refused('TransactGetItems', { TransactItems: [{ Get: { TableName: table, Key: key } }] }, message);
      for (const action of ['Delete', 'ConditionCheck'] as const) {
        await refused('TransactWriteItems', { TransactItems: [{ [action]: { TableName: table, Key: key, ConditionExpression: 'attribute_exists(a)' } }] }, message);
      }
    }
    await refused('GetItem', { TableName: absent, Key: { pk: null } }, named('pk'));
    await refused('BatchGetItem', { RequestItems: { [absent]: { Keys: [{ pk: null }] } } }, named('pk'));
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'there' } } }));
    assert.deepEqual(Item, { pk: { S: 'there' }, a: { S: 'x' } });
  });

  test('a null key among BatchGetItem\'s keys is refused, key by key', async () => {
    // DynamoDB Local 3.3.1.
    const message = (name: string) => `The list of keys in RequestItems for BatchGetItem may not contain null or empty values: ${name} has one or more empty keys`;
    await refused('BatchGetItem', { RequestItems: { [table]: { Keys: [null] } } }, message(table));
    await refused('BatchGetItem', { RequestItems: { [table]: { Keys: [{ pk: { S: 'there' } }, null] } } }, message(table));
    await refused('BatchGetItem', { RequestItems: { [absent]: { Keys: [null] } } }, message(absent));
    await refused('BatchGetItem', { RequestItems: { [table]: { Keys: [{ pk: {} }, null] } } }, EMPTY);
    await refused('BatchGetItem', { RequestItems: { [table]: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'a' } }, null] } } }, 'Provided list of item keys contains duplicates');
  });

  test('a null in ExpressionAttributeValues is refused, even an unused one', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ':v': null }, inValues(NULL_VALUE)],
      [{ ':v': { L: [null] } }, inValues(NULL_VALUE)],
      [{ ':v': { M: { a: null } } }, inValues(named('a'))],
      [{ ':v': { S: 'a' }, ':w': null }, inValues(NULL_VALUE, ':w')],
      [{ ':w': null, ':v': {} }, inValues(NULL_VALUE, ':w')],
      [{ ':v': {}, ':w': null }, inValues(EMPTY)],
    ];
    const key = { pk: { S: 'there' } };
    for (const [values, message] of cases) {
      await refused('UpdateItem', { TableName: table, Key: key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: values }, message);
      await refused('PutItem', { TableName: table, Item: key, ConditionExpression: 'a = :v', ExpressionAttributeValues: values }, message);
      await refused('Query', { TableName: table, KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: values }, message);
      await refused('Scan', { TableName: table, FilterExpression: 'a = :v', ExpressionAttributeValues: values }, message);
      const check = { TableName: table, Key: key, ConditionExpression: 'a = :v', ExpressionAttributeValues: values };
      await refused('TransactWriteItems', { TransactItems: [{ ConditionCheck: check }] }, message);
    }
  });

  test('a null in the legacy parameters\' values is refused', async () => {
    const key = { pk: { S: 'there' } };
    await refused('UpdateItem', { TableName: table, Key: key, AttributeUpdates: { a: { Value: { L: [null] } } } }, NULL_VALUE);
    await refused('UpdateItem', { TableName: table, Key: key, AttributeUpdates: { a: { Value: { M: { q: null } } } } }, named('q'));
    await refused('PutItem', { TableName: table, Item: key, Expected: { a: { Value: { L: [null] } } } }, NULL_VALUE);
    await refused('PutItem', { TableName: table, Item: key, Expected: { a: { ComparisonOperator: 'EQ', AttributeValueList: [null] } } }, NULL_VALUE);
    await refused('PutItem', { TableName: table, Item: key, Expected: { a: { ComparisonOperator: 'EQ', AttributeValueList: [{ M: { b: null } }] } } }, named('b'));
    const condition = (list: unknown[]) => ({ ComparisonOperator: 'EQ', AttributeValueList: list });
    await refused('Query', { TableName: table, KeyConditions: { pk: condition([null]) } }, NULL_VALUE);
    await refused('Query', { TableName: table, KeyConditions: { pk: condition([{ L: [null] }]) } }, NULL_VALUE);
    await refused('Query', { TableName: table, KeyConditions: { pk: condition([{ S: 'there' }]) }, QueryFilter: { a: condition([null]) } }, NULL_VALUE);
    await refused('Query', { TableName: table, KeyConditions: { pk: condition([{ S: 'there' }]) }, QueryFilter: { a: condition([{ M: { b: null } }]) } }, named('b'));
    await refused('Scan', { TableName: table, ScanFilter: { a: condition([null]) } }, NULL_VALUE);
    await refused('Scan', { TableName: table, ScanFilter: { a: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'a' }, null, null] } } }, NULL_VALUE);
    await refused('Scan', { TableName: table, ScanFilter: { a: condition([{ SS: [null] }]) } }, NULL_IN_SS);
    // A null Value is an absent one, as before.
    await refused(
      'PutItem',
      { TableName: table, Item: key, Expected: { a: { Value: null } } },
      'One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a',
    );
  });

  test('a null in ExclusiveStartKey is refused, without "The provided starting key is invalid"', async () => {
    // DynamoDB Local 3.3.1, which never adds that prefix; no recording of DynamoDB was found.
    await refused('Scan', { TableName: table, ExclusiveStartKey: { pk: null } }, named('pk'));
    await refused('Scan', { TableName: table, ExclusiveStartKey: { pk: { S: 'there' }, x: null } }, named('x'));
    await refused('Scan', { TableName: table, ExclusiveStartKey: { pk: null }, Segment: 1 }, named('pk'));
    const query = { TableName: table, KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': { S: 'there' } } };
    await refused('Query', { ...query, ExclusiveStartKey: { pk: null } }, named('pk'));
  });

  test('a null PartiQL parameter is refused', async () => {
    const select = `SELECT * FROM "${table}" WHERE pk = ?`;
    const cases: [unknown[], string][] = [
      [[null], NULL_VALUE],
      [[{ S: 'there' }, null], NULL_VALUE],
      [[null, null, null], NULL_VALUE],
      [[{ L: [null] }], NULL_VALUE],
      [[{ M: { a: null } }], named('a')],
    ];
    for (const [parameters, message] of cases) {
      await refused('ExecuteStatement', { Statement: select, Parameters: parameters }, message);
      await refused('ExecuteTransaction', { TransactStatements: [{ Statement: select, Parameters: parameters }] }, message);
      // As for any invalid parameter, BatchExecuteStatement answers per statement.
      const res = await send('BatchExecuteStatement', { Statements: [{ Statement: select, Parameters: parameters }] });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), { Responses: [{ Error: { Code: 'ValidationError', Message: message } }] });
    }
    await refused('ExecuteStatement', { Statement: `INSERT INTO "${table}" VALUE {'pk': 'p', 's': ?}`, Parameters: [{ SS: [null] }] }, NULL_IN_SS);
  });
});

describeEachBackend('null entries of the legacy condition and update maps', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'null_legacy', { hash: ['pk', 'S'], range: ['sk', 'S'] });
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'p' }, sk: { S: 's' }, a: { S: 'x' } } }));
  });

  const refused = async (operation: string, body: unknown, message: string) => {
    const res = await rawRequest(target().endpoint, { target: `DynamoDB_20120810.${operation}`, body: JSON.stringify(body) });
    assert.equal(res.status, 400, res.body.toString());
    assert.deepEqual(res.json(), { __type: 'com.amazon.coral.validate#ValidationException', message });
  };

  test('a null entry is refused instead of dropped, so no condition is lost', async () => {
    // DynamoDB Local 3.3.1's wording.
    const key = { pk: { S: 'p' }, sk: { S: 's' } };
    await refused(
      'PutItem',
      { TableName: table, Item: { ...key, a: { S: 'overwritten' } }, Expected: { a: null } },
      'One or more parameter values were invalid: ExpectedAttributeValue must not be null for Attribute: a',
    );
    await refused(
      'DeleteItem',
      { TableName: table, Key: key, Expected: { a: { Value: { S: 'x' } }, b: null } },
      'One or more parameter values were invalid: ExpectedAttributeValue must not be null for Attribute: b',
    );
    const eq = { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] };
    await refused('Query', { TableName: table, KeyConditions: { pk: eq, sk: null } }, 'The filter condition for an attribute cannot be null: sk');
    await refused('Query', { TableName: table, KeyConditions: { pk: eq }, QueryFilter: { a: null } }, 'The filter condition for an attribute cannot be null: a');
    await refused('Scan', { TableName: table, ScanFilter: { a: null } }, 'The filter condition for an attribute cannot be null: a');
    // Our choice, modelled on Expected's: DynamoDB Local 3.3.1 fails with a 500.
    await refused(
      'UpdateItem',
      { TableName: table, Key: key, AttributeUpdates: { a: null } },
      'One or more parameter values were invalid: AttributeValueUpdate must not be null for Attribute: a',
    );
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: key }));
    assert.deepEqual(Item, { ...key, a: { S: 'x' } });
  });
});
