/**
 * Streams and TTL through the SDKs against a running server (memory and LMDB):
 * a consumer rebuilds a table from TRIM_HORIZON across shard rollovers, and a
 * session store's sessions disappear after their TTL with a service REMOVE record.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateTimeToLiveCommand, DescribeTimeToLiveCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, storageBackends, uniqueName } from '../helpers/harness.js';
import { freshPostgresUrl } from '../helpers/postgres.js';
import { prng } from '../helpers/random.js';
import { createStreamTable, readStream, streamsClient } from '../helpers/streams.js';

for (const backend of storageBackends) {
  describe(`streams and TTL end to end [${backend}]`, () => {
    let server: RunningServer;
    let dataDir = '';
    before(async () => {
      dataDir = backend === 'lmdb' ? mkdtempSync(join(tmpdir(), 'dynalith-g6-')) : '';
      const storage = backend === 'postgres' ? { storageUrl: await freshPostgresUrl() } : {};
      server = await startServer(
        { ...DEFAULT_CONFIG, port: 0, inMemory: backend === 'memory', dataDir: dataDir || DEFAULT_CONFIG.dataDir, logLevel: 'silent', streamShardMaxRecords: 10, ttlIntervalMs: 100, ...storage },
        createLogger('silent'),
      );
    });
    after(async () => {
      await server.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });
    const clients = () => ({
      ddb: clientFor(server.endpoint),
      streams: streamsClient(server.endpoint),
    });

    test('a consumer from TRIM_HORIZON across shard rollovers rebuilds the table exactly', async () => {
      const { ddb, streams } = clients();
      const { TableName, arn } = await createStreamTable(ddb, uniqueName('stream_rebuild'), 'NEW_AND_OLD_IMAGES');
      const random = prng(61);
      const expected = new Map<string, Record<string, AttributeValue>>();
      for (let i = 0; i < 80; i++) {
        const pk = `k${Math.floor(random() * 15)}`;
        if (random() < 0.3) {
          await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: pk } } }));
          expected.delete(pk);
        } else {
          const Item = { pk: { S: pk }, n: { N: String(i) } };
          await ddb.send(new PutItemCommand({ TableName, Item }));
          expected.set(pk, Item);
        }
      }
      const records = await readStream(streams, arn);
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      assert.ok(StreamDescription!.Shards!.length >= 5);
      const rebuilt = new Map<string, Record<string, AttributeValue>>();
      for (const record of records) {
        const pk = record.dynamodb!.Keys!.pk!.S!;
        if (record.eventName === 'REMOVE') rebuilt.delete(pk);
        else rebuilt.set(pk, record.dynamodb!.NewImage as Record<string, AttributeValue>);
      }
      assert.deepEqual(rebuilt, expected);
    });

    test('a session store: sessions disappear after their TTL, each with a service REMOVE record', async () => {
      const { ddb, streams } = clients();
      const { TableName, arn } = await createStreamTable(ddb, uniqueName('sessions'), 'OLD_IMAGE');
      await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName }));
      assert.deepEqual(ttl.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
      const now = Math.floor(Date.now() / 1000);
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'short' }, expiresAt: { N: String(now + 1) } } }));
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'long' }, expiresAt: { N: String(now + 3600) } } }));
      // Generous: a busy machine delays the sweeper; the assertions decide.
      const deadline = Date.now() + 30_000;
      let gone = false;
      while (!gone && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        gone = (await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'short' } } }))).Item === undefined;
      }
      assert.ok(gone, 'the expired session was not swept');
      assert.ok((await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'long' } } }))).Item !== undefined);
      const removal = (await readStream(streams, arn)).find((r) => r.eventName === 'REMOVE');
      assert.deepEqual(removal?.userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
    });
  });
}
