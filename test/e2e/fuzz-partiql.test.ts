/**
 * PartiQL statements generated from the grammar: a SELECT's WHERE clause keeps
 * exactly the items the condition model keeps; an INSERT of any valid item
 * (full Unicode, numbers in every spelling, nested literals, binaries as
 * parameters) stores what DynamoDB would; and every statement, valid or
 * mutated, through ExecuteStatement, BatchExecuteStatement or
 * ExecuteTransaction, gets a 200 or one of DynamoDB's errors (answers.ts).
 * Parsing and evaluation do not depend on storage: one in-memory server.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeEachBackend } from '../helpers/harness.js';
import { prng } from '../helpers/random.js';
import { createTable } from '../helpers/tables.js';
import { condition } from '../helpers/fuzz/conditions.js';
import { holds } from '../helpers/fuzz/condition-model.js';
import { poolAttributes, poolValue } from '../helpers/fuzz/documents.js';
import { mutatedStatement } from '../helpers/fuzz/mutations.js';
import { projection } from '../helpers/fuzz/paths.js';
import { anyStatement, insert, PartiqlWriter, select } from '../helpers/fuzz/partiql.js';
import { fuzz } from '../helpers/fuzz/run.js';
import { caller, ok, withItems } from '../helpers/fuzz/server.js';
import { attributes, canonicalItem, type Item } from '../helpers/fuzz/values.js';

describeEachBackend(
  'fuzz: PartiQL',
  (target) => {
    let TableName: string;
    const call = caller(target);
    before(async () => {
      TableName = await createTable(target().ddb, 'fuzz_partiql');
    });

    test('SELECT ... WHERE keeps what the model keeps', async () => {
      await fuzz(
        'partiql select',
        120,
        fc.asyncProperty(fc.array(poolAttributes, { minLength: 1, maxLength: 5 }), condition(2), fc.integer(), async (items, c, style) => {
          const stored: Item[] = items.map((attributes, i) => ({ ...attributes, pk: { S: `s${i}` } }));
          await withItems(call, TableName, stored, (item) => ({ pk: item.pk }), async () => {
            const statement = select(new PartiqlWriter(prng(style)), TableName, c);
            const request = { Statement: statement.text, ConsistentRead: true, ...(statement.parameters.length > 0 ? { Parameters: statement.parameters } : {}) };
            const { Items } = ok(await call('ExecuteStatement', request), request) as { Items: Item[] };
            const expected = stored.filter((item) => holds(c, item)).map((item) => (item.pk as { S: string }).S);
            assert.deepEqual(new Set(Items.map((item) => (item.pk as { S: string }).S)), new Set(expected), JSON.stringify(request));
          });
        }),
      );
    });

    test('INSERT stores any valid item as DynamoDB would', async () => {
      let run = 0;
      await fuzz(
        'partiql insert',
        120,
        fc.asyncProperty(attributes(['pk']), fc.integer(), async (generated, style) => {
          const pk = { S: `insert-${run++}` };
          const statement = insert(new PartiqlWriter(prng(style)), TableName, { ...generated.sent, pk });
          const request = { Statement: statement.text, ...(statement.parameters.length > 0 ? { Parameters: statement.parameters } : {}) };
          ok(await call('ExecuteStatement', request), request);
          const get = { TableName, Key: { pk }, ConsistentRead: true };
          const { Item: got } = ok(await call('GetItem', get), get) as { Item?: Item };
          assert.deepEqual(canonicalItem(got ?? {}), canonicalItem({ ...generated.stored, pk }), JSON.stringify(request));
          await call('DeleteItem', get);
        }),
      );
    });

    test('any statement, valid or mutated, through any PartiQL operation: a 200 or a DynamoDB error', async () => {
      const ERRORS = new Set(['ValidationException', 'SerializationException', 'ConditionalCheckFailedException', 'TransactionCanceledException', 'DuplicateItemException', 'ResourceNotFoundException']);
      const statements = anyStatement(TableName, condition(1), poolAttributes, projection, poolValue()).chain((statement) =>
        fc.oneof({ weight: 1, arbitrary: fc.constant({ text: statement.text, parameters: [...statement.parameters] as unknown[] }) }, { weight: 4, arbitrary: mutatedStatement(statement.tokens, statement.parameters) }),
      );
      await fuzz(
        'mutated statements',
        400,
        fc.asyncProperty(fc.array(statements, { minLength: 1, maxLength: 3 }), fc.nat(2), async (list, how) => {
          const parts = list.map(({ text, parameters }) => ({ Statement: text, ...(parameters.length > 0 ? { Parameters: parameters } : {}) }));
          const [operation, request] = how === 0 ? ['ExecuteStatement', parts[0]!] : how === 1 ? ['BatchExecuteStatement', { Statements: parts }] : ['ExecuteTransaction', { TransactStatements: parts }];
          const answer = await call(operation, request);
          if (answer.error !== undefined) assert.ok(ERRORS.has(answer.error), `${answer.error}: ${answer.message} for ${operation} ${JSON.stringify(request)}`);
        }),
      );
    });
  },
  { memoryOnly: true },
);
