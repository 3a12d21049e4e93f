import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';

describeEachBackend('Query on secondary indexes', (target) => {
  const table = uniqueName('query_indexes');
  const put = (item: Record<string, AttributeValue>) => target().ddb.send(new PutItemCommand({ TableName: table, Item: item }));

  before(async () => {
    await target().ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'player', AttributeType: 'S' },
          { AttributeName: 'game', AttributeType: 'S' },
          { AttributeName: 'score', AttributeType: 'N' },
          { AttributeName: 'played', AttributeType: 'S' },
          { AttributeName: 'flagged', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'player', KeyType: 'HASH' },
          { AttributeName: 'game', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'leaderboard',
            KeySchema: [
              { AttributeName: 'game', KeyType: 'HASH' },
              { AttributeName: 'score', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
          { IndexName: 'flagged', KeySchema: [{ AttributeName: 'flagged', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: 'byPlayed',
            KeySchema: [
              { AttributeName: 'player', KeyType: 'HASH' },
              { AttributeName: 'played', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['level'] },
          },
        ],
      }),
    );
    const scores = [40, 95, 12, 77, 95, 60, 3];
    for (const [i, score] of scores.entries()) {
      await put({
        player: { S: `p${i}` },
        game: { S: 'chess' },
        score: { N: String(score) },
        played: { S: `2024-0${i + 1}` },
        level: { N: String(i) },
        notes: { S: `notes ${i}` },
        ...(i % 3 === 0 ? { flagged: { S: 'yes' } } : {}),
      });
    }
    await put({ player: { S: 'p1' }, game: { S: 'go' }, score: { N: '1' }, played: { S: '2023-12' }, level: { N: '9' }, notes: { S: 'go notes' } });
    // Not in the leaderboard: no score.
    await put({ player: { S: 'p9' }, game: { S: 'chess' }, played: { S: '2024-09' } });
  });

  test('leaderboard: top three scores of a game, descending', async () => {
    const result = await target().ddb.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'leaderboard',
        KeyConditionExpression: 'game = :g',
        ExpressionAttributeValues: { ':g': { S: 'chess' } },
        ScanIndexForward: false,
        Limit: 3,
      }),
    );
    assert.deepEqual(
      result.Items?.map((item) => [item.score?.N, item.player?.S]),
      [
        ['95', 'p4'],
        ['95', 'p1'],
        ['77', 'p3'],
      ],
    );
    // KEYS_ONLY: the index and table keys, nothing else.
    assert.deepEqual(Object.keys(result.Items?.[0] ?? {}).sort(), ['game', 'player', 'score']);
    assert.deepEqual(result.LastEvaluatedKey, { player: { S: 'p3' }, game: { S: 'chess' }, score: { N: '77' } });
    const next = await target().ddb.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'leaderboard',
        KeyConditionExpression: 'game = :g',
        ExpressionAttributeValues: { ':g': { S: 'chess' } },
        ScanIndexForward: false,
        ExclusiveStartKey: result.LastEvaluatedKey,
      }),
    );
    assert.deepEqual(next.Items?.map((item) => item.score?.N), ['60', '40', '12', '3']);
  });

  test('a sparse index holds only the items that have its key', async () => {
    const result = await target().ddb.send(
      new QueryCommand({ TableName: table, IndexName: 'flagged', KeyConditionExpression: 'flagged = :y', ExpressionAttributeValues: { ':y': { S: 'yes' } } }),
    );
    assert.deepEqual(result.Items?.map((item) => item.player?.S).sort(), ['p0', 'p3', 'p6']);
    assert.equal(result.Items?.[0]?.notes?.S?.startsWith('notes'), true);
  });

  test('an LSI with INCLUDE projection fetches other attributes from the table, and charges for them', async () => {
    const query = (extra: Record<string, unknown>) =>
      target().ddb.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byPlayed',
          KeyConditionExpression: 'player = :p AND played > :d',
          ExpressionAttributeValues: { ':p': { S: 'p1' }, ':d': { S: '2023' } },
          ReturnConsumedCapacity: 'INDEXES',
          ...extra,
        }),
      );
    const projected = await query({});
    assert.deepEqual(projected.Items?.map((item) => Object.keys(item).sort()), [
      ['game', 'level', 'played', 'player'],
      ['game', 'level', 'played', 'player'],
    ]);
    assert.deepEqual(projected.ConsumedCapacity, {
      TableName: table,
      CapacityUnits: 0.5,
      Table: { CapacityUnits: 0 },
      LocalSecondaryIndexes: { byPlayed: { CapacityUnits: 0.5 } },
    });
    const fetched = await query({ ProjectionExpression: 'notes, #l', ExpressionAttributeNames: { '#l': 'level' } });
    assert.deepEqual(fetched.Items, [
      { notes: { S: 'go notes' }, level: { N: '9' } },
      { notes: { S: 'notes 1' }, level: { N: '1' } },
    ]);
    assert.deepEqual(fetched.ConsumedCapacity, {
      TableName: table,
      CapacityUnits: 1,
      Table: { CapacityUnits: 0.5 },
      LocalSecondaryIndexes: { byPlayed: { CapacityUnits: 0.5 } },
    });
    const all = await query({ Select: 'ALL_ATTRIBUTES' });
    assert.equal(all.Items?.[0]?.notes?.S, 'go notes');
  });

  test('a GSI without ALL projection refuses ALL_ATTRIBUTES', async () => {
    const error = await errorOf(() =>
      target().ddb.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'leaderboard',
          Select: 'ALL_ATTRIBUTES',
          KeyConditionExpression: 'game = :g',
          ExpressionAttributeValues: { ':g': { S: 'chess' } },
        }),
      ),
    );
    assert.equal(
      error.message,
      'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index leaderboard because its projection type is not ALL',
    );
  });
});
