/**
 * Capacity enforcement across processes: with `--workers 2` each worker
 * admits its share of a table's rate (the processes count each other from
 * their heartbeats in the store), so one connection, served by one worker,
 * is throttled after about half of the table's banked burst.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { clientFor } from '../helpers/harness.js';
import { startChild } from '../helpers/child-server.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { MEMBER_RECORDS } from '../../src/engine/keyspace.js';

test('two workers share a provisioned table’s rate: one connection gets half its burst', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-shared-capacity-'));
  const data = join(dir, 'data');
  const server = await startChild(['--workers', '2', '--port', '0', '--data-dir', data, '--log-level', 'silent', '--capacity', 'enforce', '--burst-seconds', '2']);
  const store = await openLmdbStorage({ path: data });
  const ddb = clientFor(server.endpoint);
  try {
    const alive = () => store.read((tx) => [...tx.range(MEMBER_RECORDS)].filter(({ value }) => Number(new TextDecoder().decode(value)) > Date.now()).length);
    for (let waited = 0; (await alive()) < 2; waited += 100) {
      assert.ok(waited < 10_000, 'both workers beat within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Each worker counts the other at its next heartbeat (every second).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const TableName = 'shared_rate';
    await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 },
      }),
    );
    // One client, one request at a time: one keep-alive connection, so one worker serves them all.
    let puts = 0;
    let error: Error | undefined;
    while (error === undefined && puts < 1000) {
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${puts}` } } })).then(
        () => puts++,
        (e: Error) => (error = e),
      );
    }
    assert.equal(error?.name, 'ProvisionedThroughputExceededException');
    // The table banks 20 units (2 s of 10 WCU); a worker's share is 10, plus what refills (5 a second) while it writes.
    assert.ok(puts >= 10 && puts < 20, `${puts} writes before throttling`);
  } finally {
    ddb.destroy();
    await store.close();
    server.process.kill('SIGTERM');
    assert.equal(await server.exited(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
