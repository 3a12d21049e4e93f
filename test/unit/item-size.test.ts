import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Item } from '../../src/model/attribute-value.js';
import { attributeValueSize, fitsItemLimit, itemSize, MAX_ITEM_SIZE, numberSize } from '../../src/model/item-size.js';

describe('attributeValueSize', () => {
  test('scalars', () => {
    assert.equal(attributeValueSize({ S: 'abc' }), 3);
    assert.equal(attributeValueSize({ S: 'é😀' }), 6);
    assert.equal(attributeValueSize({ S: '' }), 0);
    assert.equal(attributeValueSize({ B: 'AAEC' }), 3);
    assert.equal(attributeValueSize({ B: 'AA==' }), 1);
    assert.equal(attributeValueSize({ BOOL: true }), 1);
    assert.equal(attributeValueSize({ NULL: true }), 1);
  });

  test('numbers: base-100 digits from the decimal point, plus exponent and sign bytes', () => {
    const cases: [string, number][] = [
      ['0', 1],
      ['1', 2],
      ['10', 2],
      ['99', 2],
      ['100', 2],
      ['1.1', 3],
      ['0.11', 2],
      ['12345', 4],
      ['-1', 3],
      ['1' + '0'.repeat(125), 2],
      ['11' + '0'.repeat(124), 2],
      ['11111' + '0'.repeat(121), 4],
      ['111111' + '0'.repeat(120), 4],
      ['1111111' + '0'.repeat(119), 5],
      ['1'.repeat(38) + '0'.repeat(88), 20],
    ];
    for (const [n, size] of cases) assert.equal(numberSize(n), size, n.slice(0, 12));
  });

  test('sets, lists and maps', () => {
    assert.equal(attributeValueSize({ SS: ['a', 'bc'] }), 3);
    assert.equal(attributeValueSize({ NS: ['1', '-1'] }), 5);
    assert.equal(attributeValueSize({ BS: ['AA==', 'AAA='] }), 3);
    assert.equal(attributeValueSize({ L: [] }), 3);
    assert.equal(attributeValueSize({ L: [{ S: 'ab' }, { BOOL: true }] }), 3 + 2 + 2 + 1);
    assert.equal(attributeValueSize({ M: {} }), 3);
    assert.equal(attributeValueSize({ M: { ab: { S: 'xyz' } } }), 3 + 1 + 2 + 3);
    assert.equal(attributeValueSize({ M: { a: { M: { b: { N: '1' } } } } }), 3 + 1 + 1 + (3 + 1 + 1 + 2));
  });
});

describe('itemSize and the 400 KB limit', () => {
  test('counts attribute names in UTF-8', () => {
    assert.equal(itemSize({ pk: { S: 'k' }, 'é': { N: '1' } }), 2 + 1 + 2 + 2);
  });

  test('is exact at the 409,600 byte boundary', () => {
    assert.equal(MAX_ITEM_SIZE, 409600);
    const item = (length: number): Item => ({ pk: { S: 'key' }, data: { S: 'x'.repeat(length) } });
    const overhead = 2 + 3 + 4;
    assert.equal(itemSize(item(MAX_ITEM_SIZE - overhead)), MAX_ITEM_SIZE);
    assert.equal(fitsItemLimit(item(MAX_ITEM_SIZE - overhead)), true);
    assert.equal(fitsItemLimit(item(MAX_ITEM_SIZE - overhead + 1)), false);
  });

  test('reproduces the recorded DynamoDB boundaries with a large number', () => {
    const c = '1'.repeat(38) + '0'.repeat(88);
    const key = 'abcdefgh';
    const fill = (length: number): Item => ({ a: { S: key }, b: { S: 'a'.repeat(length) }, c: { N: c } });
    const justFits = MAX_ITEM_SIZE - key.length - 1 - 1 - 1 - 20;
    assert.equal(fitsItemLimit(fill(justFits)), true);
    assert.equal(fitsItemLimit(fill(justFits + 1)), false);
  });
});
