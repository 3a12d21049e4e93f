/**
 * Global tables of version 2017.11.29 (legacy) with replicas in regions of
 * the same server, on every backend: CreateGlobalTable links empty tables
 * made before, and writes in either region reach the other; Describe and
 * ListGlobalTables answer; UpdateGlobalTable adds an empty region and
 * removes one, which keeps its table and is sent nothing more; the global
 * table goes with its last replica; the settings operations change every
 * replica's capacity and auto scaling; DynamoDB's refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGlobalTableCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeGlobalTableCommand,
  DescribeGlobalTableSettingsCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListGlobalTablesCommand,
  PutItemCommand,
  UpdateGlobalTableCommand,
  UpdateGlobalTableSettingsCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalTable,
} from '@aws-sdk/client-dynamodb';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';
import { createTable, errorOf, waitFor } from '../helpers/tables.js';
import { autoScalingClient } from '../helpers/autoscaling.js';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const EUROPE = 'eu-west-1';

/** A table of `name` in the client's region as a version 2017.11.29 replica must be: streaming both images; on-demand unless told otherwise. */
async function replicaTable(ddb: DynamoDBClient, name: string, extra: Partial<CreateTableCommandInput> = {}): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      ...extra,
    }),
  );
}

function groupOf(...regions: string[]) {
  return regions.map((RegionName) => ({ RegionName }));
}

/** Waits until the item of `pk` is in the client's region's table (or, with `gone`, is not). */
function arrives(ddb: DynamoDBClient, TableName: string, pk: string, gone = false) {
  return waitFor(`${pk} ${gone ? 'to go from' : 'to reach'} a replica`, () => ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } } })), ({ Item }) => (Item === undefined) === gone);
}

async function holds(ddb: DynamoDBClient, TableName: string, pk: string): Promise<boolean> {
  return (await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item !== undefined;
}

async function accountOf(ddb: DynamoDBClient, TableName: string): Promise<string> {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  return Table!.TableArn!.split(':')[4]!;
}

/** Every global table ListGlobalTables names, page after page of `Limit`. */
async function listAll(ddb: DynamoDBClient, Limit?: number, RegionName?: string): Promise<{ tables: GlobalTable[]; pages: number }> {
  const tables: GlobalTable[] = [];
  let pages = 0;
  let ExclusiveStartGlobalTableName: string | undefined;
  do {
    const page = await ddb.send(new ListGlobalTablesCommand({ Limit, RegionName, ExclusiveStartGlobalTableName }));
    tables.push(...page.GlobalTables!);
    pages++;
    ExclusiveStartGlobalTableName = page.LastEvaluatedGlobalTableName;
  } while (ExclusiveStartGlobalTableName !== undefined);
  return { tables, pages };
}

/** Clients of three regions of the target's server, and a table of a new name in each, as a replica must be. */
async function threeRegions(target: Target) {
  const clients = { east: target.ddb, west: target.client({ region: WEST }), europe: target.client({ region: EUROPE }) };
  const name = uniqueName('legacy');
  for (const ddb of Object.values(clients)) await replicaTable(ddb, name);
  return { ...clients, name, done: () => [clients.west, clients.europe].forEach((client) => client.destroy()) };
}

describeEachBackend('global tables version 2017.11.29 on one server', (target) => {
  test('CreateGlobalTable links empty tables of two regions, whose writes reach each other; Describe and List answer', async () => {
    const { east, west, europe, name, done } = await threeRegions(target());
    const other = uniqueName('legacy');
    for (const ddb of [east, west]) await replicaTable(ddb, other);

    const { GlobalTableDescription } = await east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(WEST, EAST) }));
    const account = await accountOf(east, name);
    const described = {
      ReplicationGroup: groupOf(WEST, EAST),
      GlobalTableArn: `arn:aws:dynamodb::${account}:global-table/${name}`,
      CreationDateTime: GlobalTableDescription!.CreationDateTime,
      GlobalTableStatus: 'ACTIVE',
      GlobalTableName: name,
    };
    assert.deepEqual(GlobalTableDescription, described, 'the regions in the order given');
    assert.ok(GlobalTableDescription!.CreationDateTime instanceof Date);
    const { Table } = await west.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table!.GlobalTableVersion, '2017.11.29');
    assert.deepEqual(Table!.Replicas, [{ RegionName: EAST, ReplicaStatus: 'ACTIVE' }]);

    await east.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'from-east' }, n: { N: '1' } } }));
    await west.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'from-west' }, n: { N: '2' } } }));
    await arrives(west, name, 'from-east');
    await arrives(east, name, 'from-west');
    await west.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'from-east' } } }));
    await arrives(east, name, 'from-east', true);

    for (const ddb of [east, west, europe]) {
      assert.deepEqual((await ddb.send(new DescribeGlobalTableCommand({ GlobalTableName: name }))).GlobalTableDescription, described, 'from any region');
    }

    await west.send(new CreateGlobalTableCommand({ GlobalTableName: other, ReplicationGroup: groupOf(EAST, WEST) }));
    const { tables, pages } = await listAll(europe, 1);
    const ours = tables.filter((table) => table.GlobalTableName === name || table.GlobalTableName === other);
    assert.deepEqual(ours, [
      { GlobalTableName: name, ReplicationGroup: groupOf(WEST, EAST) },
      { GlobalTableName: other, ReplicationGroup: groupOf(EAST, WEST) },
    ].sort((a, b) => (a.GlobalTableName < b.GlobalTableName ? -1 : 1)));
    assert.equal(pages, tables.length, 'a page for each global table, at Limit 1');
    assert.ok((await listAll(east, undefined, WEST)).tables.some((table) => table.GlobalTableName === name));
    assert.ok(!(await listAll(east, undefined, EUROPE)).tables.some((table) => table.GlobalTableName === name), 'no replica in eu-west-1');
    done();
  });

  test('UpdateGlobalTable adds an empty region and removes one, which keeps its table; the global table goes with its last replica', async () => {
    const { east, west, europe, name, done } = await threeRegions(target());
    await east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EAST, WEST) }));

    const added = await west.send(new UpdateGlobalTableCommand({ GlobalTableName: name, ReplicaUpdates: [{ Create: { RegionName: EUROPE } }] }));
    assert.deepEqual(added.GlobalTableDescription!.ReplicationGroup, groupOf(EAST, WEST, EUROPE));
    assert.deepEqual((await east.send(new DescribeTableCommand({ TableName: name }))).Table!.Replicas!.map((replica) => replica.RegionName), [WEST, EUROPE]);
    await europe.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'from-europe' } } }));
    await arrives(east, name, 'from-europe');
    await arrives(west, name, 'from-europe');

    const removed = await east.send(new UpdateGlobalTableCommand({ GlobalTableName: name, ReplicaUpdates: [{ Delete: { RegionName: WEST } }] }));
    assert.deepEqual(removed.GlobalTableDescription!.ReplicationGroup, groupOf(EAST, EUROPE));
    const { Table } = await west.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table!.TableStatus, 'ACTIVE', 'the removed replica keeps its table');
    assert.equal(Table!.GlobalTableVersion, undefined);
    assert.equal(Table!.Replicas, undefined);
    assert.ok(await holds(west, name, 'from-europe'), 'and its items');

    // A write in the removed region, then writes that go round the others: once they have, the first would have too.
    await west.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'west-alone' } } }));
    await east.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'east-after' } } }));
    await arrives(europe, name, 'east-after');
    await europe.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'europe-after' } } }));
    await arrives(east, name, 'europe-after');
    assert.equal(await holds(east, name, 'west-alone'), false, 'the removed replica sends nothing');
    assert.equal(await holds(west, name, 'east-after'), false, 'and is sent nothing');

    const last = await east.send(new UpdateGlobalTableCommand({ GlobalTableName: name, ReplicaUpdates: [{ Delete: { RegionName: EAST } }, { Delete: { RegionName: EUROPE } }] }));
    assert.deepEqual([last.GlobalTableDescription!.ReplicationGroup, last.GlobalTableDescription!.GlobalTableStatus], [[], 'DELETING']);
    const gone = await errorOf(() => east.send(new DescribeGlobalTableCommand({ GlobalTableName: name })));
    assert.deepEqual([gone.name, gone.message], ['GlobalTableNotFoundException', `Global table not found: Global table with name: '${name}' does not exist.`]);
    assert.ok(await holds(europe, name, 'from-europe'), 'every table stays');
    done();
  });

  test('DeleteTable of a replica takes it out of the global table, which goes on in the other regions', async () => {
    const { east, west, name, done } = await threeRegions(target());
    await east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EAST, WEST) }));
    await west.send(new DeleteTableCommand({ TableName: name }));
    assert.deepEqual((await east.send(new DescribeGlobalTableCommand({ GlobalTableName: name }))).GlobalTableDescription!.ReplicationGroup, groupOf(EAST));
    const { Table } = await east.send(new DescribeTableCommand({ TableName: name }));
    assert.deepEqual([Table!.GlobalTableVersion, Table!.Replicas], ['2017.11.29', undefined], 'a global table of one region');
    await east.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'alone' } } }));
    assert.ok(await holds(east, name, 'alone'));
    done();
  });

  test('DynamoDB refuses a table not empty, missing or not streaming, a global table twice, unknown names and replicas', async () => {
    const { east, west, name, done } = await threeRegions(target());
    await west.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'early' } } }));
    const full = await errorOf(() => east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EAST, WEST) })));
    assert.equal(full.name, 'ValidationException');
    assert.match(full.message, new RegExp(`^One or more parameter values were invalid: Table: '${name}' in region: '${WEST}' is not empty`));
    await west.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'early' } } }));

    const missing = await errorOf(() => east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EAST, 'ap-south-1') })));
    assert.deepEqual([missing.name, missing.message], ['TableNotFoundException', `Table not found: Table: '${name}' not found in region: 'ap-south-1'.`]);
    const plain = await createTable(east, 'plain');
    const streamless = await errorOf(() => east.send(new CreateGlobalTableCommand({ GlobalTableName: plain, ReplicationGroup: groupOf(EAST) })));
    assert.equal(streamless.name, 'ValidationException');
    const empty = await errorOf(() => east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: [] })));
    assert.deepEqual([empty.name, empty.message], ['ValidationException', 'One or more parameter values were invalid']);
    assert.equal((await errorOf(() => east.send(new DescribeGlobalTableCommand({ GlobalTableName: name })))).name, 'GlobalTableNotFoundException', 'a refused CreateGlobalTable links nothing');

    await east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EAST, WEST) }));
    const twice = await errorOf(() => west.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EUROPE) })));
    assert.deepEqual([twice.name, twice.message], ['GlobalTableAlreadyExistsException', `Global table with name: '${name}' already exists.`]);

    const unknown = uniqueName('nothing');
    const described = await errorOf(() => east.send(new DescribeGlobalTableCommand({ GlobalTableName: unknown })));
    assert.deepEqual([described.name, described.message], ['GlobalTableNotFoundException', `Global table not found: Global table with name: '${unknown}' does not exist.`]);
    const updated = await errorOf(() => east.send(new UpdateGlobalTableCommand({ GlobalTableName: unknown, ReplicaUpdates: [{ Delete: { RegionName: EAST } }] })));
    assert.equal(updated.name, 'GlobalTableNotFoundException');
    const settings = await errorOf(() => east.send(new DescribeGlobalTableSettingsCommand({ GlobalTableName: unknown })));
    assert.deepEqual([settings.name, settings.message], ['GlobalTableNotFoundException', `Global table with name: '${unknown}' does not exist.`]);

    const update = (ReplicaUpdates: { Create?: { RegionName: string }; Delete?: { RegionName: string } }[]) =>
      errorOf(() => east.send(new UpdateGlobalTableCommand({ GlobalTableName: name, ReplicaUpdates })));
    assert.equal((await update([{ Create: { RegionName: WEST } }])).name, 'ReplicaAlreadyExistsException');
    assert.equal((await update([{ Delete: { RegionName: EUROPE } }])).name, 'ReplicaNotFoundException');
    const noTable = await update([{ Create: { RegionName: 'ap-south-1' } }]);
    assert.deepEqual([noTable.name, noTable.message], ['TableNotFoundException', `Table not found: Table: '${name}' not found in region: 'ap-south-1'.`]);
    assert.deepEqual([(await update([])).name, (await update([])).message], ['ValidationException', 'One or more parameter values were invalid']);
    await east.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'data' } } }));
    const notEmpty = await update([{ Create: { RegionName: EUROPE } }]);
    assert.equal(notEmpty.name, 'ValidationException', 'a region joins only an empty global table');
    assert.match(notEmpty.message, /is not empty/);
    const mixed = await update([{ Delete: { RegionName: WEST } }, { Delete: { RegionName: 'ap-south-1' } }]);
    assert.equal(mixed.name, 'ReplicaNotFoundException');
    assert.equal((await east.send(new DescribeGlobalTableCommand({ GlobalTableName: name }))).GlobalTableDescription!.ReplicationGroup!.length, 2, 'a refused request changes nothing');

    const replicaUpdates = await errorOf(() => east.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: EUROPE } }] })));
    assert.equal(replicaUpdates.name, 'ValidationException', 'version 2019.11.21 replica updates do not apply');

    // Version 2019.11.21 global tables are not the legacy operations' (ack-api-quirks DDB-GLOBALTABLE-001).
    const current = await createTable(east, 'current', { hash: ['pk', 'S'] });
    await east.send(new UpdateTableCommand({ TableName: current, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
    assert.equal((await errorOf(() => east.send(new DescribeGlobalTableCommand({ GlobalTableName: current })))).name, 'GlobalTableNotFoundException');
    done();
  });

  test('the settings operations report and change every replica\'s capacity and auto scaling', async () => {
    const east = target().ddb;
    const west = target().client({ region: WEST });
    const name = uniqueName('legacy');
    const provisioned: Partial<CreateTableCommandInput> = {
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexes: [
        { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } },
      ],
    };
    for (const ddb of [east, west]) await replicaTable(ddb, name, provisioned);
    await east.send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: groupOf(EAST, WEST) }));
    const before = await west.send(new DescribeGlobalTableSettingsCommand({ GlobalTableName: name }));
    const unset = { AutoScalingDisabled: true };
    assert.deepEqual(before.ReplicaSettings![0], {
      RegionName: EAST,
      ReplicaStatus: 'ACTIVE',
      ReplicaProvisionedReadCapacityUnits: 5,
      ReplicaProvisionedReadCapacityAutoScalingSettings: unset,
      ReplicaProvisionedWriteCapacityUnits: 5,
      ReplicaProvisionedWriteCapacityAutoScalingSettings: unset,
      ReplicaGlobalSecondaryIndexSettings: [
        {
          IndexName: 'byG',
          IndexStatus: 'ACTIVE',
          ProvisionedReadCapacityUnits: 5,
          ProvisionedReadCapacityAutoScalingSettings: unset,
          ProvisionedWriteCapacityUnits: 5,
          ProvisionedWriteCapacityAutoScalingSettings: unset,
        },
      ],
    });

    const after = await east.send(
      new UpdateGlobalTableSettingsCommand({
        GlobalTableName: name,
        GlobalTableProvisionedWriteCapacityUnits: 8,
        GlobalTableGlobalSecondaryIndexSettingsUpdate: [{ IndexName: 'byG', ProvisionedWriteCapacityUnits: 7 }],
        GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate: { MinimumUnits: 10, MaximumUnits: 50, ScalingPolicyUpdate: { TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } } },
        ReplicaSettingsUpdate: [{ RegionName: WEST, ReplicaProvisionedReadCapacityUnits: 9, ReplicaTableClass: 'STANDARD_INFREQUENT_ACCESS' }],
      }),
    );
    const [eastSettings, westSettings] = after.ReplicaSettings!;
    assert.deepEqual([eastSettings!.ReplicaProvisionedReadCapacityUnits, westSettings!.ReplicaProvisionedReadCapacityUnits], [5, 9], 'reads of the replica named');
    assert.deepEqual(westSettings!.ReplicaTableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    for (const replica of [eastSettings!, westSettings!]) {
      assert.equal(replica.ReplicaProvisionedWriteCapacityUnits, 10, 'every replica\'s writes: 8, then raised into the auto scaling bounds');
      assert.equal(replica.ReplicaGlobalSecondaryIndexSettings![0]!.ProvisionedWriteCapacityUnits, 7);
      assert.deepEqual(replica.ReplicaProvisionedWriteCapacityAutoScalingSettings, {
        MinimumUnits: 10,
        MaximumUnits: 50,
        AutoScalingRoleArn: replica.ReplicaProvisionedWriteCapacityAutoScalingSettings!.AutoScalingRoleArn,
        ScalingPolicies: [{ PolicyName: `DynamoDBWriteCapacityUtilization:table/${name}`, TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } }],
      });
      assert.match(replica.ReplicaProvisionedWriteCapacityAutoScalingSettings!.AutoScalingRoleArn!, /AWSServiceRoleForApplicationAutoScaling_DynamoDBTable$/);
    }
    const aas = autoScalingClient(target().endpoint, WEST);
    const { ScalableTargets } = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: [`table/${name}`] }));
    assert.deepEqual(ScalableTargets!.map((found) => [found.ScalableDimension, found.MinCapacity, found.MaxCapacity]), [['dynamodb:table:WriteCapacityUnits', 10, 50]], 'in Application Auto Scaling of each region');
    aas.destroy();

    const disabled = await east.send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: name, GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate: { AutoScalingDisabled: true } }));
    assert.deepEqual(disabled.ReplicaSettings!.map((replica) => replica.ReplicaProvisionedWriteCapacityAutoScalingSettings), [unset, unset]);

    const region = await errorOf(() => east.send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: name, ReplicaSettingsUpdate: [{ RegionName: EUROPE, ReplicaProvisionedReadCapacityUnits: 3 }] })));
    assert.equal(region.name, 'ReplicaNotFoundException');
    const index = await errorOf(() => east.send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: name, GlobalTableGlobalSecondaryIndexSettingsUpdate: [{ IndexName: 'nope', ProvisionedWriteCapacityUnits: 3 }] })));
    assert.equal(index.name, 'IndexNotFoundException');
    const onDemand = await errorOf(() => east.send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: name, GlobalTableBillingMode: 'PAY_PER_REQUEST', GlobalTableProvisionedWriteCapacityUnits: 3 })));
    assert.equal(onDemand.name, 'ValidationException');
    const switched = await east.send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: name, GlobalTableBillingMode: 'PAY_PER_REQUEST' }));
    assert.deepEqual(switched.ReplicaSettings!.map((replica) => [replica.ReplicaBillingModeSummary?.BillingMode, replica.ReplicaProvisionedWriteCapacityUnits]), [['PAY_PER_REQUEST', 0], ['PAY_PER_REQUEST', 0]]);
    west.destroy();
  });
});
