/**
 * Global tables (version 2019.11.21) with replicas in other regions of the
 * same server, on every backend: UpdateTable ReplicaUpdates adds a replica
 * of a populated table, which is filled while writes go on in both regions
 * and converges to the same items and index entries; conflicting writes to
 * one item end alike everywhere (last writer wins); a third region joins
 * and converges; each replica's stream shows the writes replicated into it;
 * DynamoDB's refusals; a removed replica's table goes and replication to it
 * stops; an item expired by Time to Live goes everywhere; ReplicationLatency and
 * PendingReplicationCount show in CloudWatch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../helpers/cloudwatch.js';
import { RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { autoScalingClient, provisionedTable } from '../helpers/autoscaling.js';
import { rawRequest } from '../helpers/raw.js';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf, putMany, waitFor } from '../helpers/tables.js';
import { converged, INDEXED, replicaActive } from '../helpers/replicas.js';

describeEachBackend('global tables on one server', (target) => {
  test('a replica of a populated table fills while both regions write, and every region converges', async () => {
    const east = target().ddb;
    const west = target().client({ region: 'us-west-2' });
    const TableName = await createTable(east, 'global', INDEXED);
    await putMany(east, TableName, 300, (i) => ({ pk: { S: `k${i}` }, g: { S: `g${i % 3}` }, n: { N: String(i) } }));

    const { TableDescription } = await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    assert.deepEqual(TableDescription!.Replicas, [{ RegionName: 'us-west-2', ReplicaStatus: 'CREATING', ReplicaStatusPercentProgress: '0' }]);
    assert.equal(TableDescription!.GlobalTableVersion, '2019.11.21');
    assert.equal(TableDescription!.StreamSpecification?.StreamViewType, 'NEW_AND_OLD_IMAGES', 'adding a replica turns on the stream');

    // Writes in the source while the copy runs.
    for (let i = 0; i < 50; i++) await east.send(new UpdateItemCommand({ TableName, Key: { pk: { S: `k${i}` } }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': { N: '1000' } } }));
    await east.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'k299' } } }));
    await replicaActive(east, TableName, 'us-west-2');
    const { Table } = await west.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table!.TableStatus, 'ACTIVE');
    assert.deepEqual(Table!.Replicas, [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }]);
    assert.equal(Table!.GlobalSecondaryIndexes?.[0]?.IndexName, 'byG');

    // Both regions write, to different items and to the same ones.
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => west.send(new PutItemCommand({ TableName, Item: { pk: { S: `w${i}` }, g: { S: 'g1' }, n: { N: String(i) } } }))),
      ...Array.from({ length: 40 }, (_, i) => east.send(new PutItemCommand({ TableName, Item: { pk: { S: `e${i}` }, g: { S: 'g2' }, n: { N: String(i) } } }))),
      west.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'k7' } } })),
    ]);
    const scanned = (await converged([east, west], TableName, ['g0', 'g1', 'g2'])).items;
    assert.equal(scanned.length, 300 - 2 + 80, 'the copied items, both regions\' new ones, less the two deleted');
    assert.ok(scanned.includes(JSON.stringify({ g: { S: 'g0' }, n: { N: '1003' }, pk: { S: 'k3' } })), 'a change made during the copy reached the replica');
    west.destroy();
  });

  test('conflicting writes to one item end alike in every region (last writer wins)', async () => {
    const east = target().ddb;
    const west = target().client({ region: 'us-west-2' });
    const TableName = await createTable(east, 'conflict', INDEXED);
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    await replicaActive(east, TableName, 'us-west-2');
    for (let round = 0; round < 20; round++) {
      await Promise.all([
        east.send(new PutItemCommand({ TableName, Item: { pk: { S: `c${round % 4}` }, g: { S: 'g0' }, by: { S: 'east' }, round: { N: String(round) } } })),
        west.send(new PutItemCommand({ TableName, Item: { pk: { S: `c${round % 4}` }, g: { S: 'g0' }, by: { S: 'west' }, round: { N: String(round) } } })),
        round % 5 === 4 ? west.send(new DeleteItemCommand({ TableName, Key: { pk: { S: `c${(round + 1) % 4}` } } })) : Promise.resolve(),
      ]);
    }
    const { items } = await converged([east, west], TableName, ['g0']);
    assert.ok(items.length > 1);

    const cloudWatch = cloudWatchClient(target().endpoint);
    const statistic = (MetricName: string) =>
      cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/DynamoDB',
          MetricName,
          Dimensions: [{ Name: 'TableName', Value: TableName }, { Name: 'ReceivingRegion', Value: 'us-west-2' }],
          StartTime: new Date(Date.now() - 600_000),
          EndTime: new Date(Date.now() + 60_000),
          Period: 3600,
          Statistics: ['SampleCount', 'Maximum'],
        }),
      );
    const latency = await waitFor('ReplicationLatency', () => statistic('ReplicationLatency'), (answer) => (answer.Datapoints?.[0]?.SampleCount ?? 0) >= 20);
    assert.equal(latency.Datapoints![0]!.Unit, 'Milliseconds');
    assert.ok(latency.Datapoints![0]!.Maximum! >= 0);
    const pending = await statistic('PendingReplicationCount');
    assert.ok((pending.Datapoints?.[0]?.SampleCount ?? 0) > 0);
    cloudWatch.destroy();
    west.destroy();
  });

  test('a third region joins and converges; each replica\'s stream shows the writes replicated into it', async () => {
    const east = target().ddb;
    const west = target().client({ region: 'us-west-2' });
    const europe = target().client({ region: 'eu-west-1' });
    const TableName = await createTable(east, 'three', INDEXED);
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    await replicaActive(east, TableName, 'us-west-2');
    await west.send(new PutItemCommand({ TableName, Item: { pk: { S: 'from-west' }, g: { S: 'g0' } } }));
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }));
    await replicaActive(east, TableName, 'eu-west-1');
    await replicaActive(west, TableName, 'eu-west-1');
    await europe.send(new PutItemCommand({ TableName, Item: { pk: { S: 'from-europe' }, g: { S: 'g0' } } }));
    await west.send(new PutItemCommand({ TableName, Item: { pk: { S: 'from-west-2' }, g: { S: 'g0' } } }));
    const { items, entries } = await converged([east, west, europe], TableName, ['g0']);
    assert.equal([...items, ...entries].filter((item) => item.includes('from-')).length, 6, 'three items, in the table and in the index');

    const { Table } = await europe.send(new DescribeTableCommand({ TableName }));
    assert.deepEqual(Table!.Replicas!.map((r) => r.RegionName).sort(), ['us-east-1', 'us-west-2']);
    const streams = new DynamoDBStreamsClient({ endpoint: target().endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: StreamDescription!.Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
    const keys = Records!.map((record) => record.dynamodb?.Keys?.pk?.S);
    assert.ok(keys.includes('from-west') && keys.includes('from-west-2') && keys.includes('from-europe'), `the stream holds copied, replicated and local writes: ${keys.join()}`);
    streams.destroy();
    west.destroy();
    europe.destroy();
  });

  test('an item expired by Time to Live goes from every region, as the service\'s delete in the replica\'s stream', async () => {
    const east = target().ddb;
    const west = target().client({ region: 'us-west-2' });
    const TableName = await createTable(east, 'expiring', INDEXED);
    await east.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    await replicaActive(east, TableName, 'us-west-2');
    // Time to Live is every replica's, and one process sweeps both regions here: either sweep or the replicated
    // delete may take the replica's item. global-tables-peers-settings.test.ts has a replica that does not sweep.
    const expired = String(Math.floor(Date.now() / 1000) - 60);
    await east.send(new PutItemCommand({ TableName, Item: { pk: { S: 'old' }, g: { S: 'g0' }, exp: { N: expired } } }));
    await waitFor('the expired item to go from the source', () => east.send(new GetItemCommand({ TableName, Key: { pk: { S: 'old' } } })), (answer) => answer.Item === undefined);
    await waitFor('the expired item to go from the replica', () => west.send(new GetItemCommand({ TableName, Key: { pk: { S: 'old' } } })), (answer) => answer.Item === undefined);

    const { Table } = await west.send(new DescribeTableCommand({ TableName }));
    const streams = new DynamoDBStreamsClient({ endpoint: target().endpoint, region: 'us-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: StreamDescription!.Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
    const removal = Records!.find((record) => record.eventName === 'REMOVE');
    assert.equal(removal?.dynamodb?.Keys?.pk?.S, 'old');
    assert.deepEqual(removal?.userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' }, 'the replicated delete is shown as Time to Live\'s');
    streams.destroy();
    west.destroy();
  });

  test('refusals, and a removed replica\'s table goes', async () => {
    const east = target().ddb;
    const west = target().client({ region: 'us-west-2' });
    const TableName = await createTable(east, 'removed', INDEXED);
    const local = await errorOf(() => east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-east-1' } }] })));
    assert.deepEqual([local.name, local.message], ['ValidationException', 'Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.']);
    await createTable(west, 'unused', INDEXED);
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    await replicaActive(east, TableName, 'us-west-2');
    const again = await errorOf(() => east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] })));
    assert.equal(again.name, 'ValidationException');
    const disable = await errorOf(() => east.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } })));
    assert.deepEqual([disable.name, disable.message], ['ValidationException', 'One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica.']);

    // A provisioned table needs write auto scaling to take a replica.
    const provisioned = await provisionedTable(east, 'provisioned', 5, 5);
    const unscaled = await errorOf(() => east.send(new UpdateTableCommand({ TableName: provisioned, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })));
    assert.deepEqual([unscaled.name, unscaled.message], ['ValidationException', 'Table write capacity should either be Pay-Per-Request or AutoScaled.']);
    const scaling = autoScalingClient(target().endpoint);
    await scaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'dynamodb', ResourceId: `table/${provisioned}`, ScalableDimension: 'dynamodb:table:WriteCapacityUnits', MinCapacity: 5, MaxCapacity: 50 }));
    await east.send(new UpdateTableCommand({ TableName: provisioned, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1', ProvisionedThroughputOverride: { ReadCapacityUnits: 7 } } }] }));
    await replicaActive(east, provisioned, 'eu-west-1');
    scaling.destroy();
    // A replica's own read capacity and table class, on its table and in the source's entry for it.
    const europe = target().client({ region: 'eu-west-1' });
    assert.equal((await europe.send(new DescribeTableCommand({ TableName: provisioned }))).Table!.ProvisionedThroughput!.ReadCapacityUnits, 7);
    await east.send(new UpdateTableCommand({ TableName: provisioned, ReplicaUpdates: [{ Update: { RegionName: 'eu-west-1', TableClassOverride: 'STANDARD_INFREQUENT_ACCESS' } }] }));
    const { Table: source } = await east.send(new DescribeTableCommand({ TableName: provisioned }));
    assert.deepEqual(source!.Replicas, [
      { RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE', ProvisionedThroughputOverride: { ReadCapacityUnits: 7 }, ReplicaTableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' } },
    ]);
    assert.equal((await europe.send(new DescribeTableCommand({ TableName: provisioned }))).Table!.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    const unknownIndex = await errorOf(() => east.send(new UpdateTableCommand({ TableName: provisioned, ReplicaUpdates: [{ Update: { RegionName: 'eu-west-1', GlobalSecondaryIndexes: [{ IndexName: 'nope', ProvisionedThroughputOverride: { ReadCapacityUnits: 3 } }] } }] })));
    assert.equal(unknownIndex.name, 'ValidationException');
    europe.destroy();

    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Delete: { RegionName: 'us-west-2' } }] }));
    const { Table } = await east.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table!.Replicas, undefined);
    assert.equal(Table!.GlobalTableVersion, undefined);
    await waitFor('the replica table to go', () => errorOf(() => west.send(new DescribeTableCommand({ TableName }))), (error) => error.name === 'ResourceNotFoundException');
    await east.send(new PutItemCommand({ TableName, Item: { pk: { S: 'after' }, g: { S: 'g0' } } }));
    const { Items } = await east.send(new ScanCommand({ TableName }));
    assert.equal(Items!.length, 1, 'the table goes on alone');

    // A replica deleted in its own region leaves the group; the other replica goes on, replicating to no one.
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    await replicaActive(east, TableName, 'us-west-2');
    await west.send(new DeleteTableCommand({ TableName }));
    const { Table: alone } = await east.send(new DescribeTableCommand({ TableName }));
    assert.equal(alone!.Replicas, undefined);
    await east.send(new PutItemCommand({ TableName, Item: { pk: { S: 'alone' }, g: { S: 'g0' } } }));
    assert.equal((await east.send(new ScanCommand({ TableName }))).Items!.length, 2);
    west.destroy();
  });

  test('malformed calls of the replication API between servers are refused as invalid', async () => {
    const call = (operation: string, body: object) => rawRequest(target().endpoint, { target: `DynalithReplication_20261208.${operation}`, body: JSON.stringify(body) });
    const cases: [string, object][] = [
      ['CreateReplicaTable', { TableName: 't', SourceRegion: 'us-west-2', Definition: 'not json' }],
      ['CreateReplicaTable', { TableName: 't', SourceRegion: 'us-west-2', Definition: '{"TableName":"t"}' }],
      ['JoinReplica', { TableName: 't', Replica: '[]', From: 'us-west-2' }],
      ['UpdateReplicaSettings', { TableName: 't', Replica: '{"RegionName":7}' }],
      ['SyncTableSettings', { TableName: 't', Change: '{"createIndexes":"x"}' }],
      ['ApplyReplicatedChanges', { TableName: 't', SourceRegion: 'us-west-2', Changes: [{ Key: { pk: { S: 'a' } } }] }],
      ['ApplyReplicatedChanges', { TableName: 't', SourceRegion: 'us-west-2', Changes: 'x' }],
    ];
    for (const [operation, body] of cases) {
      const answer = await call(operation, body);
      assert.equal(answer.status, 400, `${operation} ${JSON.stringify(body)}: ${answer.body.toString()}`);
      assert.match(String(answer.json().__type), /ValidationException|SerializationException/);
    }
  });
});
