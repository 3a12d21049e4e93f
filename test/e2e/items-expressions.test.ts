import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, DeleteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('expressions on single items', (target) => {
  let table: string;
  const item: Record<string, AttributeValue> = {
    pk: { S: 'subject' },
    name: { S: 'alice' },
    age: { N: '30' },
    bin: { B: new Uint8Array([1, 2]) },
    tags: { SS: ['red', 'blue'] },
    nums: { NS: ['1', '2'] },
    lst: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] },
    doc: { M: { nested: { M: { deep: { N: '5' } } }, word: { S: 'hello' } } },
    flag: { BOOL: true },
    nothing: { NULL: true },
  };
  before(async () => {
    table = await createTable(target().ddb, 'expressions');
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  });

  const holds = async (condition: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) => {
    try {
      await target().ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };

  test('comparison operators', async () => {
    assert.equal(await holds('age = :v', { ':v': { N: '30.0' } }), true);
    assert.equal(await holds('age <> :v', { ':v': { N: '30' } }), false);
    assert.equal(await holds('age < :v', { ':v': { N: '31' } }), true);
    assert.equal(await holds('age <= :v', { ':v': { N: '29' } }), false);
    assert.equal(await holds('age > :v', { ':v': { N: '-1' } }), true);
    assert.equal(await holds('age >= :v', { ':v': { N: '30' } }), true);
    assert.equal(await holds('#n < :v', { ':v': { S: 'bob' } }, { '#n': 'name' }), true);
    assert.equal(await holds('bin > :v', { ':v': { B: new Uint8Array([1, 1, 9]) } }), true);
    assert.equal(await holds('age = :v', { ':v': { S: '30' } }), false, 'different types are never equal');
    assert.equal(await holds('tags = :v', { ':v': { SS: ['blue', 'red'] } }), true, 'sets compare as sets');
    assert.equal(await holds('doc.nested.deep = :v', { ':v': { N: '5' } }), true);
    assert.equal(await holds('lst[1] = :v', { ':v': { S: 'b' } }), true);
  });

  test('BETWEEN, IN, AND, OR, NOT and parentheses', async () => {
    assert.equal(await holds('age BETWEEN :a AND :b', { ':a': { N: '30' }, ':b': { N: '40' } }), true);
    assert.equal(await holds('age BETWEEN :a AND :b', { ':a': { N: '31' }, ':b': { N: '40' } }), false);
    assert.equal(await holds('age IN (:a, :b)', { ':a': { N: '1' }, ':b': { N: '30' } }), true);
    assert.equal(await holds('age IN (:a)', { ':a': { N: '1' } }), false);
    assert.equal(await holds('age = :a AND flag = :t', { ':a': { N: '30' }, ':t': { BOOL: true } }), true);
    assert.equal(await holds('age = :a AND flag = :t', { ':a': { N: '31' }, ':t': { BOOL: true } }), false);
    assert.equal(await holds('age = :a OR flag = :t', { ':a': { N: '31' }, ':t': { BOOL: true } }), true);
    assert.equal(await holds('NOT age = :a', { ':a': { N: '30' } }), false);
    assert.equal(await holds('(age = :a OR age = :b) AND NOT (flag = :f)', { ':a': { N: '1' }, ':b': { N: '30' }, ':f': { BOOL: false } }), true);
  });

  test('functions', async () => {
    assert.equal(await holds('attribute_exists(doc.word)'), true);
    assert.equal(await holds('attribute_exists(absent)'), false);
    assert.equal(await holds('attribute_not_exists(absent)'), true);
    assert.equal(await holds('attribute_type(tags, :t)', { ':t': { S: 'SS' } }), true);
    assert.equal(await holds('attribute_type(age, :t)', { ':t': { S: 'S' } }), false);
    assert.equal(await holds('begins_with(#n, :p)', { ':p': { S: 'al' } }, { '#n': 'name' }), true);
    assert.equal(await holds('contains(tags, :m)', { ':m': { S: 'red' } }), true);
    assert.equal(await holds('contains(#n, :m)', { ':m': { S: 'lic' } }, { '#n': 'name' }), true);
    assert.equal(await holds('contains(lst, :m)', { ':m': { S: 'c' } }), true);
    assert.equal(await holds('size(lst) = :three', { ':three': { N: '3' } }), true);
    assert.equal(await holds('size(tags) > :one', { ':one': { N: '1' } }), true);
  });

  test('a failed condition can return the old item', async () => {
    const error = await errorOf(() =>
      target().ddb.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { pk: { S: 'subject' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    assert.equal(error.name, 'ConditionalCheckFailedException');
    assert.equal(error.message, 'The conditional request failed');
    assert.deepEqual((error.Item as Record<string, AttributeValue>).name, { S: 'alice' });
  });

  const update = (key: string, expression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) =>
    target().ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: key } },
        UpdateExpression: expression,
        ExpressionAttributeValues: values,
        ExpressionAttributeNames: names,
        ReturnValues: 'ALL_NEW',
      }),
    );

  test('SET with arithmetic, if_not_exists and list_append', async () => {
    await update('u1', 'SET n = :v, l = :l', { ':v': { N: '10' }, ':l': { L: [{ N: '1' }] } });
    const r = await update('u1', 'SET n = n - :d, m = if_not_exists(m, :z), l = list_append(l, :more), k = :big + :big', {
      ':d': { N: '0.5' },
      ':z': { N: '0' },
      ':more': { L: [{ N: '2' }] },
      ':big': { N: '99999999999999999999999999999999999' },
    });
    assert.deepEqual(r.Attributes?.n, { N: '9.5' });
    assert.deepEqual(r.Attributes?.m, { N: '0' });
    assert.deepEqual(r.Attributes?.l, { L: [{ N: '1' }, { N: '2' }] });
    assert.deepEqual(r.Attributes?.k, { N: '199999999999999999999999999999999998' });
    const again = await update('u1', 'SET m = if_not_exists(m, :z)', { ':z': { N: '7' } });
    assert.deepEqual(again.Attributes?.m, { N: '0' });
  });

  test('REMOVE, including list elements, ADD and DELETE', async () => {
    await update('u2', 'SET l = :l, gone = :x, s = :s, c = :c', {
      ':l': { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] },
      ':x': { S: 'x' },
      ':s': { SS: ['a', 'b', 'c'] },
      ':c': { N: '1' },
    });
    await update('u2', 'ADD s :more', { ':more': { SS: ['d'] } });
    const r = await update('u2', 'REMOVE gone, l[0] ADD c :two, fresh :five DELETE s :drop', {
      ':two': { N: '2' },
      ':five': { N: '5' },
      ':drop': { SS: ['a', 'b'] },
    });
    assert.equal(r.Attributes?.gone, undefined);
    assert.deepEqual(r.Attributes?.l, { L: [{ S: 'b' }, { S: 'c' }] });
    assert.deepEqual(r.Attributes?.c, { N: '3' });
    assert.deepEqual(r.Attributes?.fresh, { N: '5' });
    assert.deepEqual([...(r.Attributes?.s?.SS ?? [])].sort(), ['c', 'd']);
    const emptied = await update('u2', 'DELETE s :all', { ':all': { SS: ['c', 'd'] } });
    assert.equal(emptied.Attributes?.s, undefined, 'deleting every member removes the attribute');
  });

  test('ProjectionExpression with nested paths and list indexes', async () => {
    const { Item } = await target().ddb.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: 'subject' } },
        ProjectionExpression: '#n, doc.nested.deep, lst[2], lst[0], absent',
        ExpressionAttributeNames: { '#n': 'name' },
      }),
    );
    assert.deepEqual(Item, {
      name: { S: 'alice' },
      doc: { M: { nested: { M: { deep: { N: '5' } } } } },
      lst: { L: [{ S: 'a' }, { S: 'c' }] },
    });
  });

  const updateError = async (expression: string, values?: Record<string, AttributeValue>, names?: Record<string, string>, condition?: string) =>
    errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'errors' } },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      ),
    );

  test('expression errors carry DynamoDB messages', async () => {
    const cases: [Promise<{ message: string }>, string][] = [
      [updateError('INVALID SYNTAX'), 'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'],
      [updateError(''), 'Invalid UpdateExpression: The expression can not be empty;'],
      [updateError('SET a = :v'), 'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v'],
      [updateError('SET #a = :v', { ':v': { S: 'x' } }), 'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a'],
      [updateError('SET a = :v', { ':v': { S: 'x' }, ':unused': { S: 'y' } }), 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}'],
      [updateError('SET a = :v', { ':v': { S: 'x' } }, { '#unused': 'b' }), 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}'],
      [updateError('SET pk = :v', { ':v': { S: 'x' } }), 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key'],
      [updateError('SET status = :v', { ':v': { S: 'x' } }), 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status'],
      [updateError('SET a = :v, a.b = :v', { ':v': { S: 'x' } }), 'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
      [updateError('SET a = :v SET b = :v', { ':v': { S: 'x' } }), 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'],
      [updateError('SET a = :v', { ':v': { S: 'x' } }, undefined, 'a = '), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "= "'],
    ];
    for (const [pending, message] of cases) {
      const error = await pending;
      assert.equal(error.message, message);
    }
  });

  test('operand type errors at apply time', async () => {
    await update('types', 'SET s = :s', { ':s': { S: 'text' } });
    const error = await errorOf(() => update('types', 'SET s = s + :one', { ':one': { N: '1' } }));
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'An operand in the update expression has an incorrect data type');
  });
});
