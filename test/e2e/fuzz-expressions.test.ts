/**
 * Projection, key condition, update and condition expressions, generated from
 * DynamoDB's grammar and then mutated. Valid projections and key conditions
 * must answer what the model in test/helpers/fuzz/paths.ts computes; every
 * expression, valid or mutated, in every operation that takes one, must get a
 * 200 or one of DynamoDB's errors (see answers.ts), never a 500, a hang or
 * pathological work. Only validation and evaluation are exercised, so one
 * in-memory server is enough.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeEachBackend } from '../helpers/harness.js';
import { prng } from '../helpers/random.js';
import { createTable } from '../helpers/tables.js';
import { condition } from '../helpers/fuzz/conditions.js';
import { poolAttributes } from '../helpers/fuzz/documents.js';
import { mutated, type Mutated } from '../helpers/fuzz/mutations.js';
import { project, projection, renderKeyCondition, renderProjection, renderUpdate, sortCondition, sortHolds, updateAction } from '../helpers/fuzz/paths.js';
import { attributeMaps, Renderer, type Rendered } from '../helpers/fuzz/render.js';
import { fuzz } from '../helpers/fuzz/run.js';
import { caller, ok } from '../helpers/fuzz/server.js';
import { compareKeys, keyValue, canonicalItem, type Item, type KeyType } from '../helpers/fuzz/values.js';

const SORT_TYPES: readonly KeyType[] = ['S', 'N', 'B'];

/** Each kind of expression, rendered with a style of its own. */
const expressions = {
  condition: fc.tuple(condition(2), fc.integer()).map(([c, style]) => {
    const renderer = new Renderer(prng(style));
    return renderer.render(renderer.condition(c));
  }),
  projection: fc.tuple(projection, fc.integer()).map(([paths, style]) => {
    const renderer = new Renderer(prng(style));
    return renderer.render(renderProjection(renderer, paths));
  }),
  update: fc.tuple(fc.array(updateAction, { minLength: 1, maxLength: 4 }), fc.integer()).map(([actions, style]) => {
    const renderer = new Renderer(prng(style));
    return renderer.render(renderUpdate(renderer, actions));
  }),
  key: fc.tuple(keyValue('S', 64), sortCondition(keyValue('N', 64).map((v) => v.sent), false), fc.boolean(), fc.integer()).map(([partition, sort, sortFirst, style]) => {
    const renderer = new Renderer(prng(style));
    return renderer.render(renderKeyCondition(renderer, partition.sent, sort, sortFirst));
  }),
};

/** An expression valid or (mostly) mutated: any kind, for any parameter. */
const anyExpression: fc.Arbitrary<Mutated> = fc
  .oneof(expressions.condition, expressions.projection, expressions.update, expressions.key)
  .chain((rendered: Rendered) => fc.oneof({ weight: 1, arbitrary: fc.constant<Mutated>(rendered) }, { weight: 4, arbitrary: mutated(rendered) }));

describeEachBackend(
  'fuzz: expressions',
  (target) => {
    let TableName: string;
    const sorted = new Map<KeyType, string>();
    const call = caller(target);
    before(async () => {
      TableName = await createTable(target().ddb, 'fuzz_expressions');
      for (const type of SORT_TYPES) sorted.set(type, await createTable(target().ddb, `fuzz_keys_${type}`, { hash: ['pk', 'S'], range: ['sk', type] }));
    });

    test('projections return what the model projects', async () => {
      await fuzz(
        'projections',
        150,
        fc.asyncProperty(poolAttributes, projection, fc.integer(), async (attributes, paths, style) => {
          const Item = { ...attributes, pk: { S: 'projected' } };
          ok(await call('PutItem', { TableName, Item }), Item);
          const renderer = new Renderer(prng(style));
          const rendered = renderer.render(renderProjection(renderer, paths));
          const get = { TableName, Key: { pk: Item.pk }, ProjectionExpression: rendered.text, ...attributeMaps(rendered.names, {}) };
          const { Item: got } = ok(await call('GetItem', get), get) as { Item?: Item };
          assert.deepEqual(canonicalItem(got ?? {}), canonicalItem(project(Item, paths)), `${JSON.stringify(get)} on ${JSON.stringify(Item)}`);
        }),
      );
    });

    test('key conditions select and order what the model does', async () => {
      const partition = fc.constantFrom(...SORT_TYPES).chain((type) =>
        fc.record({
          type: fc.constant(type),
          sks: fc.uniqueArray(keyValue(type, 64), { minLength: 1, maxLength: 6, comparator: (a, b) => compareKeys(a.stored, b.stored) === 0 }),
          sort: sortCondition(keyValue(type, 64).map((v) => v.sent), type !== 'N'),
          sortFirst: fc.boolean(),
          forward: fc.boolean(),
          style: fc.integer(),
        }),
      );
      let run = 0;
      await fuzz(
        'key conditions',
        150,
        fc.asyncProperty(partition, async ({ type, sks, sort, sortFirst, forward, style }) => {
          const table = sorted.get(type)!;
          const pk = { S: `p${run++}` };
          const puts = sks.map((sk) => ({ PutRequest: { Item: { pk, sk: sk.sent } } }));
          ok(await call('BatchWriteItem', { RequestItems: { [table]: puts } }), puts);
          const renderer = new Renderer(prng(style));
          const rendered = renderer.render(renderKeyCondition(renderer, pk, sort, sortFirst));
          const query = { TableName: table, KeyConditionExpression: rendered.text, ...attributeMaps(rendered.names, rendered.values), ScanIndexForward: forward };
          const { Items } = ok(await call('Query', query), query) as { Items: Item[] };
          const expected = sks.map((sk) => sk.stored).filter((sk) => sortHolds(sort, sk)).sort(compareKeys);
          assert.deepEqual(Items.map((item) => item.sk), forward ? expected : expected.reverse(), JSON.stringify(query));
        }),
      );
    });

    test('any expression, valid or mutated, in any operation: a 200 or a DynamoDB error', async () => {
      const seeded = { ...(await poolItem()), pk: { S: 'seeded' } };
      ok(await call('PutItem', { TableName, Item: seeded }), seeded);
      const key = { pk: seeded.pk };
      const ERRORS = new Set(['ValidationException', 'SerializationException', 'ConditionalCheckFailedException', 'TransactionCanceledException']);
      /** Requests that carry an expression: its parameter, the operation, the rest of the body. */
      const uses: [string, string, (m: Mutated) => Record<string, unknown>][] = [
        ['FilterExpression', 'Scan', () => ({ TableName })],
        ['FilterExpression', 'Query', () => ({ TableName, KeyConditionExpression: 'pk = :pk' })],
        ['ConditionExpression', 'PutItem', () => ({ TableName, Item: seeded })],
        ['ConditionExpression', 'DeleteItem', () => ({ TableName, Key: { pk: { S: 'absent' } } })],
        ['UpdateExpression', 'UpdateItem', () => ({ TableName, Key: key, ReturnValues: 'ALL_NEW' })],
        ['ConditionExpression', 'UpdateItem', () => ({ TableName, Key: key, UpdateExpression: 'SET z = :z' })],
        ['ProjectionExpression', 'GetItem', () => ({ TableName, Key: key })],
        ['ProjectionExpression', 'Scan', () => ({ TableName })],
        ['KeyConditionExpression', 'Query', () => ({ TableName })],
      ];
      const withValues = (body: Record<string, unknown>, m: Mutated, parameter: string) => {
        // The fixed parts of a request bring their own values, which the mutated maps must not hide.
        const fixed: Record<string, unknown> = body.KeyConditionExpression === 'pk = :pk' && parameter !== 'KeyConditionExpression' ? { ':pk': key.pk } : body.UpdateExpression === 'SET z = :z' ? { ':z': { N: '1' } } : {};
        const values = { ...m.values, ...fixed };
        return { ...body, ...attributeMaps(m.names as Record<string, string>, values) };
      };
      await fuzz(
        'mutated expressions',
        400,
        fc.asyncProperty(anyExpression, fc.nat(uses.length - 1), fc.boolean(), async (m, use, transactional) => {
          const [parameter, operation, body] = uses[use]!;
          let request: Record<string, unknown> = withValues({ ...body(m), [parameter]: m.text }, m, parameter);
          let sent = operation;
          // A write may also go through TransactWriteItems (a ConditionCheck for a DeleteItem's condition).
          if (transactional && ['PutItem', 'DeleteItem', 'UpdateItem'].includes(operation)) {
            const { ReturnValues: _, ...item } = request;
            const kind = operation === 'PutItem' ? 'Put' : operation === 'UpdateItem' ? 'Update' : 'ConditionCheck';
            request = { TransactItems: [{ [kind]: kind === 'ConditionCheck' ? { ...item, ConditionExpression: item.ConditionExpression } : item }] };
            sent = 'TransactWriteItems';
          }
          const answer = await call(sent, request);
          if (answer.error !== undefined) assert.ok(ERRORS.has(answer.error), `${answer.error}: ${answer.message} for ${sent} ${JSON.stringify(request)}`);
          if (operation === 'UpdateItem' && answer.status === 200) ok(await call('PutItem', { TableName, Item: seeded }), seeded);
        }),
      );
    });

    /** One item of the pool world, drawn once. */
    async function poolItem(): Promise<Item> {
      return fc.sample(poolAttributes, { numRuns: 1, seed: 7 })[0]!;
    }
  },
  { memoryOnly: true },
);
