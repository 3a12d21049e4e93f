/**
 * Contributor Insights with two nodes on one PostgreSQL database: insights
 * switched on through one node count on the other, and each node's counts
 * reach the report the other gives (within a flush interval).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeContributorInsightsCommand, PutItemCommand, UpdateContributorInsightsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetInsightRuleReportCommand } from '@aws-sdk/client-cloudwatch';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor } from '../helpers/harness.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { cloudWatchFor, createInsightsTable } from '../helpers/insights.js';

describe('contributor insights on two nodes [postgres]', { skip: postgresUrl === undefined }, () => {
  let servers: RunningServer[] = [];
  let clients: DynamoDBClient[] = [];
  before(async () => {
    const storageUrl = await freshPostgresUrl();
    const config = { ...DEFAULT_CONFIG, port: 0, logLevel: 'silent', storageUrl, metricsFlushMs: 100 };
    servers = [await startServer(config, createLogger('silent')), await startServer(config, createLogger('silent'))];
    clients = servers.map((server) => clientFor(server.endpoint));
  });
  after(async () => {
    for (const client of clients) client.destroy();
    for (const server of servers) await server.close();
  });

  test('counts from both nodes add up in one report', async () => {
    const [a, b] = clients as [DynamoDBClient, DynamoDBClient];
    const TableName = await createInsightsTable(a, 'cinodes');
    await a.send(new UpdateContributorInsightsCommand({ TableName, ContributorInsightsAction: 'ENABLE' }));
    // A control-plane request brings the other node's catalog up to date.
    const { ContributorInsightsRuleList } = await b.send(new DescribeContributorInsightsCommand({ TableName }));
    const RuleName = ContributorInsightsRuleList!.find((name) => name.includes('-PKC-'))!;
    for (let i = 0; i < 4; i++) await b.send(new PutItemCommand({ TableName, Item: { pk: { S: 'fromB' }, sk: { S: 's' } } }));
    await a.send(new PutItemCommand({ TableName, Item: { pk: { S: 'fromA' }, sk: { S: 's' } } }));
    const cloudWatch = cloudWatchFor(servers[0]!.endpoint);
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const now = Date.now();
        const report = await cloudWatch.send(
          new GetInsightRuleReportCommand({ RuleName, StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), Period: 3600 }),
        );
        const seen = (report.Contributors ?? []).map((c) => [c.Keys, c.ApproximateAggregateValue]);
        const expected = [
          [['fromB'], 12],
          [['fromA'], 3],
        ];
        // A node's flush may land between two of its puts: wait for all of them, not only for both keys.
        if (JSON.stringify(seen) === JSON.stringify(expected)) break;
        assert.ok(Date.now() < deadline, `the other node's counts never all arrived: ${JSON.stringify(seen)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      cloudWatch.destroy();
    }
  });
});
