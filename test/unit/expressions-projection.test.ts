import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { attributesToGetProjection, requestExpressions } from '../../src/expressions/index.js';
import type { Item } from '../../src/model/attribute-value.js';

const item: Item = {
  a: { S: 'A' },
  b: { M: { c: { N: '1' }, d: { N: '2' } } },
  l: { L: [{ S: 'x' }, { M: { y: { S: 'Y' }, z: { S: 'Z' } } }, { S: 'w' }] },
};

function project(text: string, names?: Record<string, string>): Item {
  const request = requestExpressions(names, undefined);
  const projection = request.projection(text);
  request.finish();
  return projection.apply(item);
}

describe('projection', () => {
  test('top-level and nested paths', () => {
    assert.deepEqual(project('a, b.c'), { a: { S: 'A' }, b: { M: { c: { N: '1' } } } });
    assert.deepEqual(project('#x', { '#x': 'a' }), { a: { S: 'A' } });
  });

  test('list elements come back compacted in list order', () => {
    assert.deepEqual(project('l[2], l[0]'), { l: { L: [{ S: 'x' }, { S: 'w' }] } });
    assert.deepEqual(project('l[1].z, l[9]'), { l: { L: [{ M: { z: { S: 'Z' } } }] } });
  });

  test('absent parts are left out', () => {
    assert.deepEqual(project('nope, b.zz, a.x'), {});
  });

  test('topLevelNames', () => {
    const projection = requestExpressions(undefined, undefined).projection('a, b.c, l[0]');
    assert.deepEqual(projection.topLevelNames, ['a', 'b', 'l']);
  });

  test('errors', () => {
    const fails = (text: string, message: string, names?: Record<string, string>): void => {
      assert.throws(() => requestExpressions(names, undefined).projection(text), { message: `Invalid ProjectionExpression: ${message}` });
    };
    fails('!!', 'Syntax error; token: "!", near: "!!"');
    fails('', 'The expression can not be empty;');
    fails('a, a.b', 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]');
    fails('a.b, a[0]', 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]');
    fails('#a', 'An expression attribute name used in the document path is not defined; attribute name: #a');
    fails('name', 'Attribute name is a reserved keyword; reserved keyword: name');
  });

  test('AttributesToGet projects whole attributes and rejects duplicates', () => {
    assert.deepEqual(attributesToGetProjection(['a', 'nope']).apply(item), { a: { S: 'A' } });
    assert.throws(() => attributesToGetProjection(['a', 'a']), {
      message: 'One or more parameter values were invalid: Duplicate value in attribute name: a',
    });
  });
});

describe('request-wide names and values', () => {
  test('unused names are reported before unused values', () => {
    const request = requestExpressions({ '#a': 'a', '#b': 'b' }, { ':u': { S: 'x' } });
    request.projection('#a');
    assert.throws(() => request.finish(), { message: 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}' });
    const values = requestExpressions(undefined, { ':u': { S: 'x' }, ':w': { S: 'y' } });
    assert.throws(() => values.finish(), { message: 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:u, :w}' });
  });

  test('usage is shared across the expressions of one request', () => {
    const request = requestExpressions({ '#a': 'a' }, { ':v': { S: 'x' } });
    request.projection('#a');
    request.condition('#a = :v', 'ConditionExpression');
    assert.doesNotThrow(() => request.finish());
  });

  test('map validation', () => {
    assert.throws(() => requestExpressions({}, undefined), { message: 'ExpressionAttributeNames must not be empty' });
    assert.throws(() => requestExpressions(undefined, {}), { message: 'ExpressionAttributeValues must not be empty' });
    assert.throws(() => requestExpressions({ a: 'x' }, undefined), { message: 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"' });
    assert.throws(() => requestExpressions(undefined, { ':a-b': { S: 'x' } }), { message: 'ExpressionAttributeValues contains invalid key: Syntax error; key: ":a-b"' });
    assert.throws(() => requestExpressions(undefined, { ':v': { NULL: false } }), {
      message: 'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Null attribute value types must have the value of true for key :v',
    });
  });
});
