import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('Scan', (target) => {
  let table: string;
  const COUNT = 60;

  before(async () => {
    table = await createTable(target().ddb, 'scan');
    for (let i = 0; i < COUNT; i++) {
      await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `item${i}` }, n: { N: String(i) } } }));
    }
  });

  const scanAll = async (extra: Record<string, unknown>): Promise<{ items: Record<string, AttributeValue>[]; pages: number }> => {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const page = await target().ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ...extra }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
      pages++;
    } while (start);
    return { items, pages };
  };

  test('pages in a stable order return every item once', async () => {
    const whole = await target().ddb.send(new ScanCommand({ TableName: table }));
    assert.equal(whole.Count, COUNT);
    const paged = await scanAll({ Limit: 7 });
    assert.deepEqual(
      paged.items.map((item) => item.pk?.S),
      whole.Items?.map((item) => item.pk?.S),
    );
    assert.equal(paged.pages, Math.ceil(COUNT / 7));
  });

  test('a parallel scan of 4 segments with small pages returns every item exactly once', async () => {
    const seen: string[] = [];
    for (let segment = 0; segment < 4; segment++) {
      const { items } = await scanAll({ Segment: segment, TotalSegments: 4, Limit: 3 });
      seen.push(...items.map((item) => item.pk?.S as string));
    }
    assert.equal(seen.length, COUNT);
    assert.equal(new Set(seen).size, COUNT);
  });

  test('filters count what they scanned; legacy ScanFilter too', async () => {
    const filtered = await target().ddb.send(
      new ScanCommand({ TableName: table, FilterExpression: 'n < :ten', ExpressionAttributeValues: { ':ten': { N: '10' } }, Select: 'COUNT' }),
    );
    assert.equal(filtered.Count, 10);
    assert.equal(filtered.ScannedCount, COUNT);
    assert.equal(filtered.Items, undefined);
    const legacy = await target().ddb.send(
      new ScanCommand({ TableName: table, ScanFilter: { n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '5' }, { N: '7' }] } }, AttributesToGet: ['n'] }),
    );
    assert.deepEqual(legacy.Items?.map((item) => item.n?.N).sort(), ['5', '6', '7']);
    assert.deepEqual(Object.keys(legacy.Items?.[0] ?? {}), ['n']);
  });

  test("segment and start-key faults get DynamoDB's messages", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ Segment: 0 }, 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present'],
      [{ TotalSegments: 4 }, 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present'],
      [{ Segment: 5, TotalSegments: 5 }, 'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5'],
      [{ ExclusiveStartKey: { other: { S: 'x' }, pk: { S: 'x' } } }, 'The provided starting key is invalid: The provided key element does not match the schema'],
      [{ ExclusiveStartKey: { pk: { N: '1' } } }, 'The provided starting key is invalid: The provided key element does not match the schema'],
      [{ Select: 'SPECIFIC_ATTRIBUTES' }, 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES'],
      [{ ProjectionExpression: 'pk.x' }, "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk"],
    ];
    for (const [extra, message] of cases) {
      const error = await errorOf(() => target().ddb.send(new ScanCommand({ TableName: table, ...extra })));
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, message, JSON.stringify(extra));
    }
  });

  test('the 1 MB page limit applies to scans', async () => {
    const big = await createTable(target().ddb, 'scan_big');
    for (let i = 0; i < 20; i++) {
      await target().ddb.send(new PutItemCommand({ TableName: big, Item: { pk: { S: `b${i}` }, payload: { S: 'y'.repeat(60_000) } } }));
    }
    const first = await target().ddb.send(new ScanCommand({ TableName: big }));
    assert.equal(first.Count, 18);
    assert.ok(first.LastEvaluatedKey);
    const second = await target().ddb.send(new ScanCommand({ TableName: big, ExclusiveStartKey: first.LastEvaluatedKey }));
    assert.equal(second.Count, 2);
    assert.equal(second.LastEvaluatedKey, undefined);
  });
});
