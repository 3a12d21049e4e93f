/**
 * How conditions, filters and updates evaluate, where DynamoDB's answers are
 * not the obvious ones: contains() on binaries, size() of strings, several
 * list indexes past the end, operand types an ordering refuses, ADD/DELETE
 * operand messages, and a key update whose condition fails.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type Condition,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

const bytes = (text: string): AttributeValue => ({ B: new TextEncoder().encode(text) });
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

describeEachBackend('expression semantics', (target) => {
  let table: string;
  let composite: string;
  before(async () => {
    table = await createTable(target().ddb, 'semantics');
    composite = await createTable(target().ddb, 'semantics_composite', { hash: ['pk', 'S'], range: ['sk', 'S'] });
  });

  const put = (item: Item) => target().ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  const get = async (pk: string) => (await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: s(pk) }, ConsistentRead: true }))).Item;
  const update = (pk: string, UpdateExpression: string, values?: Item, condition?: string) =>
    target().ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: s(pk) },
        UpdateExpression,
        ExpressionAttributeValues: values,
        ConditionExpression: condition,
        ReturnValues: 'ALL_NEW',
      }),
    );
  /** Whether a PutItem of the stored item itself passes `condition`. */
  const holds = async (pk: string, condition: string, values?: Item) => {
    const item = (await get(pk))!;
    try {
      await target().ddb.send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };

  // The items of dynalite's "scan by CONTAINS on type B" test, recorded against DynamoDB.
  test('contains(), CONTAINS and NOT_CONTAINS find a run of bytes in a binary and a member of a binary set', async () => {
    const part = bytes('bde');
    const items: Record<string, AttributeValue> = {
      string: s('abdef'),
      stringSet: { SS: ['abd', 'bde'] },
      binary: bytes('abdef'),
      binarySet: { BS: [new TextEncoder().encode('bde'), new TextEncoder().encode('abcd')] },
      same: bytes('bde'),
      shorter: s('abd'),
      listWith: { L: [n(123), bytes('bde')] },
      listWithout: { L: [bytes('abd')] },
      listLonger: { L: [bytes('abde')] },
      prefixOnly: bytes('bd'),
    };
    await target().ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: Object.entries(items).map(([name, b]) => ({ PutRequest: { Item: { pk: s(`contains-${name}`), b, c: s('contains') } } })) },
      }),
    );
    const scanned = async (filter: { FilterExpression: string; ExpressionAttributeValues: Item } | { ScanFilter: Record<string, Condition> }) => {
      const { Items } = await target().ddb.send(new ScanCommand({ TableName: table, ...filter }));
      return Items!.map((item) => item.pk!.S!.slice('contains-'.length)).sort();
    };
    const containing = ['binary', 'binarySet', 'listWith', 'same'];
    assert.deepEqual(await scanned({ FilterExpression: 'contains(b, :b) AND c = :c', ExpressionAttributeValues: { ':b': part, ':c': s('contains') } }), containing);
    assert.deepEqual(await scanned({ ScanFilter: { b: { ComparisonOperator: 'CONTAINS', AttributeValueList: [part] }, c: { ComparisonOperator: 'EQ', AttributeValueList: [s('contains')] } } }), containing);
    const notContaining = ['listLonger', 'listWithout', 'prefixOnly', 'shorter', 'string', 'stringSet'];
    assert.deepEqual(await scanned({ FilterExpression: 'NOT contains(b, :b) AND c = :c', ExpressionAttributeValues: { ':b': part, ':c': s('contains') } }), notContaining);
    assert.deepEqual(
      await scanned({ ScanFilter: { b: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [part] }, c: { ComparisonOperator: 'EQ', AttributeValueList: [s('contains')] } } }),
      notContaining,
    );
    assert.equal(await holds('contains-binary', 'contains(b, :b)', { ':b': part }), true);
    assert.equal(await holds('contains-binary', 'contains(b, :b)', { ':b': bytes('bdf') }), false);
    assert.equal(await holds('contains-binary', 'contains(b, :b)', { ':b': s('bde') }), false, 'a string is never part of a binary');

    const expected = (ComparisonOperator: 'CONTAINS' | 'NOT_CONTAINS') =>
      target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: s('contains-binary'), b: bytes('abdef'), c: s('contains') }, Expected: { b: { ComparisonOperator, AttributeValueList: [part] } } }));
    await expected('CONTAINS');
    assert.equal((await errorOf(() => expected('NOT_CONTAINS'))).name, 'ConditionalCheckFailedException');

    await target().ddb.send(new PutItemCommand({ TableName: composite, Item: { pk: s('contains'), sk: s('1'), b: bytes('xxbdexx') } }));
    await target().ddb.send(new PutItemCommand({ TableName: composite, Item: { pk: s('contains'), sk: s('2'), b: bytes('xxbdxx') } }));
    const { Items } = await target().ddb.send(
      new QueryCommand({
        TableName: composite,
        KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [s('contains')] } },
        QueryFilter: { b: { ComparisonOperator: 'CONTAINS', AttributeValueList: [part] } },
      }),
    );
    assert.deepEqual(Items!.map((item) => item.sk!.S), ['1']);
  });

  // ExtendDB PR #67, verified against DynamoDB: size("é𝄞") is 3, not its 6 UTF-8 bytes.
  test('size() of a string counts UTF-16 code units', async () => {
    await put({ pk: s('size'), txt: s('é𝄞'), plain: s('abc'), bin: bytes('é𝄞') });
    assert.equal(await holds('size', 'size(txt) = :n', { ':n': n(3) }), true);
    assert.equal(await holds('size', 'size(txt) = :n', { ':n': n(6) }), false);
    assert.equal(await holds('size', 'size(plain) = :n', { ':n': n(3) }), true);
    assert.equal(await holds('size', 'size(bin) = :n', { ':n': n(6) }), true, 'a binary counts its bytes');
    const { Items } = await target().ddb.send(
      new ScanCommand({ TableName: table, FilterExpression: 'size(txt) < :n', ExpressionAttributeValues: { ':n': n(4) } }),
    );
    assert.deepEqual(Items!.map((item) => item.pk!.S), ['size']);
  });

  // The Developer Guide; alternator's and dynalite's tests recorded against DynamoDB.
  test('SET and ADD past the end of a list append in index order, not in the order written', async () => {
    await put({ pk: s('append'), lst: { L: [s('one'), s('two'), s('three')] } });
    await update('append', 'SET lst[7] = :v', { ':v': s('hello') });
    const { Attributes } = await update('append', 'SET lst[84] = :a1, lst[37] = :a2, lst[17] = :a3, lst[50] = :a4', {
      ':a1': s('a1'),
      ':a2': s('a2'),
      ':a3': s('a3'),
      ':a4': s('a4'),
    });
    assert.deepEqual(Attributes!.lst, { L: ['one', 'two', 'three', 'hello', 'a3', 'a2', 'a4', 'a1'].map(s) });

    await put({ pk: s('append-mixed'), b: { M: { a: n(1), b: n(2), c: n(3) } }, c: { L: [n(1), n(3)] } });
    const mixed = await target().ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: s('append-mixed') },
        UpdateExpression: 'SET b.c = c[1] + b.a, b.a = pk, c[1] = pk, c[4] = b.a - b.b, c[2] = b.c ADD c[8] :b, c[6] :a',
        ExpressionAttributeValues: { ':a': n(2), ':b': { SS: ['a'] } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    assert.deepEqual(mixed.Attributes, { b: { M: { a: s('append-mixed'), c: n(4) } }, c: { L: [s('append-mixed'), n(3), n(2)] } });
    assert.deepEqual((await get('append-mixed'))!.c, { L: [n(1), s('append-mixed'), n(3), n(-1), n(2), { SS: ['a'] }] });
  });

  // Alternator's tests, recorded against DynamoDB: a literal is refused, an
  // item attribute of such a type only fails the comparison. Message wording
  // from DynamoDB Local 3.3.1.
  test('<, <=, >, >= and BETWEEN refuse literal operands of unordered types', async () => {
    await put({ pk: s('order'), num: n(1), flag: { BOOL: true }, lst: { L: [] } });
    const refused = async (condition: string, values: Item, message: string) => {
      const error = await errorOf(() => holds('order', condition, values));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, `Invalid ConditionExpression: Incorrect operand type for operator or function; ${message}`);
    };
    await refused('num < :v', { ':v': { BOOL: true } }, 'operator or function: <, operand type: BOOL');
    await refused(':v <= num', { ':v': { NULL: true } }, 'operator or function: <=, operand type: NULL');
    await refused('num > :v', { ':v': { L: [n(1)] } }, 'operator or function: >, operand type: L');
    await refused('num >= :v', { ':v': { M: {} } }, 'operator or function: >=, operand type: M');
    await refused('num < :v', { ':v': { NS: ['1'] } }, 'operator or function: <, operand type: NS');
    await refused('num BETWEEN :a AND :b', { ':a': { SS: ['a'] }, ':b': { SS: ['b'] } }, 'operator or function: BETWEEN, operand type: SS');
    // The operand's type is refused before the bounds are compared.
    await refused('num BETWEEN :a AND :b', { ':a': n(1), ':b': { BS: [new Uint8Array([1])] } }, 'operator or function: BETWEEN, operand type: BS');
    await refused('size(lst) < :v', { ':v': { BOOL: false } }, 'operator or function: <, operand type: BOOL');

    assert.equal(await holds('order', 'flag < :v', { ':v': n(2) }), false);
    assert.equal(await holds('order', 'lst >= num'), false);
    assert.equal(await holds('order', 'flag BETWEEN :a AND :b', { ':a': n(0), ':b': n(2) }), false);
    assert.equal(await holds('order', 'num = :v OR num < :w', { ':v': { L: [] }, ':w': n(2) }), true, '= compares any types');

    const filtered = await errorOf(() =>
      target().ddb.send(new ScanCommand({ TableName: table, FilterExpression: 'num > :v', ExpressionAttributeValues: { ':v': { BOOL: true } } })),
    );
    assert.equal(filtered.message, 'Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: >, operand type: BOOL');
  });

  // DynamoDB Local 3.3.1, and live responses quoted by floci and zio-dynamodb.
  test('ADD and DELETE name the types they allow when the operand has another', async () => {
    const refused = async (expression: string, value: AttributeValue, message: string) => {
      const error = await errorOf(() => update('add-types', expression, { ':v': value }));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, `Invalid UpdateExpression: Incorrect operand type for operator or function; ${message}`);
    };
    await refused('ADD a :v', s('x'), 'operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND');
    await refused('ADD a :v', { L: [] }, 'operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND');
    await refused('ADD a :v', { M: {} }, 'operator: ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND');
    await refused('ADD a :v', { BOOL: true }, 'operator: ADD, operand type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND');
    await refused('DELETE a :v', n(1), 'operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND');
    await refused('DELETE a :v', bytes('x'), 'operator: DELETE, operand type: BINARY, typeSet: ALLOWED_FOR_DELETE_OPERAND');
  });

  // DynamoDB Local 3.3.1 (no live recording found): the failed condition wins,
  // and a key is only refused once the condition held.
  test('an update of a key attribute whose condition fails is ConditionalCheckFailed', async () => {
    const key = { pk: s('keyed'), sk: s('1') };
    await target().ddb.send(new PutItemCommand({ TableName: composite, Item: key }));
    const attempt = (UpdateExpression: string, ConditionExpression: string) =>
      errorOf(() =>
        target().ddb.send(
          new UpdateItemCommand({ TableName: composite, Key: key, UpdateExpression, ConditionExpression, ExpressionAttributeValues: { ':v': s('2') } }),
        ),
      );
    const failed = await attempt('SET sk = :v', 'attribute_exists(nothing) OR sk = :v');
    assert.equal(failed.name, 'ConditionalCheckFailedException');
    assert.equal(failed.message, 'The conditional request failed');
    const legacy = await errorOf(() =>
      target().ddb.send(new UpdateItemCommand({ TableName: composite, Key: key, AttributeUpdates: { sk: { Value: s('2') } }, Expected: { nothing: { Exists: true, Value: s('x') } } })),
    );
    assert.equal(legacy.name, 'ConditionalCheckFailedException');
    const held = await attempt('SET sk = :v', 'attribute_exists(pk) OR sk = :v');
    assert.equal(held.name, 'ValidationException');
    assert.equal(held.message, 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key');
  });
});
