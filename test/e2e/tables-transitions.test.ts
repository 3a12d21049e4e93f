import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { clientFor, uniqueName } from '../helpers/harness.js';

const TRANSITION_MS = 300;

describe('transitional table statuses', () => {
  let server: RunningServer;
  let ddb: DynamoDBClient;
  before(async () => {
    server = await startServer(
      { ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', createTableMs: TRANSITION_MS, updateTableMs: TRANSITION_MS, deleteTableMs: TRANSITION_MS },
      createLogger('silent'),
    );
    ddb = clientFor(server.endpoint);
  });
  after(async () => {
    ddb.destroy();
    await server.close();
  });

  test('CREATING, UPDATING and DELETING refuse changes, then settle', async () => {
    const TableName = uniqueName('tr');
    const { TableDescription } = await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    assert.equal(TableDescription?.TableStatus, 'CREATING');
    // A CREATING on-demand table does not show its switch to on-demand yet.
    assert.deepEqual(TableDescription?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST' });
    await assert.rejects(ddb.send(new DeleteTableCommand({ TableName })), {
      name: 'ResourceInUseException',
      message: `Attempt to change a resource which is still in use: Table is being created: ${TableName}`,
    });
    await assert.rejects(ddb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: true })), {
      name: 'ResourceInUseException',
      message: `Attempt to change a resource which is still in use: Table is being created: ${TableName}`,
    });
    await sleep(TRANSITION_MS + 50);
    const { Table: active } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(active?.TableStatus, 'ACTIVE');
    assert.deepEqual(active?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: active?.CreationDateTime });

    const updated = await ddb.send(new UpdateTableCommand({ TableName, TableClass: 'STANDARD_INFREQUENT_ACCESS' }));
    assert.equal(updated.TableDescription?.TableStatus, 'UPDATING');
    await assert.rejects(ddb.send(new DeleteTableCommand({ TableName })), {
      name: 'ResourceInUseException',
      message: `Attempt to change a resource which is still in use: Table is being updated: ${TableName}`,
    });
    await sleep(TRANSITION_MS + 50);

    const deleting = await ddb.send(new DeleteTableCommand({ TableName }));
    assert.equal(deleting.TableDescription?.TableStatus, 'DELETING');
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus, 'DELETING');
    await sleep(TRANSITION_MS + 50);
    await assert.rejects(ddb.send(new DescribeTableCommand({ TableName })), { name: 'ResourceNotFoundException' });
  });

  test("UpdateTable's answer shows the old capacity while UPDATING", async () => {
    const TableName = uniqueName('tr');
    await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        GlobalSecondaryIndexes: [
          { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } },
        ],
      }),
    );
    await sleep(TRANSITION_MS + 50);
    const increase = await ddb.send(
      new UpdateTableCommand({
        TableName,
        ProvisionedThroughput: { ReadCapacityUnits: 15, WriteCapacityUnits: 15 },
        GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
      }),
    );
    const described = increase.TableDescription;
    assert.equal(described?.TableStatus, 'UPDATING');
    assert.ok(described?.ProvisionedThroughput?.LastIncreaseDateTime instanceof Date);
    assert.equal(described?.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.equal(described?.ProvisionedThroughput?.WriteCapacityUnits, 5);
    const index = described?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput;
    assert.ok(index?.LastDecreaseDateTime instanceof Date);
    assert.deepEqual([index?.ReadCapacityUnits, index?.WriteCapacityUnits, index?.NumberOfDecreasesToday], [2, 2, 0]);
    await sleep(TRANSITION_MS + 50);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 15);
    assert.deepEqual(
      [Table?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput?.ReadCapacityUnits, Table?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput?.NumberOfDecreasesToday],
      [1, 1],
    );

    // A switch to on-demand shows its zero capacity at once, but not yet its time.
    const { TableDescription: switching } = await ddb.send(new UpdateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST' }));
    assert.deepEqual(switching?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST' });
    assert.equal(switching?.ProvisionedThroughput?.ReadCapacityUnits, 0);
    await sleep(TRANSITION_MS + 50);
    const { Table: onDemand } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.ok(onDemand?.BillingModeSummary?.LastUpdateToPayPerRequestDateTime instanceof Date);
  });
});
