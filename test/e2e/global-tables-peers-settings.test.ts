/**
 * The settings a global table's replicas share, across two Dynalith servers
 * naming each other with --peer: a global index created on one server's
 * replica is created on the other's and filled there from its own items,
 * and deleted on the other it goes from both; Time to Live switched on one
 * is switched on the other, and an item it expires goes from a replica
 * whose server does not sweep, by replication alone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { clientFor } from '../helpers/harness.js';
import { freePorts, startChild, type ChildServer } from '../helpers/child-server.js';
import { createTable, waitFor } from '../helpers/tables.js';
import { INDEXED, replicaActive } from '../helpers/replicas.js';
import { indexMadeAndDroppedEverywhere, putItemsWithH } from '../helpers/shared-settings.js';

const EAST = 'us-east-1';
const WEST = 'us-west-2';

describe('settings shared by global tables\' replicas across two servers', () => {
  let root = '';
  const servers: ChildServer[] = [];
  let east: DynamoDBClient;
  let west: DynamoDBClient;
  let westEndpoint = '';
  let TableName = '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dynalith-peer-settings-'));
    const [eastPort, westPort] = await freePorts(2);
    const endpoint = (port: number) => `http://127.0.0.1:${port}`;
    const server = (region: string, port: number, peer: string, peerPort: number, extra: readonly string[] = []) =>
      startChild(['--port', String(port), '--data-dir', join(root, region), '--log-level', 'warn', '--peer', `${peer}=${endpoint(peerPort)}`, ...extra]);
    // The west server sweeps expired items once a day: within the test, its replica loses one only by replication.
    servers.push(await server(EAST, eastPort!, WEST, westPort!), await server(WEST, westPort!, EAST, eastPort!, ['--ttl-interval-ms', '86400000']));
    east = clientFor(endpoint(eastPort!), { region: EAST, maxAttempts: 3 });
    westEndpoint = endpoint(westPort!);
    west = clientFor(westEndpoint, { region: WEST, maxAttempts: 3 });
    TableName = await createTable(east, 'peered', INDEXED);
    await putItemsWithH(east, TableName, 40);
    await east.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
    await replicaActive(east, TableName, WEST);
  });

  after(async () => {
    east.destroy();
    west.destroy();
    for (const server of servers) {
      server.process.kill('SIGKILL');
      await server.exited();
    }
    rmSync(root, { recursive: true, force: true });
  });

  test('a global index created on one server\'s replica is built on the other\'s from its own items; deleted there, it goes from both', async () => {
    await indexMadeAndDroppedEverywhere([east, west], east, west, TableName, 40);
  });

  test('Time to Live switched on one server is switched on the other; an item it expires goes from the replica by replication', async () => {
    await west.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    const { TimeToLiveDescription } = await east.send(new DescribeTimeToLiveCommand({ TableName }));
    assert.deepEqual(TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });

    const expired = String(Math.floor(Date.now() / 1000) - 60);
    await east.send(new PutItemCommand({ TableName, Item: { pk: { S: 'old' }, g: { S: 'g0' }, exp: { N: expired } } }));
    await waitFor('the expired item to go from the source', () => east.send(new GetItemCommand({ TableName, Key: { pk: { S: 'old' } } })), (answer) => answer.Item === undefined);
    await waitFor('the expired item to go from the replica', () => west.send(new GetItemCommand({ TableName, Key: { pk: { S: 'old' } } })), (answer) => answer.Item === undefined);

    const { Table } = await west.send(new DescribeTableCommand({ TableName }));
    const streams = new DynamoDBStreamsClient({ endpoint: westEndpoint, region: WEST, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: StreamDescription!.Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
    const removal = Records!.find((record) => record.eventName === 'REMOVE' && record.dynamodb?.Keys?.pk?.S === 'old');
    assert.deepEqual(removal?.userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' }, 'the replicated delete is shown as Time to Live\'s');
    streams.destroy();
  });
});
