/**
 * A server whose disk fills up (issue 12, point 4: it crashed on an unhandled
 * rejection from the store's commit). Writes that cannot be committed get
 * DynamoDB's InternalServerError (500, retryable), reads and deletes keep
 * working, writes work again once there is space, and after a restart every
 * acknowledged write is there. A real process, on a tmpfs the test mounts.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateTableCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import AWS from 'aws-sdk';
import { startChild, type ChildServer } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

const TABLE = 'filling';
const PAD = 'x'.repeat(20_000);

function put(client: DynamoDBClient, id: string) {
  return client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: id }, g: { S: 'all' }, pad: { S: PAD } } }));
}

/** Every item a Scan of the table, or a Query of its byG index under 'all', reads, over all pages: their ids, sorted. */
async function ids(client: DynamoDBClient, source: 'table' | 'index' = 'table'): Promise<string[]> {
  const found: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page =
      source === 'table'
        ? await client.send(new ScanCommand({ TableName: TABLE, ProjectionExpression: 'id', ConsistentRead: true, ExclusiveStartKey: start }))
        : await client.send(
            new QueryCommand({ TableName: TABLE, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'all' } }, ExclusiveStartKey: start }),
          );
    found.push(...(page.Items ?? []).map((item) => item.id!.S!));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return found.sort();
}

/**
 * Runs `body` with a tmpfs of `bytes` and a way to start servers, all of them
 * killed (if still running) and the tmpfs unmounted afterwards. Skips the test
 * where no tmpfs can be mounted.
 */
async function onTmpfs(t: TestContext, bytes: number, body: (tmpfs: Tmpfs, start: (args: string[]) => Promise<ChildServer>) => Promise<void>): Promise<void> {
  const tmpfs = mountTmpfs(bytes);
  if (typeof tmpfs === 'string') return t.skip(tmpfs);
  const started: ChildServer[] = [];
  try {
    await body(tmpfs, async (args) => {
      const server = await startChild(args);
      started.push(server);
      return server;
    });
  } finally {
    for (const server of started) {
      if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL');
      await server.exited();
    }
    tmpfs.unmount();
  }
}

async function stop(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM');
  assert.equal(await server.exited(), 0, server.output());
}

test('full disk: InternalServerError for the writes that fail, reads and deletes go on, nothing acknowledged lost', { skip: externalEndpoint !== undefined, timeout: 60_000 }, (t) =>
  onTmpfs(t, 8 * 1024 * 1024, async (tmpfs, start) => {
    const args = ['--port', '0', '--data-dir', join(tmpfs.path, 'data'), '--log-level', 'error'];
    let server = await start(args);
    const client = clientFor(server.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    tmpfs.fill(1024 * 1024);

    const acknowledged: string[] = [];
    const failures: unknown[] = [];
    for (let round = 0; failures.length === 0; round++) {
      assert.ok(round < 100, 'the disk never filled');
      // Concurrent writes share group commits.
      const batch = Array.from({ length: 8 }, (_, i) => `r${round}-${i}`);
      const settled = await Promise.allSettled(batch.map((id) => put(client, id)));
      settled.forEach((outcome, i) => (outcome.status === 'fulfilled' ? acknowledged.push(batch[i]!) : failures.push(outcome.reason)));
    }
    for (const failure of failures) {
      const error = failure as { name: string; message: string; $fault: string; $metadata: { httpStatusCode: number } };
      assert.equal(error.name, 'InternalServerError');
      assert.equal(error.message, 'Internal server error');
      assert.equal(error.$fault, 'server');
      assert.equal(error.$metadata.httpStatusCode, 500);
    }
    // Reads answer from what was committed, the index included.
    assert.deepEqual(await ids(client), [...acknowledged].sort());
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: acknowledged[0]! } }, ConsistentRead: true }));
    assert.equal(Item?.pad?.S, PAD);
    assert.deepEqual(await ids(client, 'index'), [...acknowledged].sort());

    // LMDB copies on write, but reuses the pages earlier commits freed: deletes still go through.
    const deleted = acknowledged.splice(0, 3);
    for (const id of deleted) await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: id } } }));

    // The SDKs retry it: v2 says so on the error. (A write may still fit in pages LMDB freed: keep writing.)
    const v2 = new AWS.DynamoDB({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxRetries: 0 });
    let v2Error: { code: string; statusCode: number; retryable: boolean } | undefined;
    for (let i = 0; v2Error === undefined; i++) {
      assert.ok(i < 50, 'no v2 write failed');
      const id = `v2-${i}`;
      v2Error = await v2
        .putItem({ TableName: TABLE, Item: { id: { S: id }, g: { S: 'all' }, pad: { S: PAD } } })
        .promise()
        .then(
          () => void acknowledged.push(id),
          (error: { code: string; statusCode: number; retryable: boolean }) => error,
        );
    }
    assert.deepEqual({ code: v2Error.code, statusCode: v2Error.statusCode, retryable: v2Error.retryable }, { code: 'InternalServerError', statusCode: 500, retryable: true });

    tmpfs.free();
    for (const id of ['after-1', 'after-2']) {
      await put(client, id);
      acknowledged.push(id);
    }
    assert.deepEqual(await ids(client), [...acknowledged].sort());
    client.destroy();
    await stop(server);
    assert.doesNotMatch(server.output(), /unhandled|UnhandledPromiseRejection/i);

    server = await start(args);
    const again = clientFor(server.endpoint);
    assert.deepEqual(await ids(again), [...acknowledged].sort());
    assert.deepEqual(await ids(again, 'index'), [...acknowledged].sort());
    again.destroy();
    await stop(server);
  }));

test('full disk: an index backfill that cannot commit goes on once there is space', { skip: externalEndpoint !== undefined, timeout: 60_000 }, (t) =>
  onTmpfs(t, 8 * 1024 * 1024, async (tmpfs, start) => {
    const server = await start(['--port', '0', '--data-dir', join(tmpfs.path, 'data'), '--log-level', 'silent']);
    const client = clientFor(server.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const count = 100;
    for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => put(client, `i${i + j}`)));
    // Room for the table's new definition, not for a copy of every item in the index.
    tmpfs.fill(256 * 1024);
    await client.send(
      new UpdateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
    const status = async () => (await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus;
    // The backfill's first batch cannot be committed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await status(), 'CREATING');
    tmpfs.free();
    for (let tries = 0; (await status()) !== 'ACTIVE'; tries++) {
      assert.ok(tries < 100, 'the index never became ACTIVE');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await ids(client, 'index')).length, count);
    client.destroy();
    await stop(server);
  }));
