import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { accessChecks, type AccessCheck } from '../../src/security/iam/request-context.js';
import type { TableRecord } from '../../src/engine/table.js';

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table';

/** Only what the mapping reads of a table record: its key schema and indexes. */
const games = {
  id: 7,
  TableName: 'Games',
  KeySchema: [
    { AttributeName: 'UserId', KeyType: 'HASH' },
    { AttributeName: 'Title', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'UserId', AttributeType: 'S' },
    { AttributeName: 'Title', AttributeType: 'S' },
    { AttributeName: 'Score', AttributeType: 'N' },
  ],
  GlobalSecondaryIndexes: [{ IndexName: 'ByTitle', KeySchema: [{ AttributeName: 'Title', KeyType: 'HASH' }, { AttributeName: 'Score', KeyType: 'RANGE' }] }],
  LocalSecondaryIndexes: [],
} as unknown as TableRecord;

const scope = { account: '123456789012', region: 'us-east-1', table: (name: string) => (name === 'Games' ? games : undefined) };

function checks(operation: string, request: object): AccessCheck[] {
  return accessChecks(operation, request as Record<string, unknown>, scope);
}

function keys(check: AccessCheck | undefined): Record<string, string[]> {
  return Object.fromEntries(check!.keys);
}

describe('request context', () => {
  test('GetItem: the action, the table, its partition key, a projection\'s names and Select', () => {
    const [check, ...rest] = checks('GetItem', {
      TableName: 'Games',
      Key: { UserId: { S: 'alice' }, Title: { S: 'Chess' } },
      ProjectionExpression: '#w, Losses.Count2, Tags[0]',
      ExpressionAttributeNames: { '#w': 'Wins' },
      ReturnConsumedCapacity: 'TOTAL',
    });
    assert.equal(rest.length, 0);
    assert.equal(check!.action, 'dynamodb:GetItem');
    assert.equal(check!.resource, `${ARN}/Games`);
    assert.deepEqual(keys(check), {
      'dynamodb:leadingkeys': ['alice'],
      'dynamodb:attributes': ['Wins', 'Losses', 'Tags'],
      'dynamodb:select': ['SPECIFIC_ATTRIBUTES'],
      'dynamodb:returnconsumedcapacity': ['TOTAL'],
    });
    assert.deepEqual(keys(checks('GetItem', { TableName: 'Games', Key: { UserId: { S: 'a' }, Title: { S: 'b' } } })[0])['dynamodb:select'], ['ALL_ATTRIBUTES']);
    assert.deepEqual(keys(checks('GetItem', { TableName: 'Games', Key: { UserId: { S: 'a' } }, AttributesToGet: ['A', 'B'] })[0])['dynamodb:attributes'], ['A', 'B']);
  });

  test('writes: the item\'s names, the update\'s top-level names, ReturnValues', () => {
    const [put] = checks('PutItem', { TableName: 'Games', Item: { UserId: { S: 'alice' }, Title: { S: 'Go' }, Wins: { N: '1' } }, ReturnValues: 'ALL_OLD' });
    assert.equal(put!.action, 'dynamodb:PutItem');
    assert.deepEqual(keys(put), { 'dynamodb:leadingkeys': ['alice'], 'dynamodb:attributes': ['UserId', 'Title', 'Wins'], 'dynamodb:returnvalues': ['ALL_OLD'] });
    const [update] = checks('UpdateItem', {
      TableName: 'Games',
      Key: { UserId: { S: 'alice' }, Title: { S: 'Go' } },
      UpdateExpression: 'SET #w = :w, Stats.Latest = :w REMOVE Gone ADD Plays :one',
      ExpressionAttributeNames: { '#w': 'Wins' },
      ExpressionAttributeValues: { ':w': { N: '2' }, ':one': { N: '1' } },
    });
    assert.deepEqual(keys(update)['dynamodb:attributes'], ['UserId', 'Title', 'Wins', 'Stats', 'Gone', 'Plays']);
    const [legacy] = checks('UpdateItem', { TableName: 'Games', Key: { UserId: { S: 'a' }, Title: { S: 'b' } }, AttributeUpdates: { Wins: { Action: 'ADD', Value: { N: '1' } } } });
    assert.deepEqual(keys(legacy)['dynamodb:attributes'], ['UserId', 'Title', 'Wins']);
    const [del] = checks('DeleteItem', { TableName: 'Games', Key: { UserId: { N: '12' }, Title: { S: 'b' } } });
    assert.deepEqual(keys(del), { 'dynamodb:leadingkeys': ['12'], 'dynamodb:attributes': ['UserId', 'Title'] });
  });

  test('Query: the partition its key condition pins, on the table or an index', () => {
    const [query] = checks('Query', {
      TableName: 'Games',
      KeyConditionExpression: 'UserId = :u AND begins_with(Title, :t)',
      ExpressionAttributeValues: { ':u': { S: 'alice' }, ':t': { S: 'C' } },
      Select: 'COUNT',
    });
    assert.equal(query!.resource, `${ARN}/Games`);
    assert.deepEqual(keys(query), { 'dynamodb:leadingkeys': ['alice'], 'dynamodb:select': ['COUNT'] });
    const [index] = checks('Query', {
      TableName: 'Games',
      IndexName: 'ByTitle',
      KeyConditionExpression: '#t = :t',
      ExpressionAttributeNames: { '#t': 'Title' },
      ExpressionAttributeValues: { ':t': { S: 'Chess' } },
    });
    assert.equal(index!.resource, `${ARN}/Games/index/ByTitle`);
    assert.deepEqual(keys(index), { 'dynamodb:leadingkeys': ['Chess'], 'dynamodb:select': ['ALL_PROJECTED_ATTRIBUTES'] });
    const [legacy] = checks('Query', { TableName: 'Games', KeyConditions: { UserId: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'bob' }] } } });
    assert.deepEqual(keys(legacy)['dynamodb:leadingkeys'], ['bob']);
    const [scan] = checks('Scan', { TableName: 'Games', ProjectionExpression: 'Wins' });
    assert.deepEqual(keys(scan), { 'dynamodb:attributes': ['Wins'], 'dynamodb:select': ['SPECIFIC_ATTRIBUTES'] });
  });

  test('batches: one check per table under the batch\'s action', () => {
    const got = checks('BatchGetItem', {
      RequestItems: {
        Games: { Keys: [{ UserId: { S: 'a' }, Title: { S: 'x' } }, { UserId: { S: 'b' }, Title: { S: 'x' } }, { UserId: { S: 'a' }, Title: { S: 'y' } }], ProjectionExpression: 'Wins' },
        Other: { Keys: [{ id: { S: '1' } }] },
      },
    });
    assert.deepEqual(got.map((check) => [check.action, check.resource]), [
      ['dynamodb:BatchGetItem', `${ARN}/Games`],
      ['dynamodb:BatchGetItem', `${ARN}/Other`],
    ]);
    assert.deepEqual(keys(got[0]), { 'dynamodb:leadingkeys': ['a', 'b'], 'dynamodb:attributes': ['Wins'], 'dynamodb:select': ['SPECIFIC_ATTRIBUTES'] });
    const [write] = checks('BatchWriteItem', {
      RequestItems: { Games: [{ PutRequest: { Item: { UserId: { S: 'a' }, Title: { S: 'x' }, Wins: { N: '1' } } } }, { DeleteRequest: { Key: { UserId: { S: 'c' }, Title: { S: 'x' } } } }] },
    });
    assert.equal(write!.action, 'dynamodb:BatchWriteItem');
    assert.deepEqual(keys(write), { 'dynamodb:leadingkeys': ['a', 'c'], 'dynamodb:attributes': ['UserId', 'Title', 'Wins'] });
  });

  test('transactions: each item under its own action, with EnclosingOperation', () => {
    const got = checks('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Games', Item: { UserId: { S: 'a' }, Title: { S: 'x' } } } },
        { Update: { TableName: 'Games', Key: { UserId: { S: 'b' }, Title: { S: 'x' } }, UpdateExpression: 'SET Wins = :w', ExpressionAttributeValues: { ':w': { N: '1' } } } },
        { Delete: { TableName: 'Games', Key: { UserId: { S: 'c' }, Title: { S: 'x' } } } },
        { ConditionCheck: { TableName: 'Games', Key: { UserId: { S: 'd' }, Title: { S: 'x' } }, ConditionExpression: 'attribute_exists(UserId)' } },
      ],
    });
    assert.deepEqual(got.map((check) => [check.action, check.keys.get('dynamodb:leadingkeys'), check.keys.get('dynamodb:enclosingoperation')]), [
      ['dynamodb:PutItem', ['a'], ['TransactWriteItems']],
      ['dynamodb:UpdateItem', ['b'], ['TransactWriteItems']],
      ['dynamodb:DeleteItem', ['c'], ['TransactWriteItems']],
      ['dynamodb:ConditionCheckItem', ['d'], ['TransactWriteItems']],
    ]);
    const [get] = checks('TransactGetItems', { TransactItems: [{ Get: { TableName: 'Games', Key: { UserId: { S: 'e' }, Title: { S: 'x' } } } }] });
    assert.deepEqual([get!.action, get!.keys.get('dynamodb:leadingkeys'), get!.keys.get('dynamodb:enclosingoperation')], ['dynamodb:GetItem', ['e'], ['TransactGetItems']]);
  });

  test('PartiQL: the statement kind\'s action, its table or index, the partition it pins', () => {
    const cases: [string, object, string, string, string[] | undefined][] = [
      ['ExecuteStatement', { Statement: `SELECT * FROM "Games" WHERE UserId = 'alice'` }, 'dynamodb:PartiQLSelect', `${ARN}/Games`, ['alice']],
      ['ExecuteStatement', { Statement: `SELECT * FROM "Games"."ByTitle" WHERE Title = ?`, Parameters: [{ S: 'Chess' }] }, 'dynamodb:PartiQLSelect', `${ARN}/Games/index/ByTitle`, ['Chess']],
      ['ExecuteStatement', { Statement: `INSERT INTO "Games" VALUE {'UserId': 'bob', 'Title': 'Go'}` }, 'dynamodb:PartiQLInsert', `${ARN}/Games`, ['bob']],
      ['ExecuteStatement', { Statement: `UPDATE "Games" SET Wins = 1 WHERE UserId = 'carol' AND Title = 'Go'` }, 'dynamodb:PartiQLUpdate', `${ARN}/Games`, ['carol']],
      ['ExecuteStatement', { Statement: `DELETE FROM "Games" WHERE UserId = 'dan' AND Title = 'Go'` }, 'dynamodb:PartiQLDelete', `${ARN}/Games`, ['dan']],
      ['ExecuteStatement', { Statement: `SELECT * FROM "Games"` }, 'dynamodb:PartiQLSelect', `${ARN}/Games`, undefined],
    ];
    for (const [operation, request, action, resource, leading] of cases) {
      const [check] = checks(operation, request);
      assert.deepEqual([check!.action, check!.resource, check!.keys.get('dynamodb:leadingkeys'), check!.keys.get('dynamodb:enclosingoperation')], [action, resource, leading, [operation]]);
    }
    const batch = checks('BatchExecuteStatement', { Statements: [{ Statement: `SELECT * FROM "Games" WHERE UserId = 'a'` }, { Statement: `DELETE FROM "Other" WHERE id = 'b'` }] });
    assert.deepEqual(batch.map((check) => [check.action, check.resource, check.keys.get('dynamodb:enclosingoperation')]), [
      ['dynamodb:PartiQLSelect', `${ARN}/Games`, ['BatchExecuteStatement']],
      ['dynamodb:PartiQLDelete', `${ARN}/Other`, ['BatchExecuteStatement']],
    ]);
    const [transaction] = checks('ExecuteTransaction', { TransactStatements: [{ Statement: `UPDATE "Games" SET Wins = 1 WHERE UserId = 'z' AND Title = 'Go'` }] });
    assert.deepEqual(transaction!.keys.get('dynamodb:enclosingoperation'), ['ExecuteTransaction']);
  });

  test('control plane: the named resource, or *', () => {
    assert.deepEqual(checks('DescribeTable', { TableName: 'Games' }).map((check) => [check.action, check.resource]), [['dynamodb:DescribeTable', `${ARN}/Games`]]);
    assert.equal(checks('ListTables', {})[0]!.resource, '*');
    assert.equal(checks('TagResource', { ResourceArn: `${ARN}/Games`, Tags: [] })[0]!.resource, `${ARN}/Games`);
    assert.equal(checks('DescribeBackup', { BackupArn: `${ARN}/Games/backup/01-x` })[0]!.resource, `${ARN}/Games/backup/01-x`);
    assert.equal(checks('DescribeStream', { StreamArn: `${ARN}/Games/stream/L` })[0]!.resource, `${ARN}/Games/stream/L`);
    assert.equal(checks('GetRecords', { ShardIterator: `${ARN}/Games/stream/L|1|e30=` })[0]!.resource, `${ARN}/Games/stream/L`);
    assert.equal(checks('RestoreTableFromBackup', { TargetTableName: 'New', BackupArn: `${ARN}/Games/backup/01-x` })[0]!.resource, `${ARN}/Games/backup/01-x`);
    assert.equal(checks('DescribeGlobalTable', { GlobalTableName: 'Games' })[0]!.resource, 'arn:aws:dynamodb::123456789012:global-table/Games');
  });
});
