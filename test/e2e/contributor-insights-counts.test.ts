/**
 * What Contributor Insights counts, read through CloudWatch's
 * GetInsightRuleReport: a hot key read and written many times leads the
 * most-accessed rules (ConsumedThroughputUnits: read units plus three times
 * write units), batches count entry by entry, a global index counts its own
 * reads; throttled keys lead the most-throttled rules under
 * `--capacity enforce`; nothing is counted for a rule while it is off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DescribeContributorInsightsCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateContributorInsightsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetInsightRuleReportCommand, type GetInsightRuleReportCommandInput, type GetInsightRuleReportCommandOutput } from '@aws-sdk/client-cloudwatch';
import { describeEachBackend, type Target } from '../helpers/harness.js';
import { cloudWatchFor, createInsightsTable } from '../helpers/insights.js';

/** The rule of a kind (PKC, PKT, SKC, SKT) of a table or index. */
async function ruleOf(ddb: DynamoDBClient, kind: string, TableName: string, IndexName?: string): Promise<string> {
  const { ContributorInsightsRuleList } = await ddb.send(new DescribeContributorInsightsCommand({ TableName, IndexName }));
  const rule = ContributorInsightsRuleList?.find((name) => name.includes(`-${kind}-`));
  assert.ok(rule, `no ${kind} rule in ${JSON.stringify(ContributorInsightsRuleList)}`);
  return rule;
}

/** The report of the last half hour, in one period unless another is given. */
async function report(target: Target, RuleName: string, extra: Partial<GetInsightRuleReportCommandInput> = {}): Promise<GetInsightRuleReportCommandOutput> {
  const cloudWatch = cloudWatchFor(target.endpoint);
  try {
    const now = Date.now();
    return await cloudWatch.send(
      new GetInsightRuleReportCommand({ RuleName, StartTime: new Date(now - 30 * 60_000), EndTime: new Date(now + 60_000), Period: 3600, ...extra }),
    );
  } finally {
    cloudWatch.destroy();
  }
}

const contributions = (out: GetInsightRuleReportCommandOutput) => (out.Contributors ?? []).map((c) => [c.Keys, c.ApproximateAggregateValue]);

const item = (pk: string, sk: string, g: string) => ({ pk: { S: pk }, sk: { S: sk }, g: { S: g } });

async function enable(ddb: DynamoDBClient, TableName: string, IndexName?: string, mode?: 'THROTTLED_KEYS' | 'ACCESSED_AND_THROTTLED_KEYS'): Promise<void> {
  await ddb.send(new UpdateContributorInsightsCommand({ TableName, IndexName, ContributorInsightsAction: 'ENABLE', ContributorInsightsMode: mode }));
}

describeEachBackend('contributor insights: most accessed keys', (target) => {
  test('a hot key leads, ranked by read units plus three times write units; batches count per entry; scans not at all', async () => {
    const { ddb } = target();
    const TableName = await createInsightsTable(ddb, 'cihot');
    await enable(ddb, TableName);
    await enable(ddb, TableName, 'byG');
    for (let i = 0; i < 10; i++) await ddb.send(new PutItemCommand({ TableName, Item: item('hot', 'a', 'g1') }));
    for (let i = 0; i < 10; i++) await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'hot' }, sk: { S: 'a' } } }));
    for (let i = 0; i < 2; i++) await ddb.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'hot' } } }));
    for (let i = 0; i < 5; i++) await ddb.send(new PutItemCommand({ TableName, Item: item(`cold${i}`, 'a', 'g2') }));
    for (let i = 0; i < 3; i++) {
      const puts = [item('batch', 'b', 'g2'), item(`batchcold${i}`, 'b', 'g2')].map((Item) => ({ PutRequest: { Item } }));
      await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: puts } }));
    }
    for (let i = 0; i < 2; i++) await ddb.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: [{ pk: { S: 'batch' }, sk: { S: 'b' } }] } } }));
    for (let i = 0; i < 4; i++) {
      await ddb.send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } }));
    }
    await ddb.send(new ScanCommand({ TableName }));

    const partitions = await report(target(), await ruleOf(ddb, 'PKC', TableName), {
      Metrics: ['UniqueContributors', 'MaxContributorValue', 'SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'],
    });
    assert.deepEqual(partitions.KeyLabels, ['pk']);
    assert.equal(partitions.AggregationStatistic, 'Sum');
    // hot: 10 puts × 3 + 10 gets × 0.5 + 2 queries × 0.5; batch: 3 puts × 3 + 2 gets × 0.5; the others one put × 3.
    assert.deepEqual(contributions(partitions).slice(0, 2), [
      [['hot'], 36],
      [['batch'], 10],
    ]);
    assert.equal(partitions.Contributors?.length, 10);
    assert.ok(partitions.Contributors!.slice(2).every((c) => c.ApproximateAggregateValue === 3));
    assert.equal(partitions.AggregateValue, 70);
    assert.equal(partitions.ApproximateUniqueCount, 10);
    assert.equal(partitions.MetricDatapoints?.length, 1);
    const { Timestamp: _, ...statistics } = partitions.MetricDatapoints![0]!;
    assert.deepEqual(statistics, { UniqueContributors: 10, MaxContributorValue: 36, SampleCount: 35, Sum: 70, Minimum: 0.5, Maximum: 3, Average: 2 });

    const items = await report(target(), await ruleOf(ddb, 'SKC', TableName), { MaxContributorCount: 2 });
    assert.deepEqual(items.KeyLabels, ['pk', 'sk']);
    // A Query names no one item: only the partition key rule counts it.
    assert.deepEqual(contributions(items), [
      [['hot', 'a'], 35],
      [['batch', 'b'], 10],
    ]);

    const index = await report(target(), await ruleOf(ddb, 'PKC', TableName, 'byG'));
    assert.deepEqual(index.KeyLabels, ['g']);
    assert.deepEqual(contributions(index), [[['g1'], 2]]);

    assert.deepEqual(contributions(await report(target(), await ruleOf(ddb, 'PKT', TableName))), []);
    const top = await report(target(), await ruleOf(ddb, 'PKC', TableName), { OrderBy: 'Maximum', MaxContributorCount: 1, Period: 60 });
    assert.deepEqual(contributions(top), [[['hot'], Math.max(...top.Contributors![0]!.Datapoints!.map((d) => d.ApproximateValue!))]]);
    assert.equal(
      top.Contributors![0]!.Datapoints!.reduce((sum, d) => sum + d.ApproximateValue!, 0),
      36,
    );
  });

  test('nothing is counted for a rule while it is off: accessed keys in THROTTLED_KEYS mode', async () => {
    const { ddb } = target();
    const TableName = await createInsightsTable(ddb, 'cioff');
    await enable(ddb, TableName, undefined, 'THROTTLED_KEYS');
    for (let i = 0; i < 5; i++) await ddb.send(new PutItemCommand({ TableName, Item: item('early', 'a', 'g') }));
    // Widening keeps the rules' creation time, so the new PKC rule covers the minutes before it too.
    await enable(ddb, TableName, undefined, 'ACCESSED_AND_THROTTLED_KEYS');
    await ddb.send(new PutItemCommand({ TableName, Item: item('late', 'a', 'g') }));
    assert.deepEqual(contributions(await report(target(), await ruleOf(ddb, 'PKC', TableName))), [[['late'], 3]]);
    await ddb.send(new UpdateContributorInsightsCommand({ TableName, ContributorInsightsAction: 'DISABLE' }));
    for (let i = 0; i < 5; i++) await ddb.send(new PutItemCommand({ TableName, Item: item('unseen', 'a', 'g') }));
    await enable(ddb, TableName);
    await ddb.send(new PutItemCommand({ TableName, Item: item('again', 'a', 'g') }));
    assert.deepEqual(contributions(await report(target(), await ruleOf(ddb, 'PKC', TableName))), [[['again'], 3]]);
  });
});

describeEachBackend(
  'contributor insights: most throttled keys',
  (target) => {
    test('a hot key past a provisioned table\'s capacity leads the throttled-keys rules', async () => {
      const { ddb } = target();
      const TableName = await createInsightsTable(ddb, 'cithrottle', {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byG',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 },
          },
        ],
      });
      await enable(ddb, TableName, undefined, 'THROTTLED_KEYS');
      let hot = 0;
      while (hot < 3) {
        try {
          await ddb.send(new PutItemCommand({ TableName, Item: item('hot', 'a', 'g') }));
        } catch (error) {
          assert.equal((error as Error).name, 'ProvisionedThroughputExceededException');
          hot++;
        }
      }
      let other = 0;
      while (other < 1) {
        try {
          await ddb.send(new PutItemCommand({ TableName, Item: item('other', 'b', 'g') }));
        } catch {
          other++;
        }
      }
      const partitions = await report(target(), await ruleOf(ddb, 'PKT', TableName));
      assert.deepEqual(partitions.KeyLabels, ['pk']);
      assert.deepEqual(contributions(partitions), [
        [['hot'], 3],
        [['other'], 1],
      ]);
      assert.deepEqual(contributions(await report(target(), await ruleOf(ddb, 'SKT', TableName))), [
        [['hot', 'a'], 3],
        [['other', 'b'], 1],
      ]);
      // THROTTLED_KEYS mode: no most-accessed rules exist.
      const { ContributorInsightsRuleList } = await ddb.send(new DescribeContributorInsightsCommand({ TableName }));
      assert.deepEqual(
        ContributorInsightsRuleList?.map((name) => name.split('-')[1]),
        ['PKT', 'SKT'],
      );
    });
  },
  { config: { capacity: 'enforce', burstSeconds: 2 } },
);
