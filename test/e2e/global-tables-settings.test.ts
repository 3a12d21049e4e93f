/**
 * The settings a global table's (version 2019.11.21) replicas share, with
 * replicas in regions of one server, on every backend: a global index
 * created through UpdateTable on one replica is created on every replica and
 * filled there from the replica's own items, and deleted on another it goes
 * from all; Time to Live and the capacity mode switched on one replica are
 * switched on all, a replica's own reads kept until reads are changed, while
 * deletion protection stays each replica's own; a
 * provisioned global table takes a new index only while its indexes' writes
 * are auto scaled, and the new index's writes get scaled in every region.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeTableReplicaAutoScalingCommand,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { RegisterScalableTargetCommand, type ScalableDimension } from '@aws-sdk/client-application-auto-scaling';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';
import { INDEXED, replicaActive } from '../helpers/replicas.js';
import { autoScalingClient, describeTable, provisionedTable } from '../helpers/autoscaling.js';
import { indexMadeAndDroppedEverywhere, putItemsWithH } from '../helpers/shared-settings.js';

const WEST = 'us-west-2';

async function ttlOf(ddb: DynamoDBClient, TableName: string): Promise<string | undefined> {
  const { TimeToLiveDescription } = await ddb.send(new DescribeTimeToLiveCommand({ TableName }));
  return TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' ? TimeToLiveDescription.AttributeName : undefined;
}

describeEachBackend('settings shared by global tables\' replicas on one server', (target) => {
  /** A table of INDEXED with `items` items, replicated to WEST; its name. */
  async function globalTable(east: DynamoDBClient, items: number): Promise<string> {
    const TableName = await createTable(east, 'shared', INDEXED);
    await putItemsWithH(east, TableName, items);
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
    await replicaActive(east, TableName, WEST);
    return TableName;
  }

  test('a global index created on one replica is built on every replica from its own items; deleted on another, it goes from all', async () => {
    const east = target().ddb;
    const west = target().client({ region: WEST });
    const TableName = await globalTable(east, 60);
    await indexMadeAndDroppedEverywhere([east, west], east, west, TableName, 60);
    west.destroy();
  });

  test('Time to Live and the capacity mode switched on one replica are switched on every replica; deletion protection is each one\'s own', async () => {
    const east = target().ddb;
    const west = target().client({ region: WEST });
    const TableName = await globalTable(east, 0);
    await west.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    assert.equal(await ttlOf(east, TableName), 'exp');
    const twice = await errorOf(() => east.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } })));
    assert.deepEqual([twice.name, twice.message], ['ValidationException', 'TimeToLive is already enabled']);
    await east.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } }));
    assert.equal(await ttlOf(west, TableName), undefined);

    await east.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: true }));
    assert.equal((await describeTable(west, TableName)).DeletionProtectionEnabled, false, 'never synchronized');

    const units = { ReadCapacityUnits: 3, WriteCapacityUnits: 4 };
    await west.send(new UpdateTableCommand({ TableName, BillingMode: 'PROVISIONED', ProvisionedThroughput: units, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: units } }] }));
    const provisioned = await describeTable(east, TableName);
    assert.deepEqual(
      [provisioned.BillingModeSummary?.BillingMode, provisioned.ProvisionedThroughput?.ReadCapacityUnits, provisioned.ProvisionedThroughput?.WriteCapacityUnits],
      ['PROVISIONED', 3, 4],
    );
    assert.equal(provisioned.GlobalSecondaryIndexes![0]!.ProvisionedThroughput?.WriteCapacityUnits, 4);
    assert.equal(provisioned.DeletionProtectionEnabled, true, 'kept');
    // The replica's own reads stay while only writes change; a change of reads replaces them, override and all.
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Update: { RegionName: WEST, ProvisionedThroughputOverride: { ReadCapacityUnits: 2 } } }] }));
    const capacity = async (ddb: DynamoDBClient) => {
      const { ProvisionedThroughput, Replicas } = await describeTable(ddb, TableName);
      return [ProvisionedThroughput?.ReadCapacityUnits, ProvisionedThroughput?.WriteCapacityUnits, Replicas?.[0]?.ProvisionedThroughputOverride?.ReadCapacityUnits];
    };
    await east.send(new UpdateTableCommand({ TableName, ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 6 } }));
    assert.deepEqual([await capacity(east), await capacity(west)], [[3, 6, 2], [2, 6, undefined]]);
    await east.send(new UpdateTableCommand({ TableName, ProvisionedThroughput: { ReadCapacityUnits: 8, WriteCapacityUnits: 6 } }));
    assert.deepEqual([await capacity(east), await capacity(west)], [[8, 6, undefined], [8, 6, undefined]]);
    await east.send(new UpdateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST' }));
    assert.equal((await describeTable(west, TableName)).BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    await east.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false }));
    west.destroy();
  });

  test('a provisioned global table takes a new index only while its indexes\' writes are auto scaled, and scales the new one\'s in every region', async () => {
    const east = target().ddb;
    const west = target().client({ region: WEST });
    const TableName = await provisionedTable(east, 'scaled', 5, 5, true);
    const scaling = autoScalingClient(target().endpoint);
    const scaleWrites = (ResourceId: string, ScalableDimension: ScalableDimension) =>
      scaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'dynamodb', ResourceId, ScalableDimension, MinCapacity: 1, MaxCapacity: 10 }));
    await scaleWrites(`table/${TableName}`, 'dynamodb:table:WriteCapacityUnits');
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
    await replicaActive(east, TableName, WEST);
    const create = () =>
      east.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } } }],
        }),
      );
    const unscaled = await errorOf(create);
    assert.deepEqual([unscaled.name, unscaled.message], ['ValidationException', 'GSI write capacity should either be Pay-Per-Request or AutoScaled.']);
    await scaleWrites(`table/${TableName}/index/byG`, 'dynamodb:index:WriteCapacityUnits');
    await create();
    const { TableAutoScalingDescription } = await west.send(new DescribeTableReplicaAutoScalingCommand({ TableName }));
    assert.deepEqual(TableAutoScalingDescription!.Replicas!.map((replica) => replica.RegionName), ['us-east-1', WEST]);
    for (const replica of TableAutoScalingDescription!.Replicas!) {
      const writes = replica.GlobalSecondaryIndexes?.find((found) => found.IndexName === 'byH')?.ProvisionedWriteCapacityAutoScalingSettings;
      assert.deepEqual([writes?.MinimumUnits, writes?.MaximumUnits], [1, 10], replica.RegionName);
      assert.deepEqual(writes?.ScalingPolicies, [{ PolicyName: `DynamoDBWriteCapacityUtilization:table/${TableName}/index/byH`, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } }]);
    }
    const replicaIndex = (await describeTable(west, TableName)).GlobalSecondaryIndexes!.find((index) => index.IndexName === 'byH');
    assert.deepEqual([replicaIndex?.ProvisionedThroughput?.ReadCapacityUnits, replicaIndex?.ProvisionedThroughput?.WriteCapacityUnits], [2, 2]);
    scaling.destroy();
    west.destroy();
  });
});
