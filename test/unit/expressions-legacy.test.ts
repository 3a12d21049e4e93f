import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { attributeUpdates, expectedCondition } from '../../src/expressions/index.js';
import { LruCache } from '../../src/expressions/cache.js';
import { RESERVED_WORD_COUNT, isReservedWord } from '../../src/expressions/reserved-words.js';
import type { Item } from '../../src/model/attribute-value.js';

const item: Item = { pk: { S: 'k' }, n: { N: '5' }, s: { S: 'hello' }, ss: { SS: ['a', 'b'] } };
const INVALID = 'One or more parameter values were invalid: ';

describe('Expected', () => {
  test('Value / Exists forms', () => {
    assert.equal(expectedCondition({ n: { Value: { N: '5.0' } } }, undefined).evaluate(item), true);
    assert.equal(expectedCondition({ n: { Exists: false } }, undefined).evaluate(item), false);
    assert.equal(expectedCondition({ zz: { Exists: false } }, undefined).evaluate(undefined), true);
  });

  test('comparison operators', () => {
    const holds = (operator: string, list: unknown[]): boolean =>
      expectedCondition({ x: { ComparisonOperator: operator, AttributeValueList: list } }, undefined).evaluate({ x: item.n as never, t: item.s as never });
    assert.equal(holds('EQ', [{ N: '5' }]), true);
    assert.equal(holds('NE', [{ N: '5' }]), false);
    assert.equal(holds('LT', [{ N: '6' }]), true);
    assert.equal(holds('GE', [{ N: '6' }]), false);
    assert.equal(holds('NOT_NULL', []), true);
    assert.equal(holds('NULL', []), false);
    assert.equal(holds('IN', [{ N: '1' }, { N: '5' }]), true);
    assert.equal(holds('BETWEEN', [{ N: '1' }, { N: '5' }]), true);
    const onString = (operator: string, value: string): boolean =>
      expectedCondition({ s: { ComparisonOperator: operator, AttributeValueList: [{ S: value }] } }, undefined).evaluate(item);
    assert.equal(onString('BEGINS_WITH', 'he'), true);
    assert.equal(onString('CONTAINS', 'ell'), true);
    assert.equal(onString('NOT_CONTAINS', 'ell'), false);
  });

  test('ConditionalOperator OR / AND', () => {
    const expected = { n: { Value: { N: '1' } }, s: { Value: { S: 'hello' } } };
    assert.equal(expectedCondition(expected, 'OR').evaluate(item), true);
    assert.equal(expectedCondition(expected, 'AND').evaluate(item), false);
  });

  test('validation messages', () => {
    const fails = (expected: unknown, message: string): void => assert.throws(() => expectedCondition(expected, undefined), { message });
    fails({ a: { Value: { S: 'x' }, AttributeValueList: [] } }, `${INVALID}Value and AttributeValueList cannot be used together for Attribute: a`);
    fails({ a: { Exists: true, ComparisonOperator: 'EQ' } }, `${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: a`);
    fails({ a: { ComparisonOperator: 'EQ' } }, `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a`);
    fails({ a: { ComparisonOperator: 'EQ', AttributeValueList: [] } }, `${INVALID}Invalid number of argument(s) for the EQ ComparisonOperator`);
    fails({ a: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'x' }, { N: '1' }] } }, `${INVALID}AttributeValues inside AttributeValueList must be of same type`);
    fails({ a: { ComparisonOperator: 'LT', AttributeValueList: [{ BOOL: true }] } }, `${INVALID}ComparisonOperator LT is not valid for BOOL AttributeValue type`);
    fails({ a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '5' }, { N: '1' }] } }, 'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
    fails({ a: { AttributeValueList: [{ S: 'x' }] } }, `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: a`);
    fails({ a: {} }, `${INVALID}Value must be provided when Exists is null for Attribute: a`);
    fails({ a: { Exists: false, Value: { S: 'x' } } }, `${INVALID}Value cannot be used when Exists is false for Attribute: a`);
  });
});

describe('AttributeUpdates', () => {
  test('PUT, ADD and DELETE', () => {
    const out = attributeUpdates(
      {
        s: { Action: 'PUT', Value: { S: 'new' } },
        n: { Action: 'ADD', Value: { N: '2.5' } },
        ss: { Action: 'DELETE', Value: { SS: ['a'] } },
        l: { Action: 'ADD', Value: { L: [{ S: 'q' }] } },
        gone: { Action: 'DELETE' },
      },
    ).apply({ ...item, gone: { S: 'x' } });
    assert.deepEqual(out, { pk: { S: 'k' }, s: { S: 'new' }, n: { N: '7.5' }, ss: { SS: ['b'] }, l: { L: [{ S: 'q' }] } });
  });

  test('errors', () => {
    const fails = (updates: unknown, message: string): void => assert.throws(() => attributeUpdates(updates), { message });
    fails({ a: { Action: 'PUT' } }, `${INVALID}Only DELETE action is allowed when no attribute value is specified`);
    fails({ a: { Action: 'DELETE', Value: { S: 'x' } } }, `${INVALID}DELETE action with value is not supported for the type S`);
    fails({ a: { Action: 'ADD', Value: { S: 'x' } } }, `${INVALID}ADD action is not supported for the type S`);
    assert.throws(() => attributeUpdates({ s: { Action: 'ADD', Value: { N: '1' } } }).apply(item), {
      message: 'Type mismatch for attribute to update',
    });
  });
});

describe('support', () => {
  test('reserved words: the full list, case-insensitive', () => {
    assert.equal(RESERVED_WORD_COUNT, 573);
    assert.equal(isReservedWord('Status'), true);
    assert.equal(isReservedWord('statusx'), false);
  });

  test('LRU cache evicts the least recently used entry', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.size, 2);
  });
});
