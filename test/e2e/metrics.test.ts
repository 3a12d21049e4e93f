/**
 * CloudWatch's DynamoDB metrics through the real SDKs: a provisioned table
 * driven past its capacity shows its throttling, consumption and latency in
 * GET /metrics (Prometheus) and in the CloudWatch API (GetMetricData,
 * GetMetricStatistics, ListMetrics); errors land in UserErrors and
 * ConditionalCheckFailedRequests; data from two nodes on one store adds up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { describeEachBackend, uniqueName, clientFor } from '../helpers/harness.js';
import { postgresUrl, freshPostgresUrl } from '../helpers/postgres.js';
import { startServer } from '../../src/server/dynalith.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { parseConfig } from '../../src/cli.js';
import type { Config } from '../../src/config.js';

const CONFIG = { capacity: 'enforce', burstSeconds: 1, metricsFlushMs: 100, ttlIntervalMs: 100 } as const;

function cloudWatch(endpoint: string): CloudWatchClient {
  return new CloudWatchClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

async function provisionedTable(ddb: DynamoDBClient, write: number): Promise<string> {
  const TableName = uniqueName('metrics');
  await ddb.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: write },
    }),
  );
  return TableName;
}

/** Puts small items until `throttles` requests were refused; the puts that went through. */
async function putPastCapacity(ddb: DynamoDBClient, TableName: string, throttles: number): Promise<number> {
  let puts = 0;
  let refused = 0;
  for (let i = 0; refused < throttles && i < 10_000; i++) {
    try {
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i}` } } }));
      puts++;
    } catch (error) {
      assert.equal((error as Error).name, 'ProvisionedThroughputExceededException');
      refused++;
    }
  }
  assert.equal(refused, throttles);
  return puts;
}

async function scrape(endpoint: string): Promise<string> {
  const response = await fetch(`${endpoint}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return response.text();
}

/** The value of the exposition's sample of `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const present = Object.entries(labels).every(([key, value]) => match[2]!.includes(`${key}="${value}"`));
    if (present) return Number(match[3]);
  }
  return undefined;
}

const minuteAgo = () => new Date(Date.now() - 120_000);
const soon = () => new Date(Date.now() + 60_000);

describeEachBackend(
  'metrics',
  (target) => {
    test('a throttled table shows its throttling, consumption and latency in /metrics and in CloudWatch', async () => {
      const { ddb, endpoint } = target();
      const TableName = await provisionedTable(ddb, 1);
      const puts = await putPastCapacity(ddb, TableName, 3);

      const text = await scrape(endpoint);
      assert.equal(sample(text, 'aws_dynamodb_throttled_requests_total', { table_name: TableName, operation: 'PutItem' }), 3);
      assert.equal(sample(text, 'aws_dynamodb_write_throttle_events_total', { table_name: TableName }), 3);
      assert.equal(sample(text, 'aws_dynamodb_write_provisioned_throughput_throttle_events_total', { table_name: TableName }), 3);
      assert.equal(sample(text, 'aws_dynamodb_consumed_write_capacity_units_total', { table_name: TableName }), puts);
      assert.equal(sample(text, 'aws_dynamodb_successful_request_latency_milliseconds_count', { table_name: TableName, operation: 'PutItem' }), puts);
      assert.equal(sample(text, 'aws_dynamodb_provisioned_write_capacity_units', { table_name: TableName }), 1);
      assert.match(text, /^nodejs_eventloop_lag_seconds /m);
      assert.match(text, /^process_resident_memory_bytes /m);

      const cw = cloudWatch(endpoint);
      const dims = [{ Name: 'TableName', Value: TableName }];
      const data = await cw.send(
        new GetMetricDataCommand({
          StartTime: minuteAgo(),
          EndTime: soon(),
          MetricDataQueries: [
            { Id: 'throttled', MetricStat: { Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ThrottledRequests', Dimensions: [...dims, { Name: 'Operation', Value: 'PutItem' }] }, Period: 60, Stat: 'Sum' } },
            { Id: 'consumed', MetricStat: { Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ConsumedWriteCapacityUnits', Dimensions: dims }, Period: 300, Stat: 'Sum' } },
            { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ConsumedWriteCapacityUnits', Dimensions: dims }, Period: 300, Stat: 'SampleCount' } },
          ],
        }),
      );
      const byId = new Map(data.MetricDataResults!.map((result) => [result.Id, result]));
      const sum = (id: string) => (byId.get(id)!.Values ?? []).reduce((a, b) => a + b, 0);
      assert.equal(sum('throttled'), 3);
      assert.equal(sum('consumed'), puts);
      assert.equal(sum('requests'), puts);
      assert.equal(byId.get('throttled')!.StatusCode, 'Complete');
      assert.ok(byId.get('throttled')!.Timestamps![0] instanceof Date);

      const stats = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/DynamoDB',
          MetricName: 'SuccessfulRequestLatency',
          Dimensions: [...dims, { Name: 'Operation', Value: 'PutItem' }],
          StartTime: minuteAgo(),
          EndTime: soon(),
          Period: 600,
          Statistics: ['SampleCount', 'Average', 'Maximum'],
        }),
      );
      assert.equal(stats.Label, 'SuccessfulRequestLatency');
      assert.equal(stats.Datapoints!.length, 1);
      const [point] = stats.Datapoints!;
      assert.equal(point!.SampleCount, puts);
      assert.equal(point!.Unit, 'Milliseconds');
      assert.ok(point!.Maximum! >= point!.Average! && point!.Average! > 0);
      assert.equal(point!.Sum, undefined);

      const listed = await cw.send(new ListMetricsCommand({ Namespace: 'AWS/DynamoDB', Dimensions: [{ Name: 'TableName', Value: TableName }] }));
      const names = new Set(listed.Metrics!.map((metric) => metric.MetricName));
      for (const name of ['ThrottledRequests', 'ConsumedWriteCapacityUnits', 'SuccessfulRequestLatency', 'WriteThrottleEvents']) assert.ok(names.has(name), name);
      const onlyThrottled = await cw.send(new ListMetricsCommand({ MetricName: 'ThrottledRequests', Dimensions: [{ Name: 'TableName', Value: TableName }, { Name: 'Operation' }] }));
      assert.deepEqual(
        onlyThrottled.Metrics!.map((metric) => metric.Dimensions),
        [[{ Name: 'Operation', Value: 'PutItem' }, { Name: 'TableName', Value: TableName }]],
      );
      cw.destroy();
    });

    test('user errors, failed conditions and returned items are counted where CloudWatch counts them', async () => {
      const { ddb, endpoint } = target();
      const TableName = await provisionedTable(ddb, 1000);
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
      await assert.rejects(ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' })), { name: 'ConditionalCheckFailedException' });
      await assert.rejects(ddb.send(new GetItemCommand({ TableName: uniqueName('missing'), Key: { pk: { S: 'a' } } })), { name: 'ResourceNotFoundException' });
      const queried = await ddb.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': { S: 'a' } } }));
      assert.equal(queried.Count, 1);

      const text = await scrape(endpoint);
      assert.equal(sample(text, 'aws_dynamodb_conditional_check_failed_requests_total', { table_name: TableName }), 1);
      assert.equal(sample(text, 'aws_dynamodb_returned_item_count_total', { table_name: TableName, operation: 'Query' }), 1);
      assert.ok(sample(text, 'aws_dynamodb_user_errors_total', { region: 'us-east-1' })! >= 1);
      // A failed condition is not a user error of its table: UserErrors has no table at all.
      assert.equal(sample(text, 'aws_dynamodb_user_errors_total', { table_name: TableName }), undefined);
    });

    test('items Time to Live deletes are counted in TimeToLiveDeletedItemCount', async () => {
      const { ddb, endpoint } = target();
      const TableName = await provisionedTable(ddb, 1000);
      await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }));
      const past = String(Math.floor(Date.now() / 1000) - 60);
      for (const pk of ['a', 'b']) await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, expires: { N: past } } }));
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'kept' } } }));
      let deleted: number | undefined;
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && deleted !== 2; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        deleted = sample(await scrape(endpoint), 'aws_dynamodb_time_to_live_deleted_item_count_total', { table_name: TableName });
      }
      assert.equal(deleted, 2);
    });

    test('bad CloudWatch requests get CloudWatch errors', async () => {
      const cw = cloudWatch(target().endpoint);
      const base = { Namespace: 'AWS/DynamoDB', MetricName: 'ThrottledRequests', Period: 60 };
      const refused = async (input: ConstructorParameters<typeof GetMetricStatisticsCommand>[0], code: string, message: RegExp) => {
        await assert.rejects(cw.send(new GetMetricStatisticsCommand(input)), (error: Error & { Code?: string; $metadata: { httpStatusCode?: number } }) => {
          assert.equal(error.Code, code);
          assert.equal(error.$metadata.httpStatusCode, 400);
          assert.match(error.message, message);
          return true;
        });
      };
      await refused({ ...base, StartTime: soon(), EndTime: minuteAgo(), Statistics: ['Sum'] }, 'InvalidParameterValue', /StartTime must be less than the parameter EndTime/);
      await refused({ ...base, StartTime: minuteAgo(), EndTime: soon() }, 'InvalidParameterCombination', /At least one of the parameters Statistics and ExtendedStatistics/);
      await refused({ ...base, Period: 61, StartTime: minuteAgo(), EndTime: soon(), Statistics: ['Sum'] }, 'InvalidParameterValue', /Period must be a multiple of 60/);
      await refused({ ...base, StartTime: new Date(0), EndTime: soon(), Statistics: ['Sum'] }, 'InvalidParameterCombination', /exceeds the limit of 1,440/);
      await refused({ ...base, StartTime: minuteAgo(), EndTime: soon(), Statistics: ['Median' as 'Sum'] }, 'ValidationError', /Member must satisfy enum value set/);
      await assert.rejects(
        cw.send(new GetMetricDataCommand({ StartTime: minuteAgo(), EndTime: soon(), MetricDataQueries: [{ Id: 'a', Expression: 'SUM(METRICS())' }] })),
        (error: Error & { Code?: string }) => error.Code === 'ValidationError',
      );
      await assert.rejects(cw.send(new ListMetricsCommand({ NextToken: 'nonsense' })), (error: Error & { Code?: string }) => error.Code === 'InvalidNextToken');
      cw.destroy();
    });
  },
  { config: CONFIG },
);

test('the metrics, alarm and scaling flags and their DYNALITH_* variables', () => {
  const parsed = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseConfig(argv, env) as Config;
  const defaults = parsed([]);
  assert.deepEqual(
    [defaults.metrics, defaults.metricsFlushMs, defaults.metricsRetentionMs, defaults.alarmIntervalMs, defaults.alarmWebhooks, defaults.scalingPeriodMs],
    [true, 1000, 86_400_000, 60_000, [], 60_000],
  );
  const flags = parsed(['--metrics', 'off', '--metrics-flush-ms', '50', '--alarm-webhook', 'http://a/x', '--alarm-webhook', 'https://b/y', '--scaling-period-ms', '250']);
  assert.deepEqual([flags.metrics, flags.metricsFlushMs, flags.alarmWebhooks, flags.scalingPeriodMs], [false, 50, ['http://a/x', 'https://b/y'], 250]);
  assert.deepEqual(parsed([], { DYNALITH_ALARM_WEBHOOK: 'http://a/x,http://c/z', DYNALITH_METRICS: 'off' }).alarmWebhooks, ['http://a/x', 'http://c/z']);
  assert.throws(() => parseConfig(['--alarm-webhook', 'mailto:me@example.com'], {}), /--alarm-webhook must be an http:\/\/ or https:\/\/ URL/);
});

test('--metrics off: nothing recorded, no /metrics', async () => {
  const server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', metrics: false }, createLogger('silent'));
  try {
    const ddb = clientFor(server.endpoint);
    const TableName = await provisionedTable(ddb, 5);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
    assert.equal((await fetch(`${server.endpoint}/metrics`)).status, 404);
    const cw = cloudWatch(server.endpoint);
    const listed = await cw.send(new ListMetricsCommand({}));
    assert.deepEqual(listed.Metrics, []);
    cw.destroy();
    ddb.destroy();
  } finally {
    await server.close();
  }
});

test('two nodes on one PostgreSQL store: either answers with both nodes\' data', { skip: postgresUrl === undefined ? 'no PostgreSQL' : false }, async () => {
  const storageUrl = await freshPostgresUrl();
  const config = { ...DEFAULT_CONFIG, port: 0, storageUrl, logLevel: 'silent', metricsFlushMs: 100 };
  const [a, b] = [await startServer(config, createLogger('silent')), await startServer(config, createLogger('silent'))];
  try {
    const [ddbA, ddbB] = [clientFor(a.endpoint), clientFor(b.endpoint)];
    const TableName = await provisionedTable(ddbA, 1000);
    for (let i = 0; i < 5; i++) await ddbA.send(new PutItemCommand({ TableName, Item: { pk: { S: `a${i}` } } }));
    for (let i = 0; i < 7; i++) await ddbB.send(new PutItemCommand({ TableName, Item: { pk: { S: `b${i}` } } }));
    // B flushes within its interval; A's scrape flushes A's own.
    const deadline = Date.now() + 20_000;
    let seen: number | undefined;
    while (Date.now() < deadline) {
      seen = sample(await scrape(a.endpoint), 'aws_dynamodb_consumed_write_capacity_units_total', { table_name: TableName });
      if (seen === 12) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(seen, 12);
    ddbA.destroy();
    ddbB.destroy();
  } finally {
    await a.close();
    await b.close();
  }
});
