/**
 * Contributor Insights' control plane through the AWS SDKs: switching on and
 * off for a table and a global index, with the statuses, modes, rule names
 * and list pages DynamoDB answers (ack-api-quirks DynamoDB lab, recorded
 * live), the rules seen from CloudWatch's DescribeInsightRules, and the
 * errors. Transitions take 1 s here (the configured update time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteTableCommand,
  DescribeContributorInsightsCommand,
  ListContributorInsightsCommand,
  UpdateContributorInsightsCommand,
  type UpdateContributorInsightsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DescribeInsightRulesCommand, GetInsightRuleReportCommand } from '@aws-sdk/client-cloudwatch';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';
import { cloudWatchFor, createInsightsTable, describeUntil } from '../helpers/insights.js';

const update = (target: () => Target, input: UpdateContributorInsightsCommandInput) => target().ddb.send(new UpdateContributorInsightsCommand(input));

describeEachBackend(
  'contributor insights: switching on and off',
  (target: () => Target) => {
    test('a table: DISABLED, ENABLING, ENABLED with four rules, a mode change, DISABLING, DISABLED', async () => {
      const { ddb } = target();
      const TableName = await createInsightsTable(ddb, 'ci');
      assert.deepEqual(await describe(target, TableName), { TableName, ContributorInsightsStatus: 'DISABLED' });
      assert.deepEqual((await ddb.send(new ListContributorInsightsCommand({ TableName }))).ContributorInsightsSummaries, []);

      const enabled = await update(target, { TableName, ContributorInsightsAction: 'ENABLE' });
      assert.equal(enabled.ContributorInsightsStatus, 'ENABLING');
      assert.equal(enabled.ContributorInsightsMode, 'ACCESSED_AND_THROTTLED_KEYS');
      assert.equal(enabled.TableName, TableName);
      const on = await describeUntil(ddb, { TableName }, 'ENABLED');
      const rules = on.ContributorInsightsRuleList ?? [];
      assert.equal(rules.length, 4);
      const stamp = /-(\d{13})$/.exec(rules[0]!)?.[1];
      assert.ok(stamp !== undefined, rules[0]);
      assert.deepEqual(
        rules,
        ['PKC', 'PKT', 'SKC', 'SKT'].map((kind) => `DynamoDBContributorInsights-${kind}-${TableName}-${stamp}`),
      );
      assert.ok(on.LastUpdateDateTime instanceof Date);
      assert.equal(on.ContributorInsightsMode, 'ACCESSED_AND_THROTTLED_KEYS');

      // ENABLE in the mode it has changes nothing.
      const again = await update(target, { TableName, ContributorInsightsAction: 'ENABLE', ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS' });
      assert.equal(again.ContributorInsightsStatus, 'ENABLED');
      assert.deepEqual((await describe(target, TableName)).LastUpdateDateTime, on.LastUpdateDateTime);

      // Narrowing to throttled keys keeps the throttled rules, with their creation time.
      const narrowed = await update(target, { TableName, ContributorInsightsAction: 'ENABLE', ContributorInsightsMode: 'THROTTLED_KEYS' });
      assert.equal(narrowed.ContributorInsightsStatus, 'ENABLING');
      assert.equal(narrowed.ContributorInsightsMode, 'THROTTLED_KEYS');
      const throttledOnly = await describeUntil(ddb, { TableName }, 'ENABLED');
      assert.deepEqual(throttledOnly.ContributorInsightsRuleList, [rules[1], rules[3]]);

      const disabled = await update(target, { TableName, ContributorInsightsAction: 'DISABLE' });
      assert.equal(disabled.ContributorInsightsStatus, 'DISABLING');
      assert.equal(disabled.ContributorInsightsMode, 'THROTTLED_KEYS');
      const off = await describeUntil(ddb, { TableName }, 'DISABLED');
      assert.equal(off.ContributorInsightsRuleList, undefined);
      assert.equal(off.ContributorInsightsMode, 'THROTTLED_KEYS');
      assert.ok(off.LastUpdateDateTime instanceof Date);
      assert.deepEqual((await ddb.send(new ListContributorInsightsCommand({ TableName }))).ContributorInsightsSummaries, []);
      assert.equal((await update(target, { TableName, ContributorInsightsAction: 'DISABLE' })).ContributorInsightsStatus, 'DISABLED');

      // Switched on again: new rules, a new creation time.
      await update(target, { TableName, ContributorInsightsAction: 'ENABLE' });
      const renewed = await describeUntil(ddb, { TableName }, 'ENABLED');
      assert.notEqual(renewed.ContributorInsightsRuleList?.[0], rules[0]);
    });

    test('a global index on its own, listed after its table, and the rules CloudWatch describes', async () => {
      const { ddb } = target();
      const TableName = await createInsightsTable(ddb, 'cigsi');
      const index = await update(target, { TableName, IndexName: 'byG', ContributorInsightsAction: 'ENABLE', ContributorInsightsMode: 'THROTTLED_KEYS' });
      assert.deepEqual(
        { ...index, $metadata: undefined },
        { $metadata: undefined, TableName, IndexName: 'byG', ContributorInsightsStatus: 'ENABLING', ContributorInsightsMode: 'THROTTLED_KEYS' },
      );
      const indexOn = await describeUntil(ddb, { TableName, IndexName: 'byG' }, 'ENABLED');
      assert.equal(indexOn.ContributorInsightsRuleList?.length, 1);
      assert.match(indexOn.ContributorInsightsRuleList![0]!, new RegExp(`^DynamoDBContributorInsights-PKT-${TableName}-byG-\\d{13}$`));
      assert.equal((await describe(target, TableName)).ContributorInsightsStatus, 'DISABLED');

      await update(target, { TableName, ContributorInsightsAction: 'ENABLE' });
      await describeUntil(ddb, { TableName }, 'ENABLED');
      const first = await ddb.send(new ListContributorInsightsCommand({ TableName, MaxResults: 1 }));
      assert.deepEqual(first.ContributorInsightsSummaries, [{ TableName, ContributorInsightsStatus: 'ENABLED', ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS' }]);
      assert.ok(first.NextToken);
      const second = await ddb.send(new ListContributorInsightsCommand({ TableName, MaxResults: 1, NextToken: first.NextToken }));
      assert.deepEqual(second.ContributorInsightsSummaries, [{ TableName, IndexName: 'byG', ContributorInsightsStatus: 'ENABLED', ContributorInsightsMode: 'THROTTLED_KEYS' }]);
      assert.equal(second.NextToken, undefined);
      const everywhere = (await ddb.send(new ListContributorInsightsCommand({}))).ContributorInsightsSummaries ?? [];
      assert.deepEqual(
        everywhere.filter((summary) => summary.TableName === TableName).map((summary) => summary.IndexName),
        [undefined, 'byG'],
      );

      const cloudWatch = cloudWatchFor(target().endpoint);
      try {
        const described = (await cloudWatch.send(new DescribeInsightRulesCommand({}))).InsightRules ?? [];
        const ours = described.filter((rule) => rule.Name?.includes(`-${TableName}-`));
        assert.deepEqual(
          ours.map((rule) => rule.Name).sort(),
          [...((await describe(target, TableName)).ContributorInsightsRuleList as string[]), ...indexOn.ContributorInsightsRuleList!].sort(),
        );
        assert.ok(ours.every((rule) => rule.State === 'ENABLED' && rule.Schema === 'CloudWatchLogRule/1'));
        const pkc = ours.find((rule) => rule.Name!.includes('-PKC-'))!;
        assert.deepEqual((JSON.parse(pkc.Definition!) as { Contribution: { Keys: string[] } }).Contribution.Keys, ['$.pk']);
        const paged = await cloudWatch.send(new DescribeInsightRulesCommand({ MaxResults: 1 }));
        assert.equal(paged.InsightRules?.length, 1);
        assert.ok(paged.NextToken);
      } finally {
        cloudWatch.destroy();
      }

      // Rules go with their table.
      await ddb.send(new DeleteTableCommand({ TableName }));
      const cloudWatchAfter = cloudWatchFor(target().endpoint);
      try {
        const left = (await cloudWatchAfter.send(new DescribeInsightRulesCommand({}))).InsightRules ?? [];
        assert.equal(left.filter((rule) => rule.Name?.includes(`-${TableName}-`)).length, 0);
      } finally {
        cloudWatchAfter.destroy();
      }
    });

    test('unknown tables and indexes, local indexes, a table still CREATING, bad input', async () => {
      const { ddb } = target();
      const missing = uniqueName('absent');
      const tableNotFound = { name: 'ResourceNotFoundException', message: `Requested resource not found: Table: ${missing} not found` };
      await assert.rejects(update(target, { TableName: missing, ContributorInsightsAction: 'ENABLE' }), tableNotFound);
      await assert.rejects(ddb.send(new DescribeContributorInsightsCommand({ TableName: missing })), tableNotFound);
      await assert.rejects(ddb.send(new ListContributorInsightsCommand({ TableName: missing })), tableNotFound);

      const TableName = await createInsightsTable(ddb, 'cilsi', {
        AttributeDefinitions: ['pk', 'sk', 'g', 'l'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        LocalSecondaryIndexes: [
          {
            IndexName: 'byL',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'l', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      });
      for (const IndexName of ['byL', 'nope']) {
        const indexNotFound = { name: 'ResourceNotFoundException', message: `Requested resource not found: Index: ${IndexName} not found for table: ${TableName}` };
        await assert.rejects(update(target, { TableName, IndexName, ContributorInsightsAction: 'ENABLE' }), indexNotFound);
        await assert.rejects(ddb.send(new DescribeContributorInsightsCommand({ TableName, IndexName })), indexNotFound);
      }

      await assert.rejects(update(target, { TableName, ContributorInsightsAction: 'START' as 'ENABLE' }), {
        name: 'ValidationException',
        message: "1 validation error detected: Value 'START' at 'contributorInsightsAction' failed to satisfy constraint: Member must satisfy enum value set: [ENABLE, DISABLE]",
      });
      await assert.rejects(update(target, { TableName, ContributorInsightsAction: 'ENABLE', ContributorInsightsMode: 'ALL' as 'THROTTLED_KEYS' }), {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value 'ALL' at 'contributorInsightsMode' failed to satisfy constraint: Member must satisfy enum value set: [ACCESSED_AND_THROTTLED_KEYS, THROTTLED_KEYS]",
      });
      await assert.rejects(ddb.send(new ListContributorInsightsCommand({ MaxResults: 101 })), {
        name: 'ValidationException',
        message: "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      });
      await assert.rejects(ddb.send(new ListContributorInsightsCommand({ NextToken: 'not a token' })), { name: 'ValidationException', message: 'Invalid NextToken' });

      const cloudWatch = cloudWatchFor(target().endpoint);
      try {
        const report = { RuleName: `DynamoDBContributorInsights-PKC-${missing}-1700000000000`, StartTime: new Date(Date.now() - 60_000), EndTime: new Date(), Period: 60 };
        await assert.rejects(cloudWatch.send(new GetInsightRuleReportCommand(report)), { name: 'ResourceNotFoundException' });
        await assert.rejects(cloudWatch.send(new GetInsightRuleReportCommand({ ...report, EndTime: report.StartTime })), { name: 'InvalidParameterValueException' });
        await assert.rejects(cloudWatch.send(new GetInsightRuleReportCommand({ ...report, MaxContributorCount: 26 })), { name: 'InvalidParameterValueException' });
        await assert.rejects(cloudWatch.send(new GetInsightRuleReportCommand({ ...report, OrderBy: 'Median' })), { name: 'InvalidParameterValueException' });
        await assert.rejects(cloudWatch.send(new GetInsightRuleReportCommand({ ...report, Metrics: ['p99'] })), { name: 'InvalidParameterValueException' });
        await assert.rejects(cloudWatch.send(new GetInsightRuleReportCommand({ ...report, Period: 0 })), {
          message: "1 validation error detected: Value '0' at 'period' failed to satisfy constraint: Member must have value greater than or equal to 1",
        });
        await assert.rejects(cloudWatch.send(new DescribeInsightRulesCommand({ MaxResults: 501 })), {
          message: "1 validation error detected: Value '501' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 500",
        });
      } finally {
        cloudWatch.destroy();
      }
    });
  },
  { config: { updateTableMs: 1000 } },
);

describeEachBackend(
  'contributor insights: a table still CREATING',
  (target: () => Target) => {
    test('is refused with DynamoDB\'s words, and described', async () => {
      const { ddb } = target();
      const TableName = await createInsightsTable(ddb, 'cicreating');
      await assert.rejects(update(target, { TableName, ContributorInsightsAction: 'ENABLE' }), {
        name: 'ValidationException',
        message: 'Table or Index is not in a valid state to update Key Access Insights: TableStatus must be ACTIVE to enable ContributorInsights.',
      });
      assert.equal((await describe(target, TableName)).ContributorInsightsStatus, 'DISABLED');
    });
  },
  { memoryOnly: true, config: { createTableMs: 60_000 } },
);

async function describe(target: () => Target, TableName: string): Promise<Record<string, unknown>> {
  const { $metadata: _, ...described } = await target().ddb.send(new DescribeContributorInsightsCommand({ TableName }));
  return described;
}
