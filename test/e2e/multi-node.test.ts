/**
 * Several processes serve one store: three nodes on one PostgreSQL database,
 * and `--workers 3` on one LMDB directory. What one process changes in the
 * catalog the others see on their next request, and concurrent conditional
 * writes and transactions spread over the processes stay exact (no lost
 * update, money conserved); a setting that makes writes log their changes
 * (point-in-time recovery) holds on every node at once; a global table's
 * regions written on every node converge. The workers' suite also kills a worker mid-load.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { clientFor, uniqueName } from '../helpers/harness.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { startChild, type ChildServer } from '../helpers/child-server.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { leaseKey } from '../../src/engine/keyspace.js';
import { storedTableRecords } from '../../src/engine/catalog.js';
import { readChanges } from '../../src/engine/change-log.js';
import { prefixEnd } from '../../src/model/key-codec.js';
import type { Storage } from '../../src/storage/storage.js';
import { createStreamTable, readStream, streamsClient } from '../helpers/streams.js';
import { converged, replicaActive } from '../helpers/replicas.js';

const NODES = 3;

const createTableOn = (client: DynamoDBClient, TableName: string) =>
  client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

/** The processes of one deployment: an endpoint per client (the same one for workers), and how to stop them. */
interface Deployment {
  readonly endpoints: readonly string[];
  /** The store, read beside the servers: what their lease records say. */
  readonly store: Storage;
  stop(): Promise<void>;
}

/** The pid of a live lease on a job whose name starts with `job` (its holder is `pid@host/unique`). */
async function leaseHolder(store: Storage, job: string): Promise<number | undefined> {
  const start = leaseKey(job);
  const records = await store.read((tx) => [...tx.range({ start, end: prefixEnd(start)! })].map(({ value }) => value));
  for (const record of records) {
    const { holder, until } = JSON.parse(Buffer.from(record).toString('utf8')) as { holder: string; until: number };
    const pid = Number(holder.split('@')[0]);
    if (until > Date.now() && alive(pid)) return pid;
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` every 100 ms until it answers something, for at most `ms`. */
async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/** Sends with the first client whose node is alive (a test may have killed one). */
async function onAnyNode<T>(clients: readonly DynamoDBClient[], send: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  let last: unknown;
  for (const client of clients) {
    try {
      return await send(client);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

function describeSharedStore(title: string, skip: string | false, deploy: () => Promise<Deployment>, more?: (deployment: () => Deployment, node: (i: number) => DynamoDBClient) => void): void {
  describe(title, { skip }, () => {
    let deployment: Deployment | undefined;
    const clients: DynamoDBClient[] = [];
    const node = (i: number) => clients[i % NODES]!;

    before(async () => {
      deployment = await deploy();
      for (const endpoint of deployment.endpoints) clients.push(clientFor(endpoint));
    });

    after(async () => {
      for (const client of clients) client.destroy();
      await deployment?.stop();
    });

    const createTable = (TableName: string, on = 0) => createTableOn(node(on), TableName);

    test('a table created on one node is served by the others at once, and gone on all once deleted', async () => {
      const TableName = uniqueName('nodes');
      await createTable(TableName, 0);
      await node(1).send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
      const described = await node(2).send(new DescribeTableCommand({ TableName }));
      assert.equal(described.Table?.TableStatus, 'ACTIVE');
      const got = await node(2).send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
      assert.deepEqual(got.Item, { pk: { S: 'a' }, v: { N: '1' } });
      await assert.rejects(createTable(TableName, 1), { name: 'ResourceInUseException' });

      await node(2).send(new DeleteTableCommand({ TableName }));
      for (let i = 0; i < NODES; i++) {
        await assert.rejects(node(i).send(new DescribeTableCommand({ TableName })), { name: 'ResourceNotFoundException' });
      }
    });

    test('an index added on one node is kept by writes on every node', async () => {
      const TableName = uniqueName('nodes_gsi');
      await createTable(TableName, 0);
      // Node 1 caches the table without the index first.
      await node(1).send(new PutItemCommand({ TableName, Item: { pk: { S: 'before' }, g: { S: 'x' } } }));
      await node(0).send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
        }),
      );
      for (let i = 0; i < 20; i++) await node(1).send(new PutItemCommand({ TableName, Item: { pk: { S: `after${i}` }, g: { S: 'x' } } }));
      let count = 0;
      for (let wait = 0; wait < 100; wait++) {
        const status = (await node(2).send(new DescribeTableCommand({ TableName }))).Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus;
        if (status === 'ACTIVE') {
          count = (await node(2).send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } }))).Count ?? 0;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(count, 21);
    });

    test('conditional increments spread over the nodes lose no update', async () => {
      const TableName = uniqueName('nodes_counter');
      await createTable(TableName, 0);
      await node(0).send(new PutItemCommand({ TableName, Item: { pk: { S: 'c' }, n: { N: '0' } } }));
      let succeeded = 0;
      const worker = async (w: number) => {
        for (let i = 0; i < 15; i++) {
          const client = node(w + i);
          const current = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'c' } }, ConsistentRead: true }));
          const n = Number(current.Item?.n?.N);
          try {
            await client.send(
              new UpdateItemCommand({
                TableName,
                Key: { pk: { S: 'c' } },
                UpdateExpression: 'SET n = :next',
                ConditionExpression: 'n = :seen',
                ExpressionAttributeValues: { ':next': { N: String(n + 1) }, ':seen': { N: String(n) } },
              }),
            );
            succeeded++;
          } catch (error) {
            assert.equal((error as Error).name, 'ConditionalCheckFailedException');
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
      const final = await node(1).send(new GetItemCommand({ TableName, Key: { pk: { S: 'c' } }, ConsistentRead: true }));
      assert.ok(succeeded > 0);
      assert.equal(Number(final.Item?.n?.N), succeeded);
    });

    test('a stream read on one node has every write of every node exactly once, in order per item', async () => {
      const { TableName, arn } = await createStreamTable(node(0), uniqueName('nodes_stream'), 'NEW_IMAGE');
      const items = ['a', 'b', 'c', 'd'];
      for (const [i, pk] of items.entries()) await node(i).send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, v: { N: '0' } } }));
      const succeeded = new Map(items.map((pk) => [pk, 0]));
      await Promise.all(
        Array.from({ length: 6 }, async (_, w) => {
          for (let i = 0; i < 12; i++) {
            const client = node(w + i);
            const pk = items[(w + i) % items.length]!;
            const current = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
            const v = Number(current.Item?.v?.N);
            try {
              await client.send(
                new UpdateItemCommand({
                  TableName,
                  Key: { pk: { S: pk } },
                  UpdateExpression: 'SET v = :next',
                  ConditionExpression: 'v = :seen',
                  ExpressionAttributeValues: { ':next': { N: String(v + 1) }, ':seen': { N: String(v) } },
                }),
              );
              succeeded.set(pk, succeeded.get(pk)! + 1);
            } catch (error) {
              assert.equal((error as Error).name, 'ConditionalCheckFailedException');
            }
          }
        }),
      );
      const streams = streamsClient(deployment!.endpoints[NODES - 1]!);
      try {
        const records = await readStream(streams, arn);
        const sequence = records.map((record) => BigInt(record.dynamodb!.SequenceNumber!));
        assert.deepEqual(sequence, [...sequence].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'sequence numbers rise');
        for (const pk of items) {
          const versions = records.filter((record) => record.dynamodb!.Keys!.pk!.S === pk).map((record) => Number(record.dynamodb!.NewImage!.v!.N));
          assert.deepEqual(versions, Array.from({ length: succeeded.get(pk)! + 1 }, (_, v) => v), `item ${pk}`);
        }
      } finally {
        streams.destroy();
      }
    });

    test('point-in-time recovery switched on at one node: every node logs its writes to the table, old items included', async () => {
      const TableName = uniqueName('nodes_pitr');
      await createTable(TableName, 0);
      // Node 1 caches the table before PITR is on.
      await node(1).send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '0' } } }));
      await node(0).send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      const described = await node(2).send(new DescribeContinuousBackupsCommand({ TableName }));
      assert.equal(described.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus, 'ENABLED');
      for (let v = 1; v <= 3; v++) await node(v).send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: String(v) } } }));
      const store = deployment!.store;
      const changes = await store.read((tx) => {
        const table = storedTableRecords(tx).find((record) => record.TableName === TableName)!;
        return [...readChanges(tx, table.id, 0)];
      });
      assert.deepEqual(
        changes.map((change) => [change.old?.v, change.new?.v].map((value) => (value as { N: string } | undefined)?.N)),
        [
          ['0', '1'],
          ['1', '2'],
          ['2', '3'],
        ],
      );
    });

    test('money transfers in transactions on every node conserve the total', async () => {
      const TableName = uniqueName('nodes_bank');
      await createTable(TableName, 2);
      const accounts = 8;
      for (let a = 0; a < accounts; a++) await node(a).send(new PutItemCommand({ TableName, Item: { pk: { S: `acct${a}` }, balance: { N: '100' } } }));
      let seed = 17;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const transfers = Array.from({ length: 60 }, (_, i) => {
        const from = random(accounts);
        const to = (from + 1 + random(accounts - 1)) % accounts;
        return node(i)
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Update: {
                    TableName,
                    Key: { pk: { S: `acct${from}` } },
                    UpdateExpression: 'SET balance = balance - :x',
                    ConditionExpression: 'balance >= :x',
                    ExpressionAttributeValues: { ':x': { N: '7' } },
                  },
                },
                { Update: { TableName, Key: { pk: { S: `acct${to}` } }, UpdateExpression: 'SET balance = balance + :x', ExpressionAttributeValues: { ':x': { N: '7' } } } },
              ],
            }),
          )
          .catch((error: Error) => assert.equal(error.name, 'TransactionCanceledException'));
      });
      await Promise.all(transfers);
      let total = 0;
      for (let a = 0; a < accounts; a++) {
        const item = await node(a + 1).send(new GetItemCommand({ TableName, Key: { pk: { S: `acct${a}` } }, ConsistentRead: true }));
        const balance = Number(item.Item?.balance?.N);
        assert.ok(balance >= 0);
        total += balance;
      }
      assert.equal(total, accounts * 100);
    });
    more?.(() => deployment!, node);

    // Last: they kill processes, whose connections the clients above still hold.
    test('a global table\'s two regions written on every node converge, whichever node replicates', async () => {
      const TableName = uniqueName('nodes_global');
      await createTable(TableName, 0);
      await node(1).send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }));
      const west = deployment!.endpoints.map((endpoint) => clientFor(endpoint, { region: 'us-west-2' }));
      try {
        await replicaActive(node(2), TableName, 'us-west-2');
        await Promise.all(
          Array.from({ length: NODES }, async (_, i) => {
            for (let k = 0; k < 15; k++) {
              await node(i).send(new PutItemCommand({ TableName, Item: { pk: { S: `east-${i}-${k}` } } }));
              await west[i]!.send(new PutItemCommand({ TableName, Item: { pk: { S: `west-${i}-${k}` } } }));
              await node(i).send(new PutItemCommand({ TableName, Item: { pk: { S: `both-${k}` }, by: { S: `east-${i}` } } }));
              await west[(i + 1) % NODES]!.send(new PutItemCommand({ TableName, Item: { pk: { S: `both-${k}` }, by: { S: `west-${i}` } } }));
            }
          }),
        );
        const { items } = await converged([node(0), west[1]!, node(2), west[0]!], TableName, []);
        assert.equal(items.length, NODES * 15 * 2 + 15);
      } finally {
        for (const client of west) client.destroy();
      }
    });

    test('the process filling a new index dies: another takes the job over and the index gets every item', async () => {
      const TableName = uniqueName('nodes_backfill');
      const items = 6000;
      await createTable(TableName, 0);
      for (let i = 0; i < items; i += 25) {
        const requests = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { pk: { S: `k${i + j}` }, g: { S: `g${(i + j) % 7}` } } } }));
        await node(i / 25).send(new BatchWriteItemCommand({ RequestItems: { [TableName]: requests } }));
      }
      await node(1).send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
        }),
      );
      const holder = await waitFor(() => leaseHolder(deployment!.store, 'backfill-'), 10_000);
      // The fill may be over before it is seen; killed mid-way, another process must finish it.
      if (holder !== undefined) process.kill(holder, 'SIGKILL');
      const clients = deployment!.endpoints.map((endpoint) => clientFor(endpoint, { maxAttempts: 5 }));
      try {
        const active = await waitFor(async () => {
          const { Table } = await onAnyNode(clients, (client) => client.send(new DescribeTableCommand({ TableName })));
          return Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus === 'ACTIVE' ? true : undefined;
        }, 60_000);
        assert.equal(active, true, `the index became ACTIVE after its filler (${holder ?? 'done before it was seen'}) was killed`);
        let count = 0;
        for (let g = 0; g < 7; g++) {
          let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
          do {
            const page = await onAnyNode(clients, (client) =>
              client.send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: `g${g}` } }, ExclusiveStartKey })),
            );
            count += page.Count ?? 0;
            ExclusiveStartKey = page.LastEvaluatedKey;
          } while (ExclusiveStartKey !== undefined);
        }
        assert.equal(count, items);
      } finally {
        for (const client of clients) client.destroy();
      }
    });

    test('the process sweeping TTL dies: another takes its lease and expired items still go', async () => {
      const TableName = uniqueName('nodes_ttl');
      const anyNode = deployment!.endpoints.map((endpoint) => clientFor(endpoint, { maxAttempts: 5 }));
      await onAnyNode(anyNode, (client) => createTableOn(client, TableName));
      await onAnyNode(anyNode, (client) => client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } })));
      for (const client of anyNode) client.destroy();
      // A live holder: a process killed by an earlier test may still be named until its lease ends.
      const holder = await waitFor(() => leaseHolder(deployment!.store, 'ttl-sweeper'), 10_000);
      assert.ok(holder !== undefined && alive(holder), 'a live process holds the sweeper lease');
      process.kill(holder, 'SIGKILL');
      // A client that retries on another connection, as the SDKs do by default.
      const endpoints = deployment!.endpoints;
      const survivors = endpoints.map((endpoint) => clientFor(endpoint, { maxAttempts: 5 }));
      try {
        const past = String(Math.floor(Date.now() / 1000) - 60);
        let put = false;
        for (const client of survivors) {
          try {
            await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'expired' }, expiresAt: { N: past } } }));
            put = true;
            break;
          } catch {
            // That node was the one killed.
          }
        }
        assert.ok(put);
        let gone = false;
        for (let wait = 0; wait < 150 && !gone; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          for (const client of survivors) {
            try {
              gone = (await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'expired' } }, ConsistentRead: true }))).Item === undefined;
              break;
            } catch {
              // The killed node.
            }
          }
        }
        assert.ok(gone, 'the expired item was deleted after the holder died');
        const next = await leaseHolder(deployment!.store, 'ttl-sweeper');
        assert.ok(next !== undefined && next !== holder, `the lease moved from ${holder} to ${next}`);
      } finally {
        for (const client of survivors) client.destroy();
      }
    });
  });
}

describeSharedStore('three nodes on one PostgreSQL database', postgresUrl === undefined && 'no PostgreSQL (npm test starts one)', async () => {
  const storageUrl = await freshPostgresUrl();
  const nodes: ChildServer[] = [];
  for (let i = 0; i < NODES; i++) nodes.push(await startChild(['--port', '0', '--storage', storageUrl, '--log-level', 'silent', '--ttl-interval-ms', '100']));
  const reader = await openPostgresStorage({ url: storageUrl });
  return {
    endpoints: nodes.map((node) => node.endpoint),
    store: reader,
    async stop() {
      await reader.close();
      for (const node of nodes) node.process.kill('SIGTERM');
      await Promise.all(nodes.map((node) => node.exited()));
    },
  };
});

/** The pids of a process's children (its workers). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** A process's CPU time so far, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

let primary: ChildServer | undefined;
describeSharedStore(
  '--workers 3 on one LMDB directory',
  false,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-workers-'));
    primary = await startChild(['--workers', '3', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent', '--ttl-interval-ms', '100']);
    const started = primary;
    // LMDB is multi-process safe: the test reads the lease beside the workers (without the directory's lock).
    const reader = await openLmdbStorage({ path: join(dir, 'data') });
    return {
      endpoints: [started.endpoint, started.endpoint, started.endpoint],
      store: reader,
      async stop() {
        await reader.close();
        started.process.kill('SIGTERM');
        assert.equal(await started.exited(), 0);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  (_deployment, node) => {
    test('every worker serves, and a killed worker is replaced while the others go on', async () => {
      const pid = primary!.process.pid!;
      const workers = childrenOf(pid);
      assert.equal(workers.length, 3);
      const TableName = uniqueName('workers_load');
      await createTableOn(node(0), TableName);
      const before = workers.map(cpuTicks);
      const load = (n: number) =>
        Promise.all(
          Array.from({ length: n }, () => clientFor(primary!.endpoint)).map(async (client, i) => {
            try {
              for (let j = 0; j < 20; j++) await client.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i}_${j}` } } }));
            } finally {
              client.destroy();
            }
          }),
        );
      // The kernel hands each new connection to one of the workers accepting on the shared socket: every one gets some, though not evenly.
      let used: number[] = [];
      for (let round = 0; round < 10 && !used.every((ticks) => ticks > 0); round++) {
        await load(12);
        used = workers.map((worker, i) => cpuTicks(worker) - before[i]!);
      }
      assert.ok(used.every((ticks) => ticks > 0), `CPU ticks per worker: ${used.join(', ')}`);

      process.kill(workers[0]!, 'SIGKILL');
      // Connections the killed worker held are reset: a client retries on another (as the SDKs do by default).
      const retrying = clientFor(primary!.endpoint, { maxAttempts: 3 });
      await retrying.send(new PutItemCommand({ TableName, Item: { pk: { S: 'after-kill' } } }));
      let replaced: number[] = [];
      for (let wait = 0; wait < 100 && replaced.length < 3; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        replaced = childrenOf(pid);
      }
      assert.equal(replaced.length, 3);
      assert.ok(!replaced.includes(workers[0]!));
      await load(6);
      const got = await retrying.send(new GetItemCommand({ TableName, Key: { pk: { S: 'after-kill' } }, ConsistentRead: true }));
      retrying.destroy();
      assert.deepEqual(got.Item, { pk: { S: 'after-kill' } });
    });
  },
);
