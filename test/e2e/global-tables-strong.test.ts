/**
 * Multi-Region strong consistency on every backend, with the regions of one
 * server: UpdateTable makes an empty table strongly consistent with a
 * replica and a witness (DescribeTable shows both); a write answered in one
 * region is seen at once by reads in the others; read-modify-write updates
 * made concurrently in two regions lose none (with eventual consistency,
 * last writer wins would lose some); DynamoDB's refusals (a non-empty
 * table, the wrong number of regions, Time to Live, transactions); a
 * replica deleted leaves the other eventually consistent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';
import { INDEXED, replicaActive } from '../helpers/replicas.js';

const STRONG = { ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: 'eu-west-1' } }], MultiRegionConsistency: 'STRONG' as const };

describeEachBackend('multi-Region strong consistency', (target) => {
  test('a write answered in one region is read at once in the other; concurrent increments in both lose none', async () => {
    const east = target().ddb;
    const west = target().client({ region: 'us-west-2' });
    const TableName = await createTable(east, 'strong', INDEXED);
    const { TableDescription } = await east.send(new UpdateTableCommand({ TableName, ...STRONG }));
    assert.equal(TableDescription!.MultiRegionConsistency, 'STRONG');
    assert.deepEqual(TableDescription!.GlobalTableWitnesses, [{ RegionName: 'eu-west-1', WitnessStatus: 'ACTIVE' }]);
    await replicaActive(east, TableName, 'us-west-2');
    const { Table } = await west.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table!.MultiRegionConsistency, 'STRONG');

    for (let i = 0; i < 10; i++) {
      await west.send(new PutItemCommand({ TableName, Item: { pk: { S: `w${i}` }, g: { S: 'g0' }, v: { N: String(i) } } }));
      const strong = await east.send(new GetItemCommand({ TableName, Key: { pk: { S: `w${i}` } }, ConsistentRead: true }));
      assert.equal(strong.Item?.v?.N, String(i), 'a strongly consistent read in the other region sees the write');
      const local = await west.send(new GetItemCommand({ TableName, Key: { pk: { S: `w${i}` } } }));
      assert.equal(local.Item?.v?.N, String(i), 'the write was applied in its own region before it was answered');
      await east.send(new PutItemCommand({ TableName, Item: { pk: { S: `e${i}` }, g: { S: 'g0' }, v: { N: String(i) } } }));
      const seen = await west.send(new GetItemCommand({ TableName, Key: { pk: { S: `e${i}` } } }));
      assert.equal(seen.Item?.v?.N, String(i), 'every replica applied the write before it was answered');
    }

    // A PartiQL write, taken in the leading region only, is answered once every replica has it too.
    await east.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${TableName}" VALUE {'pk': 'partiql', 'g': 'g0'}` }));
    assert.equal((await west.send(new GetItemCommand({ TableName, Key: { pk: { S: 'partiql' } } }))).Item?.pk?.S, 'partiql');
    assert.equal((await errorOf(() => west.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TableName}"` })))).name, 'ValidationException');

    const increment = (client: typeof east) => client.send(new UpdateItemCommand({ TableName, Key: { pk: { S: 'counter' } }, UpdateExpression: 'SET n = if_not_exists(n, :zero) + :one', ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } } }));
    await Promise.all([east, west].map(async (client) => {
      for (let i = 0; i < 20; i++) await increment(client);
    }));
    for (const client of [east, west]) {
      const { Item } = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'counter' } }, ConsistentRead: true }));
      assert.equal(Item?.n?.N, '40', 'no increment is lost');
    }
    west.destroy();
  });

  test('refusals: a non-empty table, the wrong number of regions, Time to Live, transactions', async () => {
    const east = target().ddb;
    const full = await createTable(east, 'strongfull', INDEXED);
    await east.send(new PutItemCommand({ TableName: full, Item: { pk: { S: 'a' } } }));
    assert.equal((await errorOf(() => east.send(new UpdateTableCommand({ TableName: full, ...STRONG })))).name, 'ValidationException');

    const table = await createTable(east, 'strongtwo', INDEXED);
    const two = await errorOf(() => east.send(new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }], MultiRegionConsistency: 'STRONG' })));
    assert.equal(two.name, 'ValidationException');
    const witnessAlone = await errorOf(() => east.send(new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })));
    assert.equal(witnessAlone.name, 'ValidationException');

    await east.send(new UpdateTableCommand({ TableName: table, ...STRONG }));
    const ttl = await errorOf(() => east.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } })));
    assert.equal(ttl.name, 'ValidationException');
    const transaction = await errorOf(() => east.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: { pk: { S: 'a' } } } }] })));
    assert.equal(transaction.name, 'ValidationException');
    const again = await errorOf(() => east.send(new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Delete: { RegionName: 'us-west-2' } }] })));
    assert.equal(again.name, 'ValidationException');

    // A replica deleted in its region leaves the other without its three Regions: it goes on with eventual consistency.
    const west = target().client({ region: 'us-west-2' });
    await replicaActive(east, table, 'us-west-2');
    await west.send(new DeleteTableCommand({ TableName: table }));
    const { Table } = await east.send(new DescribeTableCommand({ TableName: table }));
    assert.equal(Table!.MultiRegionConsistency, undefined);
    await east.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'after' } } }));
    west.destroy();
  });
});
