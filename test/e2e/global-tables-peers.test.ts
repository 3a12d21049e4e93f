/**
 * Global tables across Dynalith servers: three processes, each serving one
 * region and naming the others with --peer, through the AWS SDK. A new
 * replica of a 10,000-item table on another server is filled while writes
 * go on; all three regions write at once and converge to the same items and
 * index entries; conflicting writes end alike (last writer wins); a replica
 * killed with SIGKILL, and one stopped for a while (a network cut), catch up
 * once back, losing nothing written meanwhile; multi-Region strong
 * consistency holds across servers; a sender killed right after
 * a burst of writes sends them after its restart; a removed replica's table
 * goes from its server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { clientFor } from '../helpers/harness.js';
import { freePorts, startChild, type ChildServer } from '../helpers/child-server.js';
import { createTable, errorOf, putMany, waitFor } from '../helpers/tables.js';
import { converged, INDEXED, replicaActive } from '../helpers/replicas.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
type Region = (typeof REGIONS)[number];
const GROUPS = ['g0', 'g1', 'g2'];

/** Waits until the regions agree; the number of items they hold. */
async function agreed(clients: readonly DynamoDBClient[], TableName: string): Promise<number> {
  return (await converged(clients, TableName, GROUPS)).items.length;
}

describe('global tables across three servers', () => {
  let root = '';
  const ports = new Map<Region, number>();
  const servers = new Map<Region, ChildServer>();
  const clients = new Map<Region, DynamoDBClient>();

  const args = (region: Region): string[] => [
    '--port', String(ports.get(region)),
    '--data-dir', join(root, region),
    '--log-level', 'warn',
    ...REGIONS.filter((other) => other !== region).flatMap((other) => ['--peer', `${other}=http://127.0.0.1:${ports.get(other)}`]),
  ];
  const start = async (region: Region) => servers.set(region, await startChild(args(region)));
  const client = (region: Region) => clients.get(region)!;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dynalith-peers-'));
    const free = await freePorts(REGIONS.length);
    REGIONS.forEach((region, i) => ports.set(region, free[i]!));
    for (const region of REGIONS) {
      await start(region);
      clients.set(region, clientFor(`http://127.0.0.1:${ports.get(region)}`, { region, maxAttempts: 3 }));
    }
  });

  after(async () => {
    for (const ddb of clients.values()) ddb.destroy();
    for (const server of servers.values()) {
      server.process.kill('SIGKILL');
      await server.exited();
    }
    rmSync(root, { recursive: true, force: true });
  });

  let TableName = '';

  test('a replica on another server of a 10,000-item table fills while writes go on, and the regions converge', async () => {
    const east = client('us-east-1');
    TableName = await createTable(east, 'peered', INDEXED);
    await putMany(east, TableName, 10_000, (i) => ({ pk: { S: `k${i}` }, g: { S: `g${i % 3}` }, n: { N: String(i) } }));
    const { TableDescription } = await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
    assert.deepEqual(TableDescription!.Replicas, [{ RegionName: 'us-west-2', ReplicaStatus: 'CREATING', ReplicaStatusPercentProgress: '0' }]);
    const { Table: creating } = await client('us-west-2').send(new DescribeTableCommand({ TableName }));
    assert.equal(creating!.TableStatus, 'CREATING', 'the replica\'s table is made on its own server');
    // One replica at a time (the copy of 10,000 items takes a hundred pages, each paced).
    const busy = await errorOf(() => east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })));
    assert.deepEqual([busy.name, busy.message], ['ResourceInUseException', 'The resource which you are attempting to change is in use.']);
    for (let i = 0; i < 200; i++) {
      await east.send(new UpdateItemCommand({ TableName, Key: { pk: { S: `k${(i * 37) % 10_000}` } }, UpdateExpression: 'SET n = n + :d', ExpressionAttributeValues: { ':d': { N: '100000' } } }));
    }
    await east.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'k9999' } } }));
    await replicaActive(east, TableName, 'us-west-2');
    const { Table } = await client('us-west-2').send(new DescribeTableCommand({ TableName }));
    assert.equal(Table!.TableStatus, 'ACTIVE');
    assert.deepEqual(Table!.Replicas, [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }]);
    assert.equal(await agreed([east, client('us-west-2')], TableName), 9999);
  });

  test('a third server joins; all three regions write at once and converge', async () => {
    const east = client('us-east-1');
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }));
    await replicaActive(east, TableName, 'eu-west-1');
    await replicaActive(client('us-west-2'), TableName, 'eu-west-1');
    await Promise.all(
      REGIONS.map(async (region, r) => {
        for (let i = 0; i < 60; i++) await client(region).send(new PutItemCommand({ TableName, Item: { pk: { S: `${region}-${i}` }, g: { S: `g${r}` }, n: { N: String(i) } } }));
      }),
    );
    assert.equal(await agreed(REGIONS.map(client), TableName), 10_179);

    // A replica's own setting, changed from another server, reaches its table and the third server's entry for it.
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Update: { RegionName: 'us-west-2', TableClassOverride: 'STANDARD_INFREQUENT_ACCESS' } }] }));
    const { Table: west } = await client('us-west-2').send(new DescribeTableCommand({ TableName }));
    assert.equal(west!.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    const { Table: europe } = await client('eu-west-1').send(new DescribeTableCommand({ TableName }));
    assert.deepEqual(europe!.Replicas!.find((replica) => replica.RegionName === 'us-west-2')?.ReplicaTableClassSummary, { TableClass: 'STANDARD_INFREQUENT_ACCESS' });
  });

  test('conflicting writes to the same items end alike on every server', async () => {
    await Promise.all(
      REGIONS.map(async (region) => {
        for (let i = 0; i < 30; i++) await client(region).send(new PutItemCommand({ TableName, Item: { pk: { S: `hot${i % 3}` }, g: { S: 'g0' }, by: { S: region }, i: { N: String(i) } } }));
      }),
    );
    assert.equal(await agreed(REGIONS.map(client), TableName), 10_182);
  });

  test('multi-Region strong consistency across servers: a write answered in one region is read at once in another; no increment is lost', async () => {
    const east = client('us-east-1');
    const west = client('us-west-2');
    const Strong = await createTable(east, 'strong', INDEXED);
    await east.send(new UpdateTableCommand({ TableName: Strong, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: 'eu-west-1' } }], MultiRegionConsistency: 'STRONG' }));
    await replicaActive(east, Strong, 'us-west-2');
    assert.equal((await west.send(new DescribeTableCommand({ TableName: Strong }))).Table!.MultiRegionConsistency, 'STRONG');
    for (let i = 0; i < 5; i++) {
      await west.send(new PutItemCommand({ TableName: Strong, Item: { pk: { S: `w${i}` }, g: { S: 'g0' } } }));
      assert.equal((await east.send(new GetItemCommand({ TableName: Strong, Key: { pk: { S: `w${i}` } } }))).Item?.pk?.S, `w${i}`, 'applied in the leading region before the answer');
      assert.equal((await west.send(new GetItemCommand({ TableName: Strong, Key: { pk: { S: `w${i}` } } }))).Item?.pk?.S, `w${i}`, 'and in every replica');
    }
    const refused = await errorOf(() => west.send(new PutItemCommand({ TableName: Strong, Item: { pk: { S: 'w0' } }, ConditionExpression: 'attribute_not_exists(pk)' })));
    assert.equal(refused.name, 'ConditionalCheckFailedException', 'the leading region\'s refusal reaches the client');
    const increment = (ddb: DynamoDBClient) => ddb.send(new UpdateItemCommand({ TableName: Strong, Key: { pk: { S: 'counter' } }, UpdateExpression: 'SET n = if_not_exists(n, :zero) + :one', ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } } }));
    await Promise.all([east, west].map(async (ddb) => {
      for (let i = 0; i < 15; i++) await increment(ddb);
    }));
    for (const ddb of [east, west]) {
      assert.equal((await ddb.send(new GetItemCommand({ TableName: Strong, Key: { pk: { S: 'counter' } }, ConsistentRead: true }))).Item?.n?.N, '30');
    }
  });

  test('a replica killed with SIGKILL and one stopped a while catch up once back, losing nothing written meanwhile', async () => {
    const west = servers.get('us-west-2')!;
    west.process.kill('SIGKILL');
    await west.exited();
    const europe = servers.get('eu-west-1')!;
    europe.process.kill('SIGTERM');
    assert.equal(await europe.exited(), 0);
    for (let i = 0; i < 100; i++) await client('us-east-1').send(new PutItemCommand({ TableName, Item: { pk: { S: `while-down-${i}` }, g: { S: 'g1' } } }));
    await start('us-west-2');
    for (let i = 0; i < 20; i++) await client('us-west-2').send(new PutItemCommand({ TableName, Item: { pk: { S: `west-while-eu-down-${i}` }, g: { S: 'g2' } } }));
    await start('eu-west-1');
    assert.equal(await agreed(REGIONS.map(client), TableName), 10_302);
  });

  test('a sender killed with SIGKILL before it could send a burst of writes sends them once restarted', async () => {
    // The receivers are away, so the burst is certainly unsent when the sender dies.
    for (const region of ['us-west-2', 'eu-west-1'] as const) {
      servers.get(region)!.process.kill('SIGTERM');
      assert.equal(await servers.get(region)!.exited(), 0);
    }
    const east = client('us-east-1');
    await Promise.all(Array.from({ length: 200 }, (_, i) => east.send(new PutItemCommand({ TableName, Item: { pk: { S: `burst-${i}` }, g: { S: 'g0' } } }))));
    const sender = servers.get('us-east-1')!;
    sender.process.kill('SIGKILL');
    await sender.exited();
    for (const region of REGIONS) await start(region);
    assert.equal(await agreed(REGIONS.map(client), TableName), 10_502);
  });

  test('a removed replica\'s table goes from its server, and the others go on', async () => {
    const east = client('us-east-1');
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }] }));
    await waitFor('the table in eu-west-1 to go', () => errorOf(() => client('eu-west-1').send(new DescribeTableCommand({ TableName }))), (error) => error.name === 'ResourceNotFoundException');
    const { Table } = await client('us-west-2').send(new DescribeTableCommand({ TableName }));
    assert.deepEqual(Table!.Replicas, [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }]);
    await client('us-west-2').send(new PutItemCommand({ TableName, Item: { pk: { S: 'after-removal' }, g: { S: 'g0' } } }));
    assert.equal(await agreed([east, client('us-west-2')], TableName), 10_503);
  });
});
