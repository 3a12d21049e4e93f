/**
 * Which legacy and expression parameters a request may combine, and
 * ConditionalOperator without the conditions it joins.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteItemCommand, PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('legacy and expression parameters', (target) => {
  let table: string;
  const keyConditions = { pk: { ComparisonOperator: 'EQ' as const, AttributeValueList: [{ S: 'k' }] } };
  before(async () => {
    table = await createTable(target().ddb, 'exprparams', { hash: ['pk', 'S'], range: ['sk', 'N'] });
    for (const sk of ['1', '2']) {
      await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'k' }, sk: { N: sk }, a: { S: `a${sk}` }, b: { N: sk } } }));
    }
  });

  const messageOf = async (send: () => Promise<unknown>) => {
    const error = await errorOf(send);
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };

  test('KeyConditions may be combined with FilterExpression and ProjectionExpression', async () => {
    const { Items } = await target().ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditions: keyConditions,
        FilterExpression: '#b > :one',
        ProjectionExpression: 'a',
        ExpressionAttributeNames: { '#b': 'b' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    assert.deepEqual(Items, [{ a: { S: 'a2' } }]);
  });

  test('but not with KeyConditionExpression, nor QueryFilter with expressions', async () => {
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new QueryCommand({ TableName: table, KeyConditions: keyConditions, KeyConditionExpression: 'pk = :k', ExpressionAttributeValues: { ':k': { S: 'k' } } }),
        ),
      ),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}',
    );
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new QueryCommand({ TableName: table, KeyConditions: keyConditions, QueryFilter: { a: { ComparisonOperator: 'NOT_NULL' } }, ProjectionExpression: 'a' }),
        ),
      ),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {ProjectionExpression}',
    );
  });

  test('ConditionalOperator without the conditions it joins is refused, an empty map included', async () => {
    const message = 'ConditionalOperator cannot be used without Filter or Expected';
    const key = { pk: { S: 'k' }, sk: { N: '9' } };
    assert.equal(await messageOf(() => target().ddb.send(new PutItemCommand({ TableName: table, Item: key, ConditionalOperator: 'OR' }))), message);
    assert.equal(
      await messageOf(() => target().ddb.send(new PutItemCommand({ TableName: table, Item: key, ConditionalOperator: 'AND', Expected: {} }))),
      message,
    );
    assert.equal(await messageOf(() => target().ddb.send(new DeleteItemCommand({ TableName: table, Key: key, ConditionalOperator: 'OR' }))), message);
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new UpdateItemCommand({ TableName: table, Key: key, ConditionalOperator: 'OR', AttributeUpdates: { a: { Action: 'PUT', Value: { S: 'x' } } } }),
        ),
      ),
      message,
    );
    assert.equal(await messageOf(() => target().ddb.send(new ScanCommand({ TableName: table, ConditionalOperator: 'OR' }))), message);
    assert.equal(await messageOf(() => target().ddb.send(new ScanCommand({ TableName: table, ConditionalOperator: 'OR', ScanFilter: {} }))), message);
    assert.equal(
      await messageOf(() => target().ddb.send(new QueryCommand({ TableName: table, KeyConditions: keyConditions, ConditionalOperator: 'AND' }))),
      message,
    );
    // With its conditions it joins them.
    const { Count } = await target().ddb.send(
      new ScanCommand({ TableName: table, ConditionalOperator: 'OR', ScanFilter: { b: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }] }, a: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a2' }] } } }),
    );
    assert.equal(Count, 2);
  });

  test('ConditionalOperator is a legacy parameter beside expressions', async () => {
    const key = { pk: { S: 'k' }, sk: { N: '1' } };
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new UpdateItemCommand({ TableName: table, Key: key, ConditionalOperator: 'OR', UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } }),
        ),
      ),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ConditionalOperator} Expression parameters: {UpdateExpression}',
    );
    assert.equal(
      await messageOf(() =>
        target().ddb.send(
          new PutItemCommand({ TableName: table, Item: key, Expected: { a: { Exists: true, Value: { S: 'a1' } } }, ConditionalOperator: 'OR', ConditionExpression: 'attribute_exists(a)' }),
        ),
      ),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected, ConditionalOperator} Expression parameters: {ConditionExpression}',
    );
    assert.equal(
      await messageOf(() => target().ddb.send(new DeleteItemCommand({ TableName: table, Key: key, ConditionalOperator: 'AND', ConditionExpression: 'attribute_exists(a)' }))),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ConditionalOperator} Expression parameters: {ConditionExpression}',
    );
  });

  test('a filter condition without its AttributeValueList has no operand', async () => {
    assert.equal(
      await messageOf(() => target().ddb.send(new ScanCommand({ TableName: table, ScanFilter: { a: { ComparisonOperator: 'EQ' } } }))),
      'One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator',
    );
    assert.equal(
      await messageOf(() =>
        target().ddb.send(new QueryCommand({ TableName: table, KeyConditions: keyConditions, QueryFilter: { a: { ComparisonOperator: 'BEGINS_WITH' } } })),
      ),
      'One or more parameter values were invalid: Invalid number of argument(s) for the BEGINS_WITH ComparisonOperator',
    );
  });
});
