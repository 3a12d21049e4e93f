import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyIdentity } from '../../src/operations/items/batch-request.js';
import type { Item } from '../../src/model/attribute-value.js';

test('keys DynamoDB takes for the same item share an identity, whatever the order of their attributes or the form of their numbers', () => {
  const same: Item[][] = [
    [{ pk: { S: 'a' }, sk: { N: '1' } }, { sk: { N: '1.0' }, pk: { S: 'a' } }, { pk: { S: 'a' }, sk: { N: '10E-1' } }],
    [{ pk: { B: 'AAE=' } }, { pk: { B: 'AAE' } }],
  ];
  for (const keys of same) assert.equal(new Set(keys.map(keyIdentity)).size, 1, JSON.stringify(keys));
});

test('distinct keys never share an identity: separators inside strings, lone surrogates, types', () => {
  const distinct: Item[] = [
    { a: { S: 'x,"b":Sy' } },
    { a: { S: 'x' }, b: { S: 'y' } },
    { a: { S: 'x",' } },
    { a: { S: '\ud800' } },
    { a: { S: '\udfff' } },
    { a: { S: '\ufffd' } },
    { a: { S: '1' } },
    { a: { N: '1' } },
    { a: { B: 'MQ==' } },
    { a: { S: '' }, b: { S: 'x' } },
    { a: { S: 'x' }, b: { S: '' } },
  ];
  assert.equal(new Set(distinct.map(keyIdentity)).size, distinct.length);
});
