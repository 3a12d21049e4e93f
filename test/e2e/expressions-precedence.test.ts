/**
 * Which of two faults of an expression DynamoDB reports: overlapping versus
 * conflicting update paths, undefined names versus values, a syntax error
 * versus redundant parentheses, and the other orders its checks follow.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('expression error precedence', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'exprorder');
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'k' }, n: { N: '1' } } }));
  });

  const values = { ':x': { N: '1' }, ':y': { N: '2' } };
  const updateError = async (UpdateExpression: string, names?: Record<string, string>, vals: Record<string, AttributeValue> = values) => {
    const error = await errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'k' } }, UpdateExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: vals }),
      ),
    );
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };
  const filterError = async (FilterExpression: string, names?: Record<string, string>, vals: Record<string, AttributeValue> = values) => {
    const error = await errorOf(() =>
      target().ddb.send(new ScanCommand({ TableName: table, FilterExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: vals })),
    );
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };
  const overlap = (one: string, two: string) =>
    `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`;
  const conflict = (one: string, two: string) =>
    `Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`;

  test('of clashing update paths, the clash nearest the end of the expression is reported', async () => {
    assert.equal(await updateError('SET a = :x, a.b = :y'), overlap('[a]', '[a, b]'));
    assert.equal(await updateError('SET a[0] = :x, a.b = :y'), conflict('[a, [0]]', '[a, b]'));
    assert.equal(await updateError('SET a[0] = :x, a.b = :y, c = :x, c.d = :y'), overlap('[c]', '[c, d]'));
    assert.equal(await updateError('SET c = :x, c.d = :y, a[0] = :x, a.b = :y'), conflict('[a, [0]]', '[a, b]'));
    assert.equal(await updateError('SET a = :x, a[0] = :x, a.b = :y'), conflict('[a, [0]]', '[a, b]'));
    // dynalite's tests, recorded against DynamoDB.
    assert.equal(await updateError('REMOVE a.#c SET a[1] = :x', { '#c': 'c' }), conflict('[a, c]', '[a, [1]]'));
    // The target paths are checked from the last action to the first, each before it is compared.
    assert.equal(await updateError('SET #nope = :x, a = :x, a.b = :y'), overlap('[a]', '[a, b]'));
  });

  test('an undefined name or value: reading order in conditions', async () => {
    const value = 'An expression attribute value used in expression is not defined; attribute value: :nope';
    const name = 'An expression attribute name used in the document path is not defined; attribute name: #nope';
    assert.equal(await filterError(':nope = #nope', undefined, { ':x': { N: '1' } }), `Invalid FilterExpression: ${value}`);
    assert.equal(await filterError('n = :x AND #nope = :nope', undefined, { ':x': { N: '1' } }), `Invalid FilterExpression: ${name}`);
    assert.equal(await filterError('n BETWEEN :nope AND #nope', undefined, { ':x': { N: '1' } }), `Invalid FilterExpression: ${value}`);
  });

  test('an undefined name or value: in updates the targets first, then the operands from the last action back', async () => {
    const value = 'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope';
    const name = 'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #nope';
    assert.equal(await updateError('SET a = :nope, #nope = :x', undefined, { ':x': { N: '1' } }), name);
    assert.equal(await updateError('SET a = #nope, b = :nope', undefined, { ':x': { N: '1' } }), value);
    assert.equal(await updateError('SET a = :nope, b = #nope', undefined, { ':x': { N: '1' } }), name);
    assert.equal(await updateError('SET a = :nope + #nope', undefined, { ':x': { N: '1' } }), value);
    // An overlap of targets comes before the operands' values.
    assert.equal(await updateError('SET a = :x, a.b = :nope'), overlap('[a]', '[a, b]'));
  });

  test('redundant parentheses are refused as soon as they close, before a later syntax error', async () => {
    assert.equal(await filterError('((n = :x)) AND', undefined, { ':x': { N: '1' } }), 'Invalid FilterExpression: The expression has redundant parentheses;');
    assert.equal(await filterError('n = ((:x)) b', undefined, { ':x': { N: '1' } }), 'Invalid FilterExpression: The expression has redundant parentheses;');
    assert.equal(await updateError('SET a = ((:x)) REMOVE', undefined, { ':x': { N: '1' } }), 'Invalid UpdateExpression: The expression has redundant parentheses;');
    assert.equal(await updateError('SET a = ((:x + :y))'), 'Invalid UpdateExpression: The expression has redundant parentheses;');
    // A syntax error before any doubled parentheses close wins.
    assert.equal(await filterError('((n = :x)', undefined, { ':x': { N: '1' } }), 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: ")"');
    // Parenthesized operands of + and a parenthesized sum are fine.
    const { Attributes } = await target().ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'k' } },
        UpdateExpression: 'SET s1 = (:x) + (:y), s2 = (:x + :y)',
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    assert.deepEqual(Attributes, { s1: { N: '3' }, s2: { N: '3' } });
  });

  test('text-only faults are reported in reading order, whatever their kind', async () => {
    assert.equal(await filterError('name = :x AND f(n)', undefined, { ':x': { N: '1' } }), 'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: name');
    assert.equal(await filterError('f(n) AND name = :x', undefined, { ':x': { N: '1' } }), 'Invalid FilterExpression: Invalid function name; function: f');
    assert.equal(
      await filterError('size(n) AND f(n)'),
      'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: size',
    );
    assert.equal(
      await updateError('SET a = :x SET b = :x, name = :x', undefined, { ':x': { N: '1' } }),
      'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name',
    );
    assert.equal(
      await updateError('SET a = :x SET b = :x REMOVE name', undefined, { ':x': { N: '1' } }),
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    );
  });

  test('projection paths are checked from the last to the first', async () => {
    const projectionError = async (ProjectionExpression: string, names?: Record<string, string>) =>
      (await errorOf(() => target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'k' } }, ProjectionExpression, ExpressionAttributeNames: names })))).message;
    assert.equal(
      await projectionError('#nope, a, a'),
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    );
    assert.equal(
      await projectionError('a, a, #nope'),
      'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope',
    );
    assert.equal(
      await projectionError('a.c, a.b, a[0]'),
      'Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]',
    );
  });
});
