/**
 * Property tests of attribute values against both storage backends: any valid
 * item (all ten types, nesting, sets, numbers at the edges of range and
 * precision in every spelling, binaries, any Unicode) is stored and read back
 * as DynamoDB answers it (numbers canonical), and a partition's sort keys come
 * back from Query in DynamoDB's order (strings by UTF-8 bytes, binaries by
 * bytes, numbers by value), checked against a model written here.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable } from '../helpers/tables.js';
import { fuzz } from '../helpers/fuzz/run.js';
import { caller, ok } from '../helpers/fuzz/server.js';
import { attributes, compareKeys, keyValue, canonicalItem, type Item, type KeyType, type Value } from '../helpers/fuzz/values.js';

const TYPES: readonly KeyType[] = ['S', 'N', 'B'];

/** A partition key, its sort keys (distinct as DynamoDB compares them) and each item's other attributes. */
const partition = fc.constantFrom(...TYPES).chain((type) =>
  fc.record({
    type: fc.constant(type),
    pk: keyValue(type, 2048),
    rows: fc.uniqueArray(fc.record({ sk: keyValue(type, 1024), rest: attributes(['pk', 'sk']) }), {
      minLength: 1,
      maxLength: 5,
      comparator: (a, b) => compareKeys(a.sk.stored, b.sk.stored) === 0,
    }),
  }),
);

describeEachBackend('fuzz: attribute values', (target) => {
  const tables = new Map<KeyType, string>();
  const call = caller(target);

  before(async () => {
    for (const type of TYPES) tables.set(type, await createTable(target().ddb, `fuzz_values_${type}`, { hash: ['pk', type], range: ['sk', type] }));
  });

  test('items are stored and read back as DynamoDB answers them, in key order', async () => {
    await fuzz(
      `values round trip ${target().backend}`,
      40,
      fc.asyncProperty(partition, async ({ type, pk, rows }) => {
        const TableName = tables.get(type)!;
        const key = (sk: Value) => ({ pk: pk.sent, sk });
        try {
          for (const { sk, rest } of rows) {
            const body = { TableName, Item: { ...rest.sent, ...key(sk.sent) } };
            ok(await call('PutItem', body), body);
          }
          for (const { sk, rest } of rows) {
            const body = { TableName, Key: key(sk.sent), ConsistentRead: true };
            const { Item: got } = ok(await call('GetItem', body), body) as { Item?: Item };
            assert.ok(got, `no item for ${JSON.stringify(body)}`);
            assert.deepEqual(canonicalItem(got), canonicalItem({ ...rest.stored, pk: pk.stored, sk: sk.stored }));
          }
          const order = rows.map((row) => row.sk.stored).sort(compareKeys);
          for (const forward of [true, false]) {
            const body = { TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk.sent }, ScanIndexForward: forward, ConsistentRead: true };
            const { Items } = ok(await call('Query', body), body) as { Items: Item[] };
            assert.deepEqual(
              Items.map((item) => item.sk),
              forward ? order : [...order].reverse(),
            );
          }
        } finally {
          for (const { sk } of rows) await call('DeleteItem', { TableName, Key: key(sk.sent) });
        }
      }),
    );
  });
});
