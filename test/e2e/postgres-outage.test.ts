/**
 * A node on PostgreSQL whose database goes away: requests get DynamoDB's 503
 * ServiceUnavailable (retryable), the node keeps running, and it serves again
 * once the database is back, with every acknowledged write there. The outage
 * is a TCP proxy between the node and the test's PostgreSQL that the test
 * closes (dropping every connection) and reopens on the same port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { CreateTableCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, uniqueName } from '../helpers/harness.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';

class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
  }
}

/** A new on-demand table keyed by `pk` (S); its name. */
async function createTable(ddb: DynamoDBClient, prefix: string): Promise<string> {
  const TableName = uniqueName(prefix);
  await ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return TableName;
}

test('PostgreSQL out of reach: 503 ServiceUnavailable, then serving again without a restart', { skip: postgresUrl === undefined && 'no PostgreSQL (npm test starts one)' }, async () => {
  const direct = new URL(await freshPostgresUrl());
  const proxy = new Proxy({ host: direct.hostname, port: Number(direct.port) });
  await proxy.open();
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  const server = await startServer({ ...DEFAULT_CONFIG, port: 0, storageUrl: viaProxy.toString(), logLevel: 'silent' }, createLogger('silent'));
  const ddb = clientFor(server.endpoint);
  try {
    const TableName = await createTable(ddb, 'outage');
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'before' } } }));

    await proxy.close();
    for (const command of [
      new GetItemCommand({ TableName, Key: { pk: { S: 'before' } } }),
      new PutItemCommand({ TableName, Item: { pk: { S: 'during' } } }),
    ]) {
      await assert.rejects(ddb.send(command as GetItemCommand), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(error.name, 'ServiceUnavailable');
        assert.equal(error.$metadata?.httpStatusCode, 503);
        assert.equal(error.message, 'The request has failed due to a temporary failure of the server.');
        return true;
      });
    }

    await proxy.open();
    const back = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'before' } } }));
    assert.deepEqual(back.Item, { pk: { S: 'before' } });
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'after' } } }));
    const after = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'after' } }, ConsistentRead: true }));
    assert.deepEqual(after.Item, { pk: { S: 'after' } });
    const during = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'during' } } }));
    assert.equal(during.Item, undefined);
  } finally {
    ddb.destroy();
    await server.close({ cutOff: true });
    await proxy.close();
  }
});

test('PostgreSQL not up yet when a node starts: it waits, then serves', { skip: postgresUrl === undefined && 'no PostgreSQL (npm test starts one)' }, async () => {
  const direct = new URL(await freshPostgresUrl());
  const proxy = new Proxy({ host: direct.hostname, port: Number(direct.port) });
  // Learn a free port, then leave it closed: the database is "down" at start.
  await proxy.open();
  await proxy.close();
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  const starting = startServer({ ...DEFAULT_CONFIG, port: 0, storageUrl: viaProxy.toString(), logLevel: 'silent' }, createLogger('silent'));
  let started = false;
  void starting.then(() => (started = true), () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(started, false, 'no node serves before its database answers');
  await proxy.open();
  const server = await starting;
  const ddb = clientFor(server.endpoint);
  try {
    const TableName = await createTable(ddb, 'late');
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
    assert.deepEqual((await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }))).Item, { pk: { S: 'a' } });
  } finally {
    ddb.destroy();
    await server.close({ cutOff: true });
    await proxy.close();
  }
});

test('PostgreSQL never up: opening the store fails with one clear line once the wait is over', { skip: postgresUrl === undefined && 'no PostgreSQL (npm test starts one)' }, async () => {
  const proxy = new Proxy({ host: '127.0.0.1', port: 1 });
  await proxy.open();
  await proxy.close();
  await assert.rejects(openPostgresStorage({ url: `postgres://dynalith@127.0.0.1:${proxy.port}/dynalith`, startupTimeoutMs: 1000 }), (error: Error) => {
    assert.match(error.message, /^Cannot reach PostgreSQL: .*ECONNREFUSED/);
    return true;
  });
});
