/**
 * What Query and Scan refuse about keys and index projections: empty key
 * values in key conditions, restarting a hash-only table's Query, and
 * asking a GSI for attributes it does not project.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('Query and Scan rules for keys and index projections', (target) => {
  let table: string;
  let hashOnly: string;
  const ddb = () => target().ddb;
  const query = (input: Omit<QueryCommandInput, 'TableName'>, TableName = table) => errorOf(() => ddb().send(new QueryCommand({ TableName, ...input })));
  const scan = (input: Omit<ScanCommandInput, 'TableName'>) => errorOf(() => ddb().send(new ScanCommand({ TableName: table, ...input })));

  before(async () => {
    table = await createTable(ddb(), 'index_rules', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      indexes: [
        { name: 'local', local: true, range: ['l', 'S'], projection: ['a'] },
        { name: 'included', hash: ['g', 'S'], projection: ['a'] },
        { name: 'keysOnly', hash: ['g', 'S'], projection: 'KEYS_ONLY' },
      ],
    });
    hashOnly = await createTable(ddb(), 'index_rules_hash');
    await ddb().send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'p' }, sk: { S: 's' }, l: { S: 'l' }, g: { S: 'g' }, a: { S: 'a' }, b: { S: 'b' } } }));
    await ddb().send(new PutItemCommand({ TableName: hashOnly, Item: { pk: { S: 'p' } } }));
  });

  // DynamoDB Local 3.3.1's wording: no live response recorded.
  const emptyTableKey = (name: string) => `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`;
  const emptyIndexKey = (index: string, name: string) =>
    'One or more parameter values are not valid. A value specified for a secondary index key is not supported. ' +
    `The AttributeValue for a key attribute cannot contain an empty string value. IndexName: ${index}, IndexKey: ${name}`;

  test('an empty string as a key value in a key condition is refused', async () => {
    const empty = { S: '' };
    const cases: [Omit<QueryCommandInput, 'TableName'>, string][] = [
      [{ KeyConditionExpression: 'pk = :e', ExpressionAttributeValues: { ':e': empty } }, emptyTableKey('pk')],
      [{ KeyConditionExpression: 'pk = :p AND sk > :e', ExpressionAttributeValues: { ':p': { S: 'p' }, ':e': empty } }, emptyTableKey('sk')],
      [{ KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)', ExpressionAttributeValues: { ':p': { S: 'p' }, ':e': empty } }, emptyTableKey('sk')],
      [{ KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [empty] } } }, emptyTableKey('pk')],
      [{ IndexName: 'included', KeyConditionExpression: 'g = :e', ExpressionAttributeValues: { ':e': empty } }, emptyIndexKey('included', 'g')],
      [{ IndexName: 'local', KeyConditionExpression: 'pk = :e', ExpressionAttributeValues: { ':e': empty } }, emptyIndexKey('local', 'pk')],
      [{ IndexName: 'local', KeyConditionExpression: 'pk = :p AND l = :e', ExpressionAttributeValues: { ':p': { S: 'p' }, ':e': empty } }, emptyIndexKey('local', 'l')],
    ];
    for (const [input, message] of cases) {
      const error = await query(input);
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, message, JSON.stringify(input));
    }
  });

  test('a table or a one-attribute index takes one or two key conditions, counted once the table is known', async () => {
    // DynamoDB Local 3.3.1: since multi-attribute keys, the count depends on the index read.
    const three = { KeyConditionExpression: 'pk = :p AND sk = :p AND l = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } };
    assert.equal((await query(three)).message, 'Conditions can be of length 1 or 2 only');
    assert.equal((await query({ ...three, IndexName: 'local' })).message, 'Conditions can be of length 1 or 2 only');
    const eq = { ComparisonOperator: 'EQ' as const, AttributeValueList: [{ S: 'p' }] };
    assert.equal((await query({ KeyConditions: { pk: eq, sk: eq, l: eq } })).message, 'Conditions can be of length 1 or 2 only');
    assert.equal((await query(three, 'no_such_table_anywhere')).name, 'ResourceNotFoundException');
  });

  test("a hash-only table's Query cannot be restarted", async () => {
    // Live DynamoDB's message, quoted in ScyllaDB Alternator's test_query.py.
    const error = await query({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, ExclusiveStartKey: { pk: { S: 'p' } } }, hashOnly);
    assert.equal(error.message, 'The provided exclusive start key is invalid: ExclusiveStartKey: {pk=AttributeValue: {S:p}}');
  });

  test('a GSI refuses attributes it does not project, filters first; an LSI fetches them', async () => {
    const gi = { IndexName: 'included', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g' } } };
    const projectionError = 'One or more parameter values were invalid: Global secondary index included does not project [b, c]';
    const filterError = 'One or more parameter values were invalid: Secondary index included does not project one or more filter attributes: [b, c]';
    assert.equal((await query({ ...gi, ProjectionExpression: 'c, a, b.x' })).message, projectionError);
    const legacy = { IndexName: 'included', KeyConditions: { g: { ComparisonOperator: 'EQ' as const, AttributeValueList: [{ S: 'g' }] } } };
    assert.equal((await query({ ...legacy, AttributesToGet: ['c', 'b'] })).message, projectionError);
    assert.equal((await query({ ...gi, FilterExpression: 'c = :g OR attribute_exists(b)', ProjectionExpression: 'z' })).message, filterError);
    assert.equal((await query({ ...legacy, QueryFilter: { c: { ComparisonOperator: 'NULL' }, b: { ComparisonOperator: 'NULL' } } })).message, filterError);
    assert.equal((await scan({ IndexName: 'included', ProjectionExpression: 'b, c' })).message, projectionError);
    assert.equal((await scan({ IndexName: 'included', ScanFilter: { b: { ComparisonOperator: 'NULL' }, c: { ComparisonOperator: 'NULL' } } })).message, filterError);
    assert.equal((await scan({ IndexName: 'keysOnly', ProjectionExpression: 'a' })).message, 'One or more parameter values were invalid: Global secondary index keysOnly does not project [a]');

    const projected = await ddb().send(new QueryCommand({ TableName: table, ...gi, ProjectionExpression: 'a, pk', FilterExpression: 'a = :a', ExpressionAttributeValues: { ':g': { S: 'g' }, ':a': { S: 'a' } } }));
    assert.deepEqual(projected.Items, [{ a: { S: 'a' }, pk: { S: 'p' } }]);
    const local = await ddb().send(
      new QueryCommand({ TableName: table, IndexName: 'local', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, ProjectionExpression: 'b' }),
    );
    assert.deepEqual(local.Items, [{ b: { S: 'b' } }]);
  });
});
