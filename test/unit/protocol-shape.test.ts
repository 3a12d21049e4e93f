import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { attributeMap, checkShape, list, map, str, struct } from '../../src/protocol/shape.js';

const PATTERN = '[a-z]+';

const shape = struct('ExampleInput', {
  TableName: str({ required: true, minLength: 3, pattern: PATTERN }),
  Item: attributeMap(),
  Names: list(str({ pattern: PATTERN })),
  Tags: map(str(), 'java.lang.String, java.lang.String', { keyPattern: PATTERN, keyMaxLength: 4 }),
});

function errorOf(body: unknown): string {
  try {
    checkShape(body, shape);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('checkShape', () => {
  test('a clean item comes back as sent, without copies', () => {
    const item = { pk: { S: 'a' }, m: { M: { x: { L: [{ N: '1' }, { SS: ['q'] }] } } } };
    const request = checkShape<{ Item: unknown }>({ TableName: 'abc', Item: item }, shape);
    assert.equal(request.Item, item);
  });

  test('null members and unknown members of attribute values are dropped deep inside an item; the input is left as it was', () => {
    const body = JSON.parse(
      '{"TableName":"abc","Item":{"a":{"S":"x","Bogus":1},"b":null,"c":{"M":{"d":{"N":"1","S":null},"e":{"S":"y"}}},"f":{"S":"z"}}}',
    );
    const before = structuredClone(body);
    const request = checkShape<{ Item: unknown }>(body, shape);
    assert.deepEqual(request.Item, { a: { S: 'x' }, b: null, c: { M: { d: { N: '1' }, e: { S: 'y' } } }, f: { S: 'z' } });
    assert.deepEqual(Object.keys(request.Item as object), ['a', 'b', 'c', 'f']);
    assert.deepEqual(body, before);
  });

  test('null attribute values are kept, without copies, for the value checks to refuse', () => {
    const item = { a: null, m: { M: { b: null } }, l: { L: [null, { S: 'x' }] } };
    const request = checkShape<{ Item: unknown }>({ TableName: 'abc', Item: item }, shape);
    assert.equal(request.Item, item);
    // A null set member is kept (as undefined) too: the list is copied, as any list with a null member is.
    const withSet = checkShape<{ Item: Record<string, { SS: unknown[] }> }>({ TableName: 'abc', Item: { s: { SS: ['a', null] } } }, shape);
    assert.deepEqual(withSet.Item.s!.SS, ['a', undefined]);
  });

  test('an attribute named __proto__ stays an own member when its map is rebuilt', () => {
    const body = JSON.parse('{"TableName":"abc","Item":{"a":{"S":"x","Bogus":1},"__proto__":{"S":"p"}}}');
    const request = checkShape<{ Item: Record<string, unknown> }>(body, shape);
    assert.deepEqual(Object.keys(request.Item), ['a', '__proto__']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(request.Item, '__proto__')?.value, { S: 'p' });
    assert.equal(Object.getPrototypeOf(request.Item), Object.prototype);
  });

  test('a list with a null member is rebuilt and the null reported by position', () => {
    const shapeWithRequired = struct('X', { L: list(str({ required: true })) });
    assert.throws(() => checkShape({ L: ['a', null] }, shapeWithRequired), {
      message: "1 validation error detected: Value null at 'l.2.member' failed to satisfy constraint: Member must not be null",
    });
  });

  test('pattern, length and key constraints keep their messages, request after request', () => {
    for (let round = 0; round < 3; round++) {
      assert.equal(
        errorOf({ TableName: 'A1', Names: ['ok', 'NO'], Tags: { abcde: 'v', ok: 'w' } }),
        '4 validation errors detected: ' +
          "Value 'A1' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+; " +
          "Value 'A1' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
          "Value 'NO' at 'names.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+; " +
          "Value '{abcde=v, ok=w}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: " +
          '[Member must have length less than or equal to 4, Member must satisfy regular expression pattern: [a-z]+]',
      );
      assert.equal(errorOf({ TableName: 'abc', Names: ['ok'], Tags: { ok: 'w' } }), 'no error');
    }
  });

  test('a missing required member is reported; members without constraints are not', () => {
    assert.equal(
      errorOf({ Item: { a: { S: 'x' } } }),
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    );
  });
});
