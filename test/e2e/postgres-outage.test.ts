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
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, uniqueName } from '../helpers/harness.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';

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

test('PostgreSQL out of reach: 503 ServiceUnavailable, then serving again without a restart', { skip: postgresUrl === undefined && 'no PostgreSQL (npm test starts one)' }, async () => {
  const direct = new URL(await freshPostgresUrl());
  const proxy = new Proxy({ host: direct.hostname, port: Number(direct.port) });
  await proxy.open();
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  const server = await startServer({ ...DEFAULT_CONFIG, port: 0, storageUrl: viaProxy.toString(), logLevel: 'silent' }, createLogger('silent'));
  const ddb = clientFor(server.endpoint);
  try {
    const TableName = uniqueName('outage');
    await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
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
