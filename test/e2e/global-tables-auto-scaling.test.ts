/**
 * DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling on a
 * version 2019.11.21 global table with replicas in regions of the same
 * server, on every backend: the settings are Application Auto Scaling's
 * targets and policies in each replica's region, set by either API and seen
 * by the other; a capacity is brought within new bounds; disabling
 * deregisters; DynamoDB's refusals in its recorded words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeTableCommand,
  DescribeTableReplicaAutoScalingCommand,
  UpdateTableCommand,
  UpdateTableReplicaAutoScalingCommand,
  type AutoScalingSettingsUpdate,
  type DynamoDBClient,
  type UpdateTableReplicaAutoScalingCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand, type ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf, waitFor } from '../helpers/tables.js';
import { INDEXED } from '../helpers/replicas.js';
import { autoScalingClient } from '../helpers/autoscaling.js';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const UNSET = { AutoScalingDisabled: true, ScalingPolicies: [] };

function tracking(MinimumUnits: number, MaximumUnits: number, TargetValue: number): AutoScalingSettingsUpdate {
  return { MinimumUnits, MaximumUnits, ScalingPolicyUpdate: { TargetTrackingScalingPolicyConfiguration: { TargetValue } } };
}

async function targetsOf(aas: ApplicationAutoScalingClient, TableName: string): Promise<(string | number | undefined)[][]> {
  const { ScalableTargets } = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: [`table/${TableName}`, `table/${TableName}/index/byG`] }));
  return ScalableTargets!.map((found) => [found.ResourceId, found.ScalableDimension, found.MinCapacity, found.MaxCapacity]).sort();
}

/** Makes the replica in the client's region PROVISIONED, 1 unit of each. */
async function provision(ddb: DynamoDBClient, TableName: string): Promise<void> {
  const units = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };
  await ddb.send(
    new UpdateTableCommand({ TableName, BillingMode: 'PROVISIONED', ProvisionedThroughput: units, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: units } }] }),
  );
}

describeEachBackend('replica auto scaling of global tables on one server', (target) => {
  test('the settings are every replica\'s targets and policies in Application Auto Scaling; DynamoDB\'s refusals', async () => {
    const east = target().ddb;
    const west = target().client({ region: WEST });
    const aasEast = autoScalingClient(target().endpoint, EAST);
    const aasWest = autoScalingClient(target().endpoint, WEST);
    const TableName = await createTable(east, 'autoscaled', INDEXED);
    const update = (input: Omit<UpdateTableReplicaAutoScalingCommandInput, 'TableName'>, name = TableName) =>
      east.send(new UpdateTableReplicaAutoScalingCommand({ TableName: name, ...input }));

    const regional = await errorOf(() => east.send(new DescribeTableReplicaAutoScalingCommand({ TableName })));
    assert.deepEqual([regional.name, regional.message], ['ResourceNotFoundException', `Global table with name: '${TableName}' does not exist.`]);
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
    await waitFor('the replica', () => east.send(new DescribeTableCommand({ TableName })), ({ Table }) => Table?.Replicas?.[0]?.ReplicaStatus === 'ACTIVE');

    const replica = (RegionName: string) => ({
      RegionName,
      GlobalSecondaryIndexes: [{ IndexName: 'byG', IndexStatus: 'ACTIVE', ProvisionedReadCapacityAutoScalingSettings: UNSET, ProvisionedWriteCapacityAutoScalingSettings: UNSET }],
      ReplicaProvisionedReadCapacityAutoScalingSettings: UNSET,
      ReplicaProvisionedWriteCapacityAutoScalingSettings: UNSET,
      ReplicaStatus: 'ACTIVE',
    });
    const { TableAutoScalingDescription } = await west.send(new DescribeTableReplicaAutoScalingCommand({ TableName }));
    assert.deepEqual(TableAutoScalingDescription, { TableName, TableStatus: 'ACTIVE', Replicas: [replica(EAST), replica(WEST)] }, 'every replica, by region');

    const onDemand = await errorOf(() => update({ ProvisionedWriteCapacityAutoScalingUpdate: tracking(1, 10, 70) }));
    assert.deepEqual(
      [onDemand.name, onDemand.message],
      [
        'ValidationException',
        `Failed to update global table with name ‘${TableName}‘. Replicas 'US-EAST-1', 'US-WEST-2' BillingMode is PayPerRequest. ` +
          "You must convert table's BillingMode to PROVISIONED to set parameters: 'GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate'.",
      ],
    );
    await update({ ProvisionedWriteCapacityAutoScalingUpdate: { AutoScalingDisabled: true } });

    // The capacity mode is every replica's: switched in one region, it is switched in all.
    await provision(east, TableName);
    const { TableAutoScalingDescription: set } = await update({
      ProvisionedWriteCapacityAutoScalingUpdate: { ...tracking(2, 20, 60), AutoScalingRoleArn: 'arn:aws:iam::123456789012:role/ignored' },
      GlobalSecondaryIndexUpdates: [{ IndexName: 'byG', ProvisionedWriteCapacityAutoScalingUpdate: tracking(3, 30, 50) }],
      ReplicaUpdates: [{ RegionName: WEST, ReplicaProvisionedReadCapacityAutoScalingUpdate: { ...tracking(4, 40, 40), ScalingPolicyUpdate: { PolicyName: 'reads', TargetTrackingScalingPolicyConfiguration: { TargetValue: 40, ScaleInCooldown: 120, DisableScaleIn: true } } } }],
    });
    const [eastSettings, westSettings] = set!.Replicas!;
    const role = eastSettings!.ReplicaProvisionedWriteCapacityAutoScalingSettings!.AutoScalingRoleArn!;
    assert.match(role, /:role\/aws-service-role\/dynamodb\.application-autoscaling\.amazonaws\.com\/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable$/, 'the service-linked role, whatever is asked');
    for (const settings of [eastSettings!, westSettings!]) {
      assert.deepEqual(settings.ReplicaProvisionedWriteCapacityAutoScalingSettings, {
        MinimumUnits: 2,
        MaximumUnits: 20,
        AutoScalingRoleArn: role,
        ScalingPolicies: [{ PolicyName: `DynamoDBWriteCapacityUtilization:table/${TableName}`, TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } }],
      });
      assert.equal(settings.GlobalSecondaryIndexes![0]!.ProvisionedWriteCapacityAutoScalingSettings!.MinimumUnits, 3);
    }
    assert.deepEqual(eastSettings!.ReplicaProvisionedReadCapacityAutoScalingSettings, UNSET, 'reads only of the replica named');
    assert.deepEqual(westSettings!.ReplicaProvisionedReadCapacityAutoScalingSettings!.ScalingPolicies, [
      { PolicyName: 'reads', TargetTrackingScalingPolicyConfiguration: { DisableScaleIn: true, ScaleInCooldown: 120, TargetValue: 40 } },
    ]);
    assert.deepEqual(await targetsOf(aasWest, TableName), [
      [`table/${TableName}`, 'dynamodb:table:ReadCapacityUnits', 4, 40],
      [`table/${TableName}`, 'dynamodb:table:WriteCapacityUnits', 2, 20],
      [`table/${TableName}/index/byG`, 'dynamodb:index:WriteCapacityUnits', 3, 30],
    ]);
    const { Table } = await west.send(new DescribeTableCommand({ TableName }));
    assert.deepEqual([Table!.ProvisionedThroughput!.ReadCapacityUnits, Table!.ProvisionedThroughput!.WriteCapacityUnits], [4, 2], 'the capacity brought within the bounds');

    // A target registered through Application Auto Scaling shows here; without a policy it reads as disabled.
    await aasEast.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'dynamodb', ResourceId: `table/${TableName}`, ScalableDimension: 'dynamodb:table:ReadCapacityUnits', MinCapacity: 1, MaxCapacity: 5 }));
    const { TableAutoScalingDescription: seen } = await east.send(new DescribeTableReplicaAutoScalingCommand({ TableName }));
    assert.deepEqual(seen!.Replicas![0]!.ReplicaProvisionedReadCapacityAutoScalingSettings, { MinimumUnits: 1, MaximumUnits: 5, AutoScalingDisabled: true, AutoScalingRoleArn: role, ScalingPolicies: [] });

    await update({ ProvisionedWriteCapacityAutoScalingUpdate: { AutoScalingDisabled: true } });
    assert.deepEqual(
      (await targetsOf(aasEast, TableName)).map(([, dimension]) => dimension),
      ['dynamodb:table:ReadCapacityUnits', 'dynamodb:index:WriteCapacityUnits'],
      'disabling deregisters the writes\' target in every region',
    );
    assert.deepEqual((await targetsOf(aasWest, TableName)).map(([, dimension]) => dimension), ['dynamodb:table:ReadCapacityUnits', 'dynamodb:index:WriteCapacityUnits']);

    const refusal = async (input: Omit<UpdateTableReplicaAutoScalingCommandInput, 'TableName'>, name?: string) => {
      const error = await errorOf(() => update(input, name));
      return [error.name, error.message];
    };
    const named = `Failed to update settings for global table with name: ‘${TableName}’`;
    assert.deepEqual(await refusal({ ProvisionedWriteCapacityAutoScalingUpdate: { MinimumUnits: 1, MaximumUnits: 5 } }), [
      'ValidationException',
      `${named}: Parameters 'ScalingPolicyUpdate' are required unless auto scaling is being disabled.`,
    ]);
    assert.deepEqual(await refusal({ ProvisionedWriteCapacityAutoScalingUpdate: { AutoScalingDisabled: true, MinimumUnits: 1, MaximumUnits: 5 } }), [
      'ValidationException',
      `Failed to update settings for global table with name ‘${TableName}’: Parameters 'MaximumUnits', 'MinimumUnits' must be left blank when disabling auto scaling.`,
    ]);
    assert.deepEqual(await refusal({ ReplicaUpdates: [{ RegionName: 'eu-west-1', ReplicaProvisionedReadCapacityAutoScalingUpdate: tracking(1, 5, 50) }] }), [
      'ResourceNotFoundException',
      `${named} because a replica does not exist in regions: ‘[eu-west-1]’.`,
    ]);
    assert.deepEqual(await refusal({ ReplicaUpdates: [{ RegionName: WEST }] }), ['ValidationException', `${named} because at least one update parameter must be specified for region: ‘${WEST}’.`]);
    assert.deepEqual(await refusal({ GlobalSecondaryIndexUpdates: [{ IndexName: 'nope', ProvisionedWriteCapacityAutoScalingUpdate: tracking(1, 5, 50) }] }), [
      'ResourceNotFoundException',
      `${named} because the global secondary indexes with names: ‘[nope]’ do not exist.`,
    ]);
    const [name, high] = await refusal({ ProvisionedWriteCapacityAutoScalingUpdate: tracking(1, 5, 95) });
    assert.equal(name, 'ValidationException');
    assert.match(high!, /^For predefined metric type DynamoDBWriteCapacityUtilization, target value must be between '10\.0' and '90\.0', but was '95\.0'\. \(Service: AWSApplicationAutoScaling;/);
    const [, bounds] = await refusal({ ProvisionedWriteCapacityAutoScalingUpdate: tracking(9, 5, 50) });
    assert.match(bounds!, /^Maximum capacity cannot be less than minimum capacity \(Service: AWSApplicationAutoScaling;/);
    assert.deepEqual((await targetsOf(aasWest, TableName)).length, 2, 'a refused request sets nothing');
    aasEast.destroy();
    aasWest.destroy();
    west.destroy();
  });
});
