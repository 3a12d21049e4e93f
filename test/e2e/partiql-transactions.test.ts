import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

const keysOf = (items: Item[] | undefined): string[] => (items ?? []).map((item) => `${item.pk?.S}${item.sk?.N}`);

describeEachBackend('PartiQL transactions, batches and multi-partition reads', (target) => {
  let table: string;
  const run = (Statement: string, extra: Record<string, unknown> = {}) => target().ddb.send(new ExecuteStatementCommand({ Statement, ...extra }));
  const transact = (statements: string[], extra: Record<string, unknown> = {}) =>
    target().ddb.send(new ExecuteTransactionCommand({ TransactStatements: statements.map((Statement) => ({ Statement })), ...extra }));
  const batch = (statements: string[]) => target().ddb.send(new BatchExecuteStatementCommand({ Statements: statements.map((Statement) => ({ Statement })) }));
  const get = async (pk: string, sk: number): Promise<Item | undefined> =>
    (await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { N: String(sk) } }, ConsistentRead: true }))).Item;

  before(async () => {
    table = await createTable(target().ddb, 'ptx', {
      hash: ['pk', 'S'],
      range: ['sk', 'N'],
      extra: {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: 'keysOnly', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
          {
            IndexName: 'included',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] },
          },
        ],
      },
    });
    for (const pk of ['a', 'b', 'c', 'd']) {
      for (const sk of [1, 2, 3]) {
        await target().ddb.send(
          new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { N: String(sk) }, g: { S: 'G' }, a: { S: 'x' }, b: { S: 'y' } } }),
        );
      }
    }
  });

  // ------------------------------------------------------------ transactional reads

  test('ExecuteTransaction reads items by their full key, an absent one as an empty response', async () => {
    const { Responses } = await transact([
      `SELECT a, sk FROM "${table}" WHERE pk = 'a' AND sk = 1`,
      `SELECT * FROM "${table}" WHERE pk = 'zz' AND sk = 1`,
    ]);
    assert.deepEqual(Responses, [{ Item: { a: { S: 'x' }, sk: { N: '1' } } }, {}]);
  });

  test('ExecuteTransaction refuses a read that is not by the full key alone', async () => {
    for (const where of [`pk = 'a'`, `pk = 'a' AND sk = 1 AND b = 'y'`, `pk = 'a' AND sk > 0`]) {
      const error = await errorOf(() => transact([`SELECT * FROM "${table}" WHERE ${where}`]));
      assert.equal(error.name, 'ValidationException');
      assert.equal(
        error.message,
        'Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause.',
      );
    }
    const onIndex = await errorOf(() => transact([`SELECT * FROM "${table}"."keysOnly" WHERE g = 'G'`]));
    assert.equal(onIndex.message, 'Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions.');
  });

  test('ExecuteTransaction reads see a concurrent transaction whole or not at all', async () => {
    await run(`INSERT INTO "${table}" VALUE {'pk': 'snap', 'sk': 1, 'v': 0}`);
    await run(`INSERT INTO "${table}" VALUE {'pk': 'snap', 'sk': 2, 'v': 0}`);
    const writes = Array.from({ length: 20 }, (_, i) =>
      transact([`UPDATE "${table}" SET v = ${i + 1} WHERE pk = 'snap' AND sk = 1`, `UPDATE "${table}" SET v = ${i + 1} WHERE pk = 'snap' AND sk = 2`]),
    );
    const reads = Array.from({ length: 20 }, () =>
      transact([`SELECT v FROM "${table}" WHERE pk = 'snap' AND sk = 1`, `SELECT v FROM "${table}" WHERE pk = 'snap' AND sk = 2`]),
    );
    const settled = await Promise.allSettled([...writes, ...reads]);
    for (const outcome of settled.slice(writes.length)) {
      assert.equal(outcome.status, 'fulfilled');
      const [first, second] = outcome.value.Responses ?? [];
      assert.deepEqual(first?.Item?.v, second?.Item?.v);
    }
  });

  // ------------------------------------------------------------ EXISTS condition checks

  test('EXISTS lets the transaction run when the item matches', async () => {
    await transact([
      `EXISTS(SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 1 AND a = 'x')`,
      `UPDATE "${table}" SET c = 1 WHERE pk = 'b' AND sk = 1`,
    ]);
    assert.deepEqual((await get('b', 1))?.c, { N: '1' });
  });

  test('EXISTS cancels the transaction when the item does not match or is missing', async () => {
    for (const exists of [
      `EXISTS(SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 1 AND a = 'nope')`,
      `EXISTS(SELECT * FROM "${table}" WHERE pk = 'zz' AND sk = 1 AND a = 'x')`,
    ]) {
      const error = await errorOf(() => transact([exists, `UPDATE "${table}" SET c = 2 WHERE pk = 'b' AND sk = 2`]));
      assert.equal(error.name, 'TransactionCanceledException');
      assert.equal(error.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]');
      assert.deepEqual(error.CancellationReasons, [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }]);
    }
    assert.equal((await get('b', 2))?.c, undefined);
  });

  test('EXISTS returns the item with ReturnValuesOnConditionCheckFailure ALL_OLD', async () => {
    const error = await errorOf(() =>
      target().ddb.send(
        new ExecuteTransactionCommand({
          TransactStatements: [
            { Statement: `EXISTS(SELECT * FROM "${table}" WHERE pk = 'c' AND sk = 3 AND a = 'nope')`, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
            { Statement: `UPDATE "${table}" SET c = 3 WHERE pk = 'b' AND sk = 3` },
          ],
        }),
      ),
    );
    const [reason] = error.CancellationReasons as { Code: string; Item?: Item }[];
    assert.equal(reason?.Code, 'ConditionalCheckFailed');
    assert.deepEqual(reason?.Item?.pk, { S: 'c' });
  });

  test('EXISTS must read one item by its key with a further condition, from the table, in a transaction', async () => {
    const update = `UPDATE "${table}" SET c = 4 WHERE pk = 'b' AND sk = 1`;
    for (const exists of [
      `EXISTS(SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 1)`,
      `EXISTS(SELECT * FROM "${table}" WHERE pk = 'a' AND a = 'x')`,
    ]) {
      const error = await errorOf(() => transact([exists, update]));
      assert.equal(error.message, 'Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition');
    }
    const onIndex = await errorOf(() => transact([`EXISTS(SELECT * FROM "${table}"."keysOnly" WHERE g = 'G' AND a = 'x')`, update]));
    assert.equal(onIndex.message, 'Validation failed in TransactStatements[0]: Operations on indices are not supported in transactions');
    const alone = await errorOf(() => run(`EXISTS(SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 1 AND a = 'x')`));
    assert.equal(alone.message, 'EXISTS can only be used in ExecuteTransaction write requests.');
  });

  test('an INSERT of an existing item cancels a transaction with DuplicateItem', async () => {
    const error = await errorOf(() =>
      transact([`UPDATE "${table}" SET c = 5 WHERE pk = 'd' AND sk = 1`, `INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 1}`]),
    );
    assert.deepEqual(error.CancellationReasons, [{ Code: 'None' }, { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' }]);
    assert.equal((await get('d', 1))?.c, undefined);
  });

  // ------------------------------------------------------------ BatchExecuteStatement

  test('BatchExecuteStatement refuses two statements on one item, reads and writes alike', async () => {
    for (const statements of [
      [`UPDATE "${table}" SET c = 6 WHERE pk = 'd' AND sk = 2`, `UPDATE "${table}" SET c = 7 WHERE pk = 'd' AND sk = 2`],
      [`INSERT INTO "${table}" VALUE {'pk': 'q', 'sk': 1}`, `DELETE FROM "${table}" WHERE pk = 'q' AND sk = 1`],
      [`SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 1`, `SELEC oops`, `SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 1.0`],
    ]) {
      const error = await errorOf(() => batch(statements));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, 'Provided list of item keys contains duplicates');
    }
    assert.equal((await get('d', 2))?.c, undefined);
    assert.equal(await get('q', 1), undefined);
  });

  // ------------------------------------------------------------ SELECT on a global index

  test('SELECT on a GSI may name only what the index projects', async () => {
    const keysOnly = await errorOf(() => run(`SELECT a, b.c FROM "${table}"."keysOnly" WHERE g = 'G'`));
    assert.equal(keysOnly.name, 'ValidationException');
    assert.equal(keysOnly.message, 'One or more parameter values were invalid: Global secondary index keysOnly does not project [a, b]');
    const included = await errorOf(() => run(`SELECT a, b FROM "${table}"."included" WHERE g = 'G'`));
    assert.equal(included.message, 'One or more parameter values were invalid: Global secondary index included does not project [b]');
    const { Items } = await run(`SELECT a, pk FROM "${table}"."included" WHERE g = 'G'`, { Limit: 1 });
    assert.deepEqual(Object.keys(Items?.[0] ?? {}).sort(), ['a', 'pk']);
  });

  // ------------------------------------------------------------ IN over several partitions

  test('IN reads its distinct partitions in key order; ORDER BY turns partitions or items around', async () => {
    const select = `SELECT pk, sk FROM "${table}" WHERE pk IN ['c', 'a', 'b', 'a']`;
    assert.deepEqual(keysOf((await run(select)).Items), ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2', 'c3']);
    assert.deepEqual(keysOf((await run(`${select} ORDER BY sk DESC`)).Items), ['a3', 'a2', 'a1', 'b3', 'b2', 'b1', 'c3', 'c2', 'c1']);
    assert.deepEqual(keysOf((await run(`${select} ORDER BY pk DESC`)).Items), ['c1', 'c2', 'c3', 'b1', 'b2', 'b3', 'a1', 'a2', 'a3']);
    assert.deepEqual(keysOf((await run(`${select} ORDER BY pk DESC, sk DESC`)).Items), ['c3', 'c2', 'c1', 'b3', 'b2', 'b1', 'a3', 'a2', 'a1']);
  });

  test('IN pages across partitions with Limit and NextToken, in the same order, with no LastEvaluatedKey', async () => {
    const statement = `SELECT pk, sk FROM "${table}" WHERE pk IN ['c', 'a', 'b'] ORDER BY sk DESC`;
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await run(statement, { Limit: 2, NextToken: token });
      assert.equal(page.LastEvaluatedKey, undefined);
      pages.push(keysOf(page.Items));
      token = page.NextToken;
    } while (token !== undefined && pages.length < 10);
    assert.deepEqual(pages, [['a3', 'a2'], ['a1', 'b3'], ['b2', 'b1'], ['c3', 'c2'], ['c1']]);
  });

  // ------------------------------------------------------------ TransactWriteItems

  test('TransactWriteItems: an Update of a key attribute is its action ValidationError', async () => {
    const error = await errorOf(() =>
      target().ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: { S: 'new' }, sk: { N: '1' } } } },
            {
              Update: {
                TableName: table,
                Key: { pk: { S: 'a' }, sk: { N: '1' } },
                UpdateExpression: 'SET #k = :v',
                ExpressionAttributeNames: { '#k': 'sk' },
                ExpressionAttributeValues: { ':v': { N: '9' } },
              },
            },
          ],
        }),
      ),
    );
    assert.equal(error.name, 'TransactionCanceledException');
    assert.deepEqual(error.CancellationReasons, [
      { Code: 'None' },
      { Code: 'ValidationError', Message: 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key' },
    ]);
    assert.equal(await get('new', 1), undefined);
    const plain = await errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'a' }, sk: { N: '1' } }, UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': { S: 'z' } } }),
      ),
    );
    assert.equal(plain.name, 'ValidationException');
  });
});
