/**
 * Several processes serve one store: three nodes on one PostgreSQL database,
 * and `--workers 3` on one LMDB directory. What one process changes in the
 * catalog the others see on their next request, and concurrent conditional
 * writes and transactions spread over the processes stay exact (no lost
 * update, money conserved). The workers' suite also kills a worker mid-load.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, uniqueName } from '../helpers/harness.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { startChild, type ChildServer } from '../helpers/child-server.js';

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
  stop(): Promise<void>;
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
  });
}

describeSharedStore('three nodes on one PostgreSQL database', postgresUrl === undefined && 'no PostgreSQL (npm test starts one)', async () => {
  const storageUrl = await freshPostgresUrl();
  const servers: RunningServer[] = [];
  for (let i = 0; i < NODES; i++) servers.push(await startServer({ ...DEFAULT_CONFIG, port: 0, storageUrl, logLevel: 'silent' }, createLogger('silent')));
  return {
    endpoints: servers.map((server) => server.endpoint),
    stop: async () => void (await Promise.all(servers.map((server) => server.close({ cutOff: true })))),
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
    return {
      endpoints: [started.endpoint, started.endpoint, started.endpoint],
      async stop() {
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
      // Many connections at once: the cluster hands each new one to the next worker.
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
      await load(12);
      const used = workers.map((worker, i) => cpuTicks(worker) - before[i]!);
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
