import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, externalEndpoint, uniqueName } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';
import { readStatistics } from '../../src/engine/reader.js';

describeEachBackend('Query', (target) => {
  let table: string;
  const put = (name: string, item: Record<string, AttributeValue>) => target().ddb.send(new PutItemCommand({ TableName: name, Item: item }));
  const sks = (items: Record<string, AttributeValue>[] | undefined) => (items ?? []).map((item) => Number(item.sk?.N));

  before(async () => {
    table = await createTable(target().ddb, 'query', { hash: ['pk', 'S'], range: ['sk', 'N'] });
    for (let i = 1; i <= 10; i++) await put(table, { pk: { S: 'p' }, sk: { N: String(i) }, tag: { S: i % 2 ? 'odd' : 'even' }, name: { S: `n${i}` } });
    await put(table, { pk: { S: 'other' }, sk: { N: '1' } });
  });

  const q = (extra: Record<string, unknown>) =>
    target().ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'p' } },
        ...extra,
      }),
    );

  test('a partition comes back in sort-key order, and reversed', async () => {
    assert.deepEqual(sks((await q({})).Items), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(sks((await q({ ScanIndexForward: false })).Items), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  test('every sort-key operator selects its range', async () => {
    const cases: [string, Record<string, AttributeValue>, number[]][] = [
      ['sk = :a', { ':a': { N: '3' } }, [3]],
      ['sk < :a', { ':a': { N: '3' } }, [1, 2]],
      ['sk <= :a', { ':a': { N: '3' } }, [1, 2, 3]],
      ['sk > :a', { ':a': { N: '8' } }, [9, 10]],
      ['sk >= :a', { ':a': { N: '8' } }, [8, 9, 10]],
      ['sk BETWEEN :a AND :b', { ':a': { N: '4' }, ':b': { N: '6' } }, [4, 5, 6]],
      [':a > sk', { ':a': { N: '2' } }, [1]],
    ];
    for (const [condition, values, expected] of cases) {
      const result = await q({ KeyConditionExpression: `pk = :p AND ${condition}`, ExpressionAttributeValues: { ':p': { S: 'p' }, ...values } });
      assert.deepEqual(sks(result.Items), expected, condition);
    }
  });

  test('begins_with on a string sort key', async () => {
    const name = await createTable(target().ddb, 'query_prefix', { hash: ['pk', 'S'], range: ['sk', 'S'] });
    for (const sk of ['a', 'ab', 'abc', 'abd', 'b', 'a\u0000z']) await put(name, { pk: { S: 'x' }, sk: { S: sk } });
    const result = await target().ddb.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': { S: 'x' }, ':s': { S: 'ab' } },
      }),
    );
    assert.deepEqual(result.Items?.map((item) => item.sk?.S), ['ab', 'abc', 'abd']);
  });

  test('filter, Count and ScannedCount; projection and Select COUNT', async () => {
    const filtered = await q({ FilterExpression: 'tag = :t', ExpressionAttributeValues: { ':p': { S: 'p' }, ':t': { S: 'even' } } });
    assert.equal(filtered.Count, 5);
    assert.equal(filtered.ScannedCount, 10);
    const projected = await q({ ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'name' }, Limit: 1 });
    assert.deepEqual(projected.Items, [{ name: { S: 'n1' } }]);
    const counted = await q({ Select: 'COUNT' });
    assert.equal(counted.Items, undefined);
    assert.equal(counted.Count, 10);
  });

  test('legacy KeyConditions and QueryFilter', async () => {
    const result = await target().ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditions: {
          pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] },
          sk: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '5' }] },
        },
        QueryFilter: { tag: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'odd' }] } },
      }),
    );
    assert.deepEqual(sks(result.Items), [7, 9]);
    assert.equal(result.ScannedCount, 5);
  });

  test('Limit and LastEvaluatedKey page through the partition, forwards and backwards', async () => {
    for (const forward of [true, false]) {
      const seen: number[] = [];
      let start: Record<string, AttributeValue> | undefined;
      let pages = 0;
      do {
        const page = await q({ Limit: 3, ExclusiveStartKey: start, ScanIndexForward: forward });
        seen.push(...sks(page.Items));
        start = page.LastEvaluatedKey;
        pages++;
      } while (start);
      assert.deepEqual(seen, forward ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      assert.equal(pages, 4);
    }
  });

  test('pages stop at 1 MB of items read, before filtering', async () => {
    const name = await createTable(target().ddb, 'query_big', { hash: ['pk', 'S'], range: ['sk', 'S'] });
    for (let i = 0; i < 20; i++) await put(name, { pk: { S: 'big' }, sk: { S: `sk-${String(i).padStart(3, '0')}` }, payload: { S: 'x'.repeat(60_000) } });
    const query = (start?: Record<string, AttributeValue>) =>
      target().ddb.send(
        new QueryCommand({
          TableName: name,
          KeyConditionExpression: 'pk = :p',
          FilterExpression: 'attribute_not_exists(payload)',
          ExpressionAttributeValues: { ':p': { S: 'big' } },
          ExclusiveStartKey: start,
        }),
      );
    const first = await query();
    // 17 items of ~60 KB stay below 1 MB; the 18th reaches it and ends the page.
    assert.equal(first.ScannedCount, 18);
    assert.equal(first.Count, 0);
    assert.deepEqual(first.LastEvaluatedKey, { pk: { S: 'big' }, sk: { S: 'sk-017' } });
    const second = await query(first.LastEvaluatedKey);
    assert.equal(second.ScannedCount, 2);
    assert.equal(second.LastEvaluatedKey, undefined);
  });

  test('consumed capacity counts the page, not each item', async () => {
    const result = await q({ ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true });
    assert.deepEqual(result.ConsumedCapacity, { TableName: table, CapacityUnits: 1 });
    const eventual = await q({ ReturnConsumedCapacity: 'INDEXES' });
    assert.deepEqual(eventual.ConsumedCapacity, { TableName: table, CapacityUnits: 0.5, Table: { CapacityUnits: 0.5 } });
  });

  test('a query visits only its partition, whatever the table size', { skip: externalEndpoint !== undefined }, async () => {
    const name = await createTable(target().ddb, 'query_cost', { hash: ['pk', 'S'], range: ['sk', 'N'] });
    const visited = async () => {
      const before = readStatistics.entriesVisited;
      const result = await target().ddb.send(
        new QueryCommand({ TableName: name, KeyConditionExpression: 'pk = :p AND sk > :s', ExpressionAttributeValues: { ':p': { S: 'hot' }, ':s': { N: '2' } } }),
      );
      assert.equal(result.Count, 3);
      return readStatistics.entriesVisited - before;
    };
    for (let i = 1; i <= 5; i++) await put(name, { pk: { S: 'hot' }, sk: { N: String(i) } });
    const small = await visited();
    for (let i = 0; i < 300; i++) await put(name, { pk: { S: `cold${i}` }, sk: { N: String(i) } });
    assert.equal(await visited(), small);
    assert.equal(small, 3);
  });

  test("bad input gets DynamoDB's messages", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': { N: '1' } } }, 'Query condition missed key schema element: pk'],
      [{ KeyConditionExpression: 'pk = :s', ExpressionAttributeValues: { ':s': { N: '1' } } }, 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
      [{ KeyConditionExpression: 'pk > :p' }, 'Query key condition not supported'],
      [{ FilterExpression: 'sk = :p' }, 'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk'],
      [{ Select: 'SPECIFIC_ATTRIBUTES' }, 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES'],
      [{ Select: 'ALL_PROJECTED_ATTRIBUTES' }, 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName'],
      [{ IndexName: 'nope' }, 'The table does not have the specified index: nope'],
      [{ ExclusiveStartKey: { pk: { S: 'p' } } }, 'The provided starting key is invalid'],
      [{ ExclusiveStartKey: { pk: { S: 'q' }, sk: { N: '1' } } }, 'The provided starting key is outside query boundaries based on provided conditions'],
      [
        { KeyConditionExpression: 'pk = :p AND sk > :s', ExpressionAttributeValues: { ':p': { S: 'p' }, ':s': { N: '5' } }, ExclusiveStartKey: { pk: { S: 'p' }, sk: { N: '1' } } },
        'The provided starting key does not match the range key predicate',
      ],
      [{ KeyConditionExpression: undefined, ExpressionAttributeValues: undefined }, 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.'],
    ];
    for (const [extra, message] of cases) {
      const error = await errorOf(() => q(extra));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, message, JSON.stringify(extra));
    }
    const missing = await errorOf(() =>
      target().ddb.send(new QueryCommand({ TableName: uniqueName('none'), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } })),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  test('ConsistentRead on a global index is refused', async () => {
    const name = uniqueName('query_gsi_consistent');
    await target().ddb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      }),
    );
    const error = await errorOf(() =>
      target().ddb.send(
        new QueryCommand({ TableName: name, IndexName: 'byG', ConsistentRead: true, KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } }),
      ),
    );
    assert.equal(error.message, 'Consistent reads are not supported on global secondary indexes');
  });
});
