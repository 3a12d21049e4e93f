/**
 * The auto scaler end to end: a table under load above its target-tracking
 * policy's utilisation gets more capacity (DescribeTable shows it,
 * DescribeScalingActivities shows the activity), and once the load stops it
 * goes back to its minimum after the low samples. The scaling period is
 * 250 ms here (AWS: one minute), so the 15 low samples take seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeScalingActivitiesCommand, PutScalingPolicyCommand, RegisterScalableTargetCommand, type ScalingActivity } from '@aws-sdk/client-application-auto-scaling';
import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, type Target } from '../helpers/harness.js';
import { autoScalingClient, describeTable, eventually, provisionedTable, trackCapacity } from '../helpers/autoscaling.js';

/** Runs `request` over and over, a few at a time, until `stop` resolves. */
async function loadUntil(stop: Promise<unknown>, request: (i: number) => Promise<unknown>): Promise<void> {
  let done = false;
  void stop.finally(() => (done = true));
  let i = 0;
  const worker = async () => {
    while (!done) await request(i++);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function activities(target: Target, ResourceId: string): Promise<ScalingActivity[]> {
  const aas = autoScalingClient(target.endpoint);
  try {
    return (await aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'dynamodb', ResourceId }))).ScalingActivities ?? [];
  } finally {
    aas.destroy();
  }
}

/** The activity that set the capacity named in its description to `units`. */
function settingTo(list: readonly ScalingActivity[], name: string, units: number): ScalingActivity | undefined {
  return list.find((activity) => activity.Description === `Setting ${name} to ${units}.`);
}

describeEachBackend(
  'auto scaling',
  (target: () => Target) => {
    test('writes above the target raise the write capacity; once they stop it falls back to the minimum', async () => {
      const { ddb, endpoint } = target();
      const aas = autoScalingClient(endpoint);
      try {
        const TableName = await provisionedTable(ddb, 'scaled', 1, 1);
        await trackCapacity(aas, TableName, 'Write', 1, 40, 50);
        const raised = eventually(async () => {
          const units = (await describeTable(ddb, TableName)).ProvisionedThroughput!.WriteCapacityUnits!;
          return units > 1 ? units : undefined;
        }, 'the write capacity to rise');
        await loadUntil(raised, (i) => ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i % 50}` } } })));
        const units = await raised;
        assert.ok(units <= 40, `capacity ${units} stays within the maximum`);
        const out = settingTo(await activities(target(), `table/${TableName}`), 'write capacity units', units);
        assert.ok(out !== undefined, 'a scaling activity recorded the rise');
        assert.equal(out.StatusCode, 'Successful');
        assert.equal(out.ScalableDimension, 'dynamodb:table:WriteCapacityUnits');
        assert.equal(out.StatusMessage, `Successfully set write capacity units to ${units}. Change successfully fulfilled by dynamodb.`);
        assert.match(out.Cause!, new RegExp(`^monitor alarm TargetTracking-table/${TableName}-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy write-tracking$`));
        const table = await describeTable(ddb, TableName);
        assert.ok(table.ProvisionedThroughput!.LastIncreaseDateTime !== undefined, 'the increase is dated as UpdateTable dates it');

        // No load now: the samples fall below the low threshold until the scaler scales in.
        await eventually(async () => ((await describeTable(ddb, TableName)).ProvisionedThroughput!.WriteCapacityUnits === 1 ? true : undefined), 'the write capacity to fall back');
        const lowered = await describeTable(ddb, TableName);
        assert.equal(lowered.ProvisionedThroughput!.NumberOfDecreasesToday, 1);
        const back = settingTo(await activities(target(), `table/${TableName}`), 'write capacity units', 1);
        assert.equal(back?.StatusCode, 'Successful');
        assert.match(back.Cause!, /-AlarmLow-[0-9a-f-]{36} in state ALARM triggered policy write-tracking$/);
        // The read capacity has no target: it never moved.
        assert.equal(lowered.ProvisionedThroughput!.ReadCapacityUnits, 1);
      } finally {
        aas.destroy();
      }
    });

    test('reads of a global index raise the index read capacity', async () => {
      const { ddb, endpoint } = target();
      const aas = autoScalingClient(endpoint);
      try {
        const TableName = await provisionedTable(ddb, 'scaledindex', 1, 1, true);
        await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, g: { S: 'x' } } }));
        const ids = { ServiceNamespace: 'dynamodb' as const, ResourceId: `table/${TableName}/index/byG`, ScalableDimension: 'dynamodb:index:ReadCapacityUnits' as const };
        await aas.send(new RegisterScalableTargetCommand({ ...ids, MinCapacity: 1, MaxCapacity: 20 }));
        await aas.send(
          new PutScalingPolicyCommand({
            ...ids,
            PolicyName: 'index-reads',
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' } },
          }),
        );
        const indexUnits = async () => (await describeTable(ddb, TableName)).GlobalSecondaryIndexes![0]!.ProvisionedThroughput!.ReadCapacityUnits!;
        const raised = eventually(async () => ((await indexUnits()) > 1 ? true : undefined), 'the index read capacity to rise');
        await loadUntil(raised, () => query(ddb, TableName));
        await raised;
        const table = await describeTable(ddb, TableName);
        // Only the index's capacity is the target's.
        assert.equal(table.ProvisionedThroughput!.ReadCapacityUnits, 1);
        assert.ok(settingTo(await activities(target(), ids.ResourceId), 'read capacity units', await indexUnits()) !== undefined);
      } finally {
        aas.destroy();
      }
    });
  },
  { config: { scalingPeriodMs: 250, metricsFlushMs: 100, capacity: 'report' } },
);

function query(ddb: DynamoDBClient, TableName: string): Promise<unknown> {
  return ddb.send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } }));
}
