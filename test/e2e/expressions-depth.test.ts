/**
 * The most deeply nested expressions DynamoDB's size limits allow (4 KB, and
 * 8 KB for a PartiQL statement) are answered with DynamoDB's errors: the
 * messages ScyllaDB's test_limits.py quotes from DynamoDB for these shapes,
 * and syntax errors where the text cannot parse (4,096 parentheses: DynamoDB
 * Local 3.3.1's answer). A 4,096-parenthesis condition once overflowed the
 * parser's stack (a 500).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecuteStatementCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

const REDUNDANT = 'The expression has redundant parentheses;';
const TOO_MANY = 'The expression contains too many operators; operator count: 301';

describeEachBackend('deeply nested expressions', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'exprdepth', { hash: ['pk', 'S'], range: ['sk', 'S'] });
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'p' }, sk: { S: 's' }, a: { N: '1' }, b: { N: '2' } } }));
  });

  const conditionError = async (ConditionExpression: string) => {
    assert.ok(ConditionExpression.length <= 4096);
    const error = await errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'p' }, sk: { S: 's' } },
          UpdateExpression: 'SET z = :v',
          ConditionExpression,
          ExpressionAttributeValues: { ':v': { N: '1' } },
        }),
      ),
    );
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };

  test('conditions nested to the size limit', async () => {
    assert.equal(await conditionError('('.repeat(4096)), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("');
    assert.equal(await conditionError(`${'('.repeat(2046)}a<b${')'.repeat(2046)}`), `Invalid ConditionExpression: ${REDUNDANT}`);
    assert.equal(await conditionError(`${'not '.repeat(1000)}a<b`), `Invalid ConditionExpression: ${TOO_MANY}`);
    assert.equal(await conditionError(`a<b ${'or (a<b '.repeat(454)}${')'.repeat(454)}`), `Invalid ConditionExpression: ${TOO_MANY}`);
    assert.equal(await conditionError(`a < ${'f('.repeat(1355)}b${')'.repeat(1355)}`), 'Invalid ConditionExpression: Invalid function name; function: f');
    assert.equal(
      await conditionError(`a < ${'size('.repeat(680)}b${')'.repeat(680)}`),
      'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N',
    );
  });

  test('key conditions and updates nested to the size limit', async () => {
    const query = await errorOf(() =>
      target().ddb.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: `${'('.repeat(2040)}pk = :v${')'.repeat(2040)}`, ExpressionAttributeValues: { ':v': { S: 'p' } } }),
      ),
    );
    assert.equal(query.message, `Invalid KeyConditionExpression: ${REDUNDANT}`);
    const update = await errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'p' }, sk: { S: 's' } }, UpdateExpression: `SET a = ${'('.repeat(2040)}b + a${')'.repeat(2040)}` }),
      ),
    );
    assert.equal(update.message, `Invalid UpdateExpression: ${REDUNDANT}`);
  });

  test('PartiQL statements nested to the size limit', async () => {
    const statementError = async (Statement: string) => {
      assert.ok(Statement.length <= 8192);
      return (await errorOf(() => target().ddb.send(new ExecuteStatementCommand({ Statement })))).message;
    };
    const select = `SELECT * FROM "${table}" WHERE `;
    assert.equal(await statementError(`${select}${'NOT '.repeat(2000)}a = 1`), TOO_MANY);
    assert.equal(
      await statementError(`${select}${'('.repeat(499)}${'size('.repeat(1150)}a${')'.repeat(1150)} = 1${')'.repeat(499)}`),
      'Incorrect operand type for operator or function; operator or function: size, operand type: N',
    );
  });
});
