/**
 * Condition and filter expressions generated from DynamoDB's grammar, checked
 * against the model in test/helpers/fuzz/condition-model.ts: a Scan's filter
 * keeps exactly the items the model keeps, and a conditional PutItem succeeds
 * exactly when the model says the condition holds (otherwise
 * ConditionalCheckFailedException). Evaluation does not depend on storage, so
 * one in-memory server is enough.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeEachBackend } from '../helpers/harness.js';
import { prng } from '../helpers/random.js';
import { createTable } from '../helpers/tables.js';
import { condition } from '../helpers/fuzz/conditions.js';
import { holds } from '../helpers/fuzz/condition-model.js';
import { poolAttributes } from '../helpers/fuzz/documents.js';
import { attributeMaps, Renderer } from '../helpers/fuzz/render.js';
import { fuzz } from '../helpers/fuzz/run.js';
import { caller, ok, withItems } from '../helpers/fuzz/server.js';
import type { Item } from '../helpers/fuzz/values.js';

const case_ = fc.record({
  items: fc.array(poolAttributes, { minLength: 1, maxLength: 6 }),
  condition: condition(),
  style: fc.integer(),
  tested: fc.nat(),
});

describeEachBackend(
  'fuzz: conditions against the model',
  (target) => {
    let TableName: string;
    const call = caller(target);
    before(async () => {
      TableName = await createTable(target().ddb, 'fuzz_conditions');
    });

    test('filters and conditions select what the model selects', async () => {
      await fuzz(
        'conditions',
        150,
        fc.asyncProperty(case_, async ({ items, condition: c, style, tested }) => {
          const stored: Item[] = items.map((attributes, i) => ({ ...attributes, pk: { S: `i${i}` } }));
          const renderer = new Renderer(prng(style));
          const rendered = renderer.render(renderer.condition(c));
          const maps = attributeMaps(rendered.names, rendered.values);
          await withItems(call, TableName, stored, (item) => ({ pk: item.pk }), async () => {
            const scan = { TableName, FilterExpression: rendered.text, ...maps, ConsistentRead: true };
            const { Items } = ok(await call('Scan', scan), scan) as { Items: Item[] };
            const expected = stored.filter((item) => holds(c, item)).map((item) => item.pk!);
            assert.deepEqual(new Set(Items.map((item) => JSON.stringify(item.pk))), new Set(expected.map((pk) => JSON.stringify(pk))), `filter ${rendered.text} ${JSON.stringify(maps)}`);

            const item = stored[tested % stored.length]!;
            const put = { TableName, Item: item, ConditionExpression: rendered.text, ...maps };
            const answer = await call('PutItem', put);
            const expectedError = holds(c, item) ? undefined : 'ConditionalCheckFailedException';
            assert.equal(answer.error, expectedError, `condition ${rendered.text} ${JSON.stringify(maps)} on ${JSON.stringify(item)}: ${answer.message}`);
          });
        }),
      );
    });
  },
  { memoryOnly: true },
);
