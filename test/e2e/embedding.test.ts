/**
 * The embedding API through the package's own name (its `exports`), as a
 * test runner would use it: a server in this process on a free port, in
 * memory, each a database of its own; createTables; a server as a child
 * process; and the global setup, which names the server in the environment
 * variables the AWS SDK reads, so a client made with no settings reaches it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';

type Embedding = typeof import('../../src/embed/index.js');

async function embedding(): Promise<Embedding> {
  // The package resolving itself by name, through package.json's exports.
  return (await import('dynalith' as string)) as Embedding;
}

function clientOf(server: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }): DynamoDBClient {
  return new DynamoDBClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials, maxAttempts: 1 });
}

test('in this process: a free port, in memory, tables made by createTables, each server a database of its own', async () => {
  const { startDynalith, createTables } = await embedding();
  const first = await startDynalith();
  const second = await startDynalith();
  try {
    assert.match(first.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(first.endpoint, second.endpoint);
    const definition = {
      TableName: 'orders',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'status', AttributeType: 'S' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    };
    await createTables(first, [definition]);
    await createTables(first, [definition]);
    const ddb = clientOf(first);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: 'orders' }));
    assert.equal(Table!.TableStatus, 'ACTIVE');
    assert.equal(Table!.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'o1' }, status: { S: 'open' } } }));
    const { Items } = await ddb.send(new QueryCommand({ TableName: 'orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'open' } } }));
    assert.equal(Items!.length, 1);
    const other = clientOf(second);
    assert.deepEqual((await other.send(new ListTablesCommand({}))).TableNames, [], 'the second server has its own database');
    ddb.destroy();
    other.destroy();
  } finally {
    await first.close();
    await second.close();
  }
  await assert.rejects(clientOf(first).send(new ListTablesCommand({})), 'a closed server answers no more');
});

test('as a child process', async () => {
  const { startDynalith, createTables } = await embedding();
  const server = await startDynalith({ childProcess: true });
  try {
    await createTables(server, [{ TableName: 'child', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }]);
    const ddb = clientOf(server);
    await ddb.send(new PutItemCommand({ TableName: 'child', Item: { pk: { S: 'a' } } }));
    assert.equal((await ddb.send(new GetItemCommand({ TableName: 'child', Key: { pk: { S: 'a' } } }))).Item?.pk?.S, 'a');
    ddb.destroy();
  } finally {
    await server.close();
  }
});

test('the global setup names the server in the environment the SDK reads; its teardown stops it', async () => {
  const saved = { ...process.env };
  const setup = ((await import('dynalith/test-setup' as string)) as { default: () => Promise<() => Promise<void>> }).default;
  const teardown = await setup();
  try {
    const ddb = new DynamoDBClient({ maxAttempts: 1 });
    assert.deepEqual((await ddb.send(new ListTablesCommand({}))).TableNames, []);
    assert.equal(process.env.AWS_ENDPOINT_URL_DYNAMODB, process.env.DYNALITH_ENDPOINT);
    ddb.destroy();
  } finally {
    await teardown();
    process.env = saved;
  }
});
