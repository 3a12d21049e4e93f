/**
 * PartiQL literals get the value checks of every other write, in the words
 * DynamoDB's PartiQL uses (recorded against live DynamoDB in floci's PartiQL
 * integration tests), in ExecuteStatement, BatchExecuteStatement and
 * ExecuteTransaction alike; deep literals are refused, never a crash.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchExecuteStatementCommand, ExecuteStatementCommand, ExecuteTransactionCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

const DUPLICATE_A = 'One or more parameter values were invalid: Input collection [a, a] contains duplicates.';
const NESTING = 'Nesting Levels have exceeded supported limits under root';

describeEachBackend('PartiQL literals', (target) => {
  let table: string;
  const run = (Statement: string) => target().ddb.send(new ExecuteStatementCommand({ Statement }));
  const refused = async (Statement: string, message: string) => {
    const error = await errorOf(() => run(Statement));
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
  };
  const stored = async (pk: string) => (await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
  const insert = (pk: string, attributes: string) => `INSERT INTO "${table}" VALUE {'pk':'${pk}',${attributes}}`;
  const update = (set: string) => `UPDATE "${table}" SET ${set} WHERE pk='target'`;

  before(async () => {
    table = await createTable(target().ddb, 'literals');
    await run(insert('target', "'ss':<<'a'>>,'ns':<<1>>"));
  });

  test('INSERT refuses sets no write could store, and stores nothing', async () => {
    await refused(insert('dup', "'s':<<'a','a'>>"), DUPLICATE_A);
    await refused(insert('dup', "'s':<<>>"), 'Empty bags are not supported');
    await refused(insert('dup', "'s':<<1,'a'>>"), 'Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags');
    await refused(insert('dup', "'m':{'x':[<<1, 1.0, 2>>]}"), 'One or more parameter values were invalid: Input collection [1, 1.0, 2] contains duplicates! under root.x[0]');
    assert.equal(await stored('dup'), undefined);
  });

  test('UPDATE SET values and WHERE operands are checked alike', async () => {
    await refused(update("ss = set_add(ss, <<'a','a'>>)"), DUPLICATE_A);
    await refused(update('ns = set_add(ns, <<2, 2.0>>)'), 'One or more parameter values were invalid: Input collection [2, 2.0] contains duplicates! under root');
    await refused(update('x = <<>>'), 'Empty bags are not supported');
    await refused(`SELECT * FROM "${table}" WHERE pk='target' AND ss = <<'a','a'>>`, DUPLICATE_A);
    assert.deepEqual(await stored('target'), { pk: { S: 'target' }, ss: { SS: ['a'] }, ns: { NS: ['1'] } });
  });

  test('nesting: 32 levels below a value are refused at the first value too deep, 31 are stored', async () => {
    await refused(update(`d = ${"{'a':".repeat(32)}1${'}'.repeat(32)}`), NESTING + '.a'.repeat(32));
    await refused(update(`d = {'a':${'['.repeat(31)}1${']'.repeat(31)}}`), `${NESTING}.a${'[0]'.repeat(31)}`);
    await refused(insert('deep', `'d':${'['.repeat(1400)}1${']'.repeat(1400)}`), NESTING + '[0]'.repeat(32));
    assert.equal(await stored('deep'), undefined);
    await run(insert('deep31', `'d':${"{'a':".repeat(31)}1${'}'.repeat(31)}`));
    let value = (await stored('deep31'))!.d;
    for (let level = 1; level < 31; level++) value = value!.M!.a;
    assert.deepEqual(value, { M: { a: { N: '1' } } });
  });

  test('a statement too long for the parser is refused by its length, one nested beyond reason by the parser', async () => {
    const deep = insert('deeper', `'d':${'['.repeat(100_000)}1${']'.repeat(100_000)}`);
    await refused(
      deep,
      `1 validation error detected: Value '${deep}' at 'statement' failed to satisfy constraint: Member must have length less than or equal to 8192`,
    );
    await refused(
      `SELECT * FROM "${table}" WHERE ${'('.repeat(2000)}pk='target'${')'.repeat(2000)}`,
      "Statement wasn't well formed, can't be processed: Too many nested parentheses",
    );
  });

  test('a set literal is stored as other writes store it: members sorted', async () => {
    await run(insert('sorted', "'ns':<<10, -2.50, 3>>,'ss':<<'b','a'>>"));
    assert.deepEqual(await stored('sorted'), { pk: { S: 'sorted' }, ns: { NS: ['-2.5', '3', '10'] }, ss: { SS: ['a', 'b'] } });
  });

  test('BatchExecuteStatement and ExecuteTransaction give the same refusals', async () => {
    const batch = await target().ddb.send(
      new BatchExecuteStatementCommand({ Statements: [{ Statement: insert('batch', "'s':<<'a','a'>>") }, { Statement: insert('batch-ok', "'s':<<'a'>>") }] }),
    );
    assert.deepEqual(batch.Responses![0]!.Error, { Code: 'ValidationError', Message: DUPLICATE_A });
    assert.equal(batch.Responses![1]!.Error, undefined);
    assert.equal(await stored('batch'), undefined);

    const transaction = async (Statement: string, message: string) => {
      const error = await errorOf(() => target().ddb.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement }] })));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, `Validation failed in TransactStatements[0]: ${message}`);
    };
    await transaction(insert('tx', "'x':[<<'a','a'>>]"), DUPLICATE_A);
    await transaction(update(`d = ${'['.repeat(32)}1${']'.repeat(32)}`), NESTING + '[0]'.repeat(32));
    assert.equal(await stored('tx'), undefined);
  });

  test("a parameter's fault comes before the statement is read, and is not the statement's in a transaction", async () => {
    const Parameters = [{ SS: ['a', 'a'] }];
    const statement = await errorOf(() => target().ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE "${table}" SET WHERE`, Parameters })));
    assert.equal(statement.message, DUPLICATE_A);
    const transaction = await errorOf(() =>
      target().ddb.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `INSERT INTO "${table}" VALUE {'pk':'p','x':?}`, Parameters }] })),
    );
    assert.equal(transaction.name, 'ValidationException');
    assert.equal(transaction.message, DUPLICATE_A);
  });
});
