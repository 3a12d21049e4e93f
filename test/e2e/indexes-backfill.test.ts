import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type DynamoDBClient,
  type AttributeValue,
  type GlobalSecondaryIndexDescription,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { clientFor, describeEachBackend } from '../helpers/harness.js';
import { startChild } from '../helpers/child-server.js';
import { createTable, errorOf } from '../helpers/tables.js';

type Attributes = Record<string, AttributeValue>;

async function putMany(ddb: DynamoDBClient, TableName: string, count: number, g: (i: number) => Attributes): Promise<void> {
  const CONCURRENCY = 64;
  for (let start = 0; start < count; start += CONCURRENCY) {
    const writes = [];
    for (let i = start; i < Math.min(count, start + CONCURRENCY); i++) {
      writes.push(ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `item${i}` }, ...g(i) } })));
    }
    await Promise.all(writes);
  }
}

function createIndex(ddb: DynamoDBClient, TableName: string, IndexName: string, attribute: string) {
  return ddb.send(
    new UpdateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: attribute, AttributeType: 'N' }],
      GlobalSecondaryIndexUpdates: [
        { Create: { IndexName, KeySchema: [{ AttributeName: attribute, KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } },
      ],
    }),
  );
}

async function index(ddb: DynamoDBClient, TableName: string, name: string): Promise<GlobalSecondaryIndexDescription | undefined> {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  return Table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === name);
}

async function waitForActive(ddb: DynamoDBClient, TableName: string, name: string): Promise<GlobalSecondaryIndexDescription> {
  for (let i = 0; i < 600; i++) {
    const found = await index(ddb, TableName, name);
    if (found?.IndexStatus === 'ACTIVE') return found;
    await sleep(50);
  }
  throw new Error(`index ${name} did not become ACTIVE`);
}

describeEachBackend('global secondary index backfill', (target) => {
  test('a new index is filled from existing items while the table stays usable', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bf');
    const COUNT = 1500;
    // Every third item has no g, every fifth a g of the wrong type: neither is indexed.
    const g = (i: number): Attributes => (i % 3 === 0 ? {} : i % 5 === 0 ? { g: { S: 'text' } } : { g: { N: String(i % 7) } });
    await putMany(ddb, TableName, COUNT, g);
    const expected = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 3 !== 0 && i % 5 !== 0).length;

    const { TableDescription } = await createIndex(ddb, TableName, 'byG', 'g');
    const created = TableDescription?.GlobalSecondaryIndexes?.[0];
    assert.equal(created?.IndexStatus, 'CREATING');
    assert.equal(created?.Backfilling, true);

    // Writes during the backfill keep the index right whether or not it reached them.
    await Promise.all([
      ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'late' }, g: { N: '1' } } })),
      ddb.send(new UpdateItemCommand({ TableName, Key: { pk: { S: 'item1' } }, UpdateExpression: 'REMOVE g' })),
      ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'item2' } } })),
    ]);
    const active = await waitForActive(ddb, TableName, 'byG');
    assert.equal(active.Backfilling, undefined);
    assert.equal(active.ItemCount, expected);
    // KEYS_ONLY entries hold pk (2 + 5..8) and g (1 + 2).
    assert.ok((active.IndexSizeBytes ?? 0) > expected * 10);

    // An item written before the index with a wrong-typed g can still be updated elsewhere.
    await ddb.send(new UpdateItemCommand({ TableName, Key: { pk: { S: 'item5' } }, UpdateExpression: 'SET note = :o', ExpressionAttributeValues: { ':o': { S: 'x' } } }));
    const error = await errorOf(() =>
      ddb.send(new UpdateItemCommand({ TableName, Key: { pk: { S: 'item5' } }, UpdateExpression: 'SET g = :g', ExpressionAttributeValues: { ':g': { S: 'y' } } })),
    );
    assert.equal(error.message, 'One or more parameter values were invalid: Type mismatch for Index Key g Expected: N Actual: S IndexName: byG');
  });

  test('a deleted index disappears and a new one of the same name starts empty', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bfdel');
    await putMany(ddb, TableName, 10, (i) => ({ g: { N: String(i) } }));
    await createIndex(ddb, TableName, 'byG', 'g');
    assert.equal((await waitForActive(ddb, TableName, 'byG')).ItemCount, 10);

    await ddb.send(new UpdateTableCommand({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] }));
    assert.equal(await index(ddb, TableName, 'byG'), undefined);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'after' }, g: { S: 'any type now' } } }));

    await putMany(ddb, TableName, 3, (i) => ({ h: { N: String(i) } }));
    await createIndex(ddb, TableName, 'byG', 'h');
    assert.equal((await waitForActive(ddb, TableName, 'byG')).ItemCount, 3);
  });

  test('one index created or deleted per request', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bflim');
    const error = await errorOf(() =>
      ddb.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: [
            { AttributeName: 'a', AttributeType: 'S' },
            { AttributeName: 'b', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: ['a', 'b'].map((name) => ({
            Create: { IndexName: `by_${name}`, KeySchema: [{ AttributeName: name, KeyType: 'HASH' as const }], Projection: { ProjectionType: 'ALL' as const } },
          })),
        }),
      ),
    );
    assert.equal(error.name, 'LimitExceededException');
    assert.equal(error.message, 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  });
});

describe('index transitions with --update-table-ms', () => {
  const TRANSITION_MS = 1500;
  let server: RunningServer;
  let ddb: DynamoDBClient;
  before(async () => {
    server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', updateTableMs: TRANSITION_MS }, createLogger('silent'));
    ddb = clientFor(server.endpoint);
  });
  after(async () => {
    ddb.destroy();
    await server.close();
  });

  test('a filled index stays CREATING for the configured time; a deleted one DELETING', async () => {
    const TableName = await createTable(ddb, 'bftr');
    await putMany(ddb, TableName, 5, (i) => ({ g: { N: String(i) } }));
    // The transitions start after these instants, so an answer received before one plus TRANSITION_MS was given
    // inside the transition, however slow the machine; no fixed sleep has to be long enough.
    const started = Date.now();
    await createIndex(ddb, TableName, 'byG', 'g');
    let during = await index(ddb, TableName, 'byG');
    while (during?.Backfilling !== false && during?.IndexStatus !== 'ACTIVE') {
      await sleep(20);
      during = await index(ddb, TableName, 'byG');
    }
    if (Date.now() - started < TRANSITION_MS) {
      assert.equal(during?.IndexStatus, 'CREATING');
      assert.equal(during?.Backfilling, false, 'filled, waiting for the transition');
      assert.equal(during?.ItemCount, 5);
    }
    await waitForActive(ddb, TableName, 'byG');
    assert.ok(Date.now() - started >= TRANSITION_MS);

    for (let i = 0; i < 100; i++) {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await sleep(50);
    }
    const deleted = Date.now();
    await ddb.send(new UpdateTableCommand({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] }));
    const deleting = await index(ddb, TableName, 'byG');
    if (Date.now() - deleted < TRANSITION_MS) assert.equal(deleting?.IndexStatus, 'DELETING');
    await sleep(TRANSITION_MS + 50);
    assert.equal(await index(ddb, TableName, 'byG'), undefined);
  });
});

describe('backfill across a restart', () => {
  test('an index still backfilling when the server is killed is filled after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-backfill-'));
    const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'silent'];
    try {
      const COUNT = 12000;
      let server = await startChild(args);
      let ddb = clientFor(server.endpoint);
      const TableName = await createTable(ddb, 'bfrestart');
      await putMany(ddb, TableName, COUNT, (i) => ({ g: { N: String(i % 100) }, pad: { S: 'x'.repeat(200) } }));
      await createIndex(ddb, TableName, 'byG', 'g');
      server.process.kill('SIGKILL');
      await server.exited();
      ddb.destroy();

      server = await startChild(args);
      ddb = clientFor(server.endpoint);
      const restarted = await index(ddb, TableName, 'byG');
      assert.equal(restarted?.IndexStatus, 'CREATING', 'the kill came before the backfill ended');
      const active = await waitForActive(ddb, TableName, 'byG');
      assert.equal(active.ItemCount, COUNT);
      server.process.kill('SIGTERM');
      await server.exited();
      ddb.destroy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
