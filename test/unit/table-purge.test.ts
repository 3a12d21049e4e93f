/**
 * DeleteTable purges in the background: the request itself does a constant
 * amount of storage work, the purge goes in bounded chunks while other
 * requests are answered, resumes after a restart, and leaves no key of the
 * table behind. Requests go through the real operations (dispatch) on real
 * storage, which is only wrapped to count what each transaction does.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage, WriteTransaction } from '../../src/storage/storage.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';
import { freshPostgresUrl } from '../helpers/postgres.js';
import { storageBackends, type Backend } from '../helpers/harness.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { createServices, type Services } from '../../src/engine/services.js';
import { dispatch } from '../../src/server/dispatch.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { DynamoError } from '../../src/protocol/errors.js';
import { PURGE_CHUNK } from '../../src/engine/table-purge.js';
import { purgeMarkerKey } from '../../src/engine/keyspace.js';
import type { TableRecord } from '../../src/engine/table.js';

const NS = { account: '000000000000', region: 'us-east-1' };
const ITEMS = 3000;

interface Counts {
  puts: number;
  deletes: number;
}

/** Storage whose write transactions are counted, in the order they run. */
function counted(storage: Storage, onWrite: () => void = () => undefined): { storage: Storage; transactions: Counts[] } {
  const transactions: Counts[] = [];
  const wrapped: Storage = {
    ...(storage.concurrent === undefined ? {} : { concurrent: storage.concurrent }),
    get: (key) => storage.get(key),
    read: (fn) => storage.read(fn),
    write: async (fn) => {
      onWrite();
      // Counted once it has committed: a backend may run the callback more than once (only the last run counts).
      let counts = { puts: 0, deletes: 0 };
      const result = await storage.write((tx) => {
        counts = { puts: 0, deletes: 0 };
        const countingTx: WriteTransaction = {
          get: (key) => tx.get(key),
          range: (options) => tx.range(options),
          put(key, value) {
            counts.puts += 1;
            tx.put(key, value);
          },
          delete(key) {
            counts.deletes += 1;
            tx.delete(key);
          },
        };
        return fn(countingTx);
      });
      transactions.push(counts);
      return result;
    },
    close: () => storage.close(),
  };
  return { storage: wrapped, transactions };
}

async function call(services: Services, operation: string, request: object): Promise<Record<string, unknown>> {
  const text = await dispatch(`DynamoDB_20120810.${operation}`, Buffer.from(JSON.stringify(request)), () => NS, services, 'test');
  return JSON.parse(text) as Record<string, unknown>;
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DynamoError) return `${error.type}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

/** A table with a local and a global index and TTL, so every kind of per-table record exists. */
async function fullTable(services: Services, name: string, items: number): Promise<TableRecord> {
  await call(services, 'CreateTable', {
    TableName: name,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'g', AttributeType: 'S' },
    ],
    LocalSecondaryIndexes: [{ IndexName: 'local', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'g', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    GlobalSecondaryIndexes: [{ IndexName: 'global', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await call(services, 'UpdateTimeToLive', { TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } });
  const expires = String(Math.floor(Date.now() / 1000) + 86_400);
  const batches: Promise<unknown>[] = [];
  for (let i = 0; i < items; i += 25) {
    const requests = [];
    for (let j = i; j < Math.min(items, i + 25); j++) {
      requests.push({ PutRequest: { Item: { pk: { S: `p${j % 40}` }, sk: { N: String(j) }, g: { S: `g${j % 7}` }, expires: { N: expires }, pad: { S: 'x'.repeat(40) } } } });
    }
    batches.push(call(services, 'BatchWriteItem', { RequestItems: { [name]: requests } }));
  }
  await Promise.all(batches);
  return services.catalog.require(NS, name);
}

/** Every key in the store, as hex. */
async function allKeys(storage: Storage): Promise<Set<string>> {
  return storage.read((tx) => new Set([...tx.range({})].map(({ key }) => Buffer.from(key).toString('hex'))));
}

const u32 = (id: number) => id.toString(16).padStart(8, '0');

/** Keys that hold a table's data or bookkeeping: items, index entries, counters, collection sizes, TTL, the purge marker. */
function tableKeys(keys: Set<string>, table: TableRecord): string[] {
  const ids = [table.id, ...table.LocalSecondaryIndexes.map((index) => index.id), ...table.GlobalSecondaryIndexes.map((index) => index.id)];
  const prefixes = [
    ...['02', '04', '06', '10', '38', '39'].map((kind) => kind + u32(table.id)),
    ...ids.slice(1).flatMap((id) => ['03' + u32(id), '11' + u32(id)]),
  ];
  return [...keys].filter((key) => prefixes.some((prefix) => key.startsWith(prefix)) || key.includes(Buffer.from(`\u0000${table.TableName}`).toString('hex')));
}

/** The store of one test; on PostgreSQL a new schema each time (the tests that reopen a store are LMDB's). */
async function openBackend(kind: Backend, path?: string): Promise<Storage> {
  if (kind === 'postgres') return openPostgresStorage({ url: await freshPostgresUrl() });
  return kind === 'memory' ? createMemoryStorage() : openLmdbStorage({ path: path! });
}

for (const backend of storageBackends) {
  describe(`DeleteTable purges in the background [${backend}]`, () => {
    const dirs: string[] = [];
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const newDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'dynalith-purge-'));
      dirs.push(dir);
      return dir;
    };
    const config: Config = { ...DEFAULT_CONFIG, logLevel: 'silent' };

    test('the request does constant work, other requests are answered mid-purge, chunks are bounded, nothing remains', async () => {
      const base = await openBackend(backend, newDir());
      const { storage, transactions } = counted(base);
      const services = await createServices(config, createLogger('silent'), storage);
      await call(services, 'CreateTable', {
        TableName: 'survivor',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await call(services, 'PutItem', { TableName: 'survivor', Item: { id: { S: 'kept' } } });
      const before = await allKeys(base);
      const doomed = await fullTable(services, 'doomed', ITEMS);
      const doomedKeys = tableKeys(await allKeys(base), doomed).length;
      assert.ok(doomedKeys > 3 * ITEMS, `only ${doomedKeys} keys to purge`);

      const first = transactions.length;
      const answer = await call(services, 'DeleteTable', { TableName: 'doomed' });
      assert.equal((answer.TableDescription as { TableStatus: string }).TableStatus, 'DELETING');
      assert.equal((answer.TableDescription as { ItemCount: number }).ItemCount, ITEMS);
      // DeleteTable's own transaction: the record and the TTL marker go, the purge marker comes, the catalog version moves.
      assert.deepEqual(transactions[first], { puts: 2, deletes: 2 });

      // Answered while the purge has barely started: its marker is still there, and so are most items.
      const { Item } = await call(services, 'GetItem', { TableName: 'survivor', Key: { id: { S: 'kept' } } });
      assert.deepEqual(Item, { id: { S: 'kept' } });
      assert.notEqual(await base.get(purgeMarkerKey(doomed.id)), undefined);
      assert.equal(await errorOf(call(services, 'DescribeTable', { TableName: 'doomed' })), 'ResourceNotFoundException: Requested resource not found: Table: doomed not found');
      // A new table of the same name, while the old one is being purged, never sees the old data.
      await call(services, 'CreateTable', {
        TableName: 'doomed',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      const scanned = await call(services, 'Scan', { TableName: 'doomed' });
      assert.deepEqual([scanned.Count, scanned.Items], [0, []]);
      assert.notEqual(await base.get(purgeMarkerKey(doomed.id)), undefined);
      await call(services, 'PutItem', { TableName: 'doomed', Item: { pk: { S: 'p0' }, sk: { N: '0' }, fresh: { BOOL: true } } });

      await services.catalog.settled();
      const purge = transactions.slice(first + 1).filter((counts) => counts.deletes > 0 && counts.puts === 0);
      assert.ok(purge.length >= doomedKeys / PURGE_CHUNK.keys, `${purge.length} purge transactions for ${doomedKeys} keys`);
      // A chunk's keys, plus the counters and the marker in the last one.
      for (const counts of purge) assert.ok(counts.deletes <= PURGE_CHUNK.keys + 4, `a purge transaction deleted ${counts.deletes} keys`);

      const after = await allKeys(base);
      assert.deepEqual(tableKeys(after, doomed).filter((key) => !key.startsWith('01')), []);
      const replacement = services.catalog.require(NS, 'doomed');
      assert.notEqual(replacement.id, doomed.id);
      const added = [...after].filter((key) => !before.has(key));
      assert.deepEqual(
        added.filter((key) => ![`02${u32(replacement.id)}`, `10${u32(replacement.id)}`, '01'].some((prefix) => key.startsWith(prefix))),
        [],
        'keys other than the new table\'s are left',
      );
      assert.deepEqual((await call(services, 'Scan', { TableName: 'doomed' })).Items, [{ pk: { S: 'p0' }, sk: { N: '0' }, fresh: { BOOL: true } }]);
      assert.equal((await call(services, 'DescribeTable', { TableName: 'doomed' }) as { Table: { ItemCount: number } }).Table.ItemCount, 1);
      await services.catalog.stop();
      await storage.close();
    });

    test('a DELETING table (--delete-table-ms) is purged during its transition, and its name is free once it ends', async () => {
      const storage = await openBackend(backend, newDir());
      const services = await createServices({ ...config, deleteTableMs: 60_000 }, createLogger('silent'), storage);
      const doomed = await fullTable(services, 'doomed', 100);
      await call(services, 'DeleteTable', { TableName: 'doomed' });
      await services.catalog.settled();
      const described = (await call(services, 'DescribeTable', { TableName: 'doomed' })) as { Table: { TableStatus: string; ItemCount: number } };
      assert.deepEqual([described.Table.TableStatus, described.Table.ItemCount], ['DELETING', 0]);
      assert.deepEqual(tableKeys(await allKeys(storage), doomed).filter((key) => !key.startsWith('01')), []);
      assert.equal(
        await errorOf(call(services, 'CreateTable', { TableName: 'doomed', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' })),
        'ResourceInUseException: Table already exists: doomed',
      );
      await services.catalog.stop();
      await storage.close();
    });

    /**
     * Services on an LMDB store that shut down once the request given to `stopAfterThreeWrites`, the purge's
     * lease and two chunks of the purge it starts have committed: a purge cut short, as by a restart (the
     * lease's release on stop is one write more).
     */
    async function stoppableServices(path: string) {
      let writes = -1;
      let stopAsked: (stopped: Promise<void>) => void = () => undefined;
      const stopping = new Promise<void>((resolve) => (stopAsked = resolve));
      let services: Services | undefined;
      const { storage } = counted(await openBackend(backend, path), () => {
        if (writes >= 0 && ++writes === 4) stopAsked(services!.catalog.stop());
      });
      services = await createServices(config, createLogger('silent'), storage);
      const stopAfterThreeWrites = async (request: () => Promise<unknown>) => {
        writes = 0;
        await request();
        await stopping;
        assert.equal(writes, 5);
      };
      return { storage, services, stopAfterThreeWrites };
    }

    if (backend === 'lmdb') {
      test('a purge cut short by a shutdown resumes after a restart', async () => {
        const path = newDir();
        const { storage, services, stopAfterThreeWrites } = await stoppableServices(path);
        const doomed = await fullTable(services, 'doomed', ITEMS);
        const total = tableKeys(await allKeys(storage), doomed).length;
        await stopAfterThreeWrites(() => call(services, 'DeleteTable', { TableName: 'doomed' }));
        const left = tableKeys(await allKeys(storage), doomed).length;
        assert.ok(left > 0 && left < total, `${left} of ${total} keys left`);
        assert.notEqual(await storage.get(purgeMarkerKey(doomed.id)), undefined);
        await storage.close();

        const reopened = await openBackend(backend, path);
        const restarted = await createServices(config, createLogger('silent'), reopened);
        await restarted.catalog.settled();
        assert.deepEqual(tableKeys(await allKeys(reopened), doomed), []);
        await restarted.catalog.stop();
        await reopened.close();
      });

      test("a deleted global index's purge cut short by a shutdown resumes after a restart, and leaves the table whole", async () => {
        const path = newDir();
        const { storage, services, stopAfterThreeWrites } = await stoppableServices(path);
        const table = await fullTable(services, 'kept', ITEMS);
        const index = table.GlobalSecondaryIndexes[0]!;
        const entries = async (store: Storage) => [...(await allKeys(store))].filter((key) => key.startsWith('11' + u32(index.id)) || key.startsWith('03' + u32(index.id)));
        const before = (await entries(storage)).length;
        const tableKeysBefore = tableKeys(await allKeys(storage), { ...table, GlobalSecondaryIndexes: [] }).length;
        await stopAfterThreeWrites(() => call(services, 'UpdateTable', { TableName: 'kept', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'global' } }] }));
        const left = (await entries(storage)).length;
        assert.ok(left > 0 && left < before, `${left} of ${before} index keys left`);
        assert.notEqual(await storage.get(purgeMarkerKey(index.id)), undefined);
        await storage.close();

        const reopened = await openBackend(backend, path);
        const restarted = await createServices(config, createLogger('silent'), reopened);
        await restarted.catalog.settled();
        assert.deepEqual(await entries(reopened), []);
        assert.equal(await reopened.get(purgeMarkerKey(index.id)), undefined);
        assert.equal(tableKeys(await allKeys(reopened), { ...table, GlobalSecondaryIndexes: [] }).length, tableKeysBefore);
        const scanned = (await call(restarted, 'Scan', { TableName: 'kept', Select: 'COUNT' })) as { Count: number };
        assert.equal(scanned.Count, ITEMS);
        await restarted.catalog.stop();
        await reopened.close();
      });

      test('a DELETING table left by a build without purge markers is purged on start', async () => {
        const path = newDir();
        const storage = await openBackend(backend, path);
        const services = await createServices({ ...config, deleteTableMs: 60_000 }, createLogger('silent'), storage);
        const doomed = await fullTable(services, 'doomed', 100);
        await services.catalog.stop();
        // What such a build stored: the record as DELETING, the data untouched, no marker.
        await storage.write((tx) => {
          tx.put(
            [...tx.range({ start: new Uint8Array([1]), end: new Uint8Array([2]) })][0]!.key,
            new TextEncoder().encode(JSON.stringify({ ...doomed, TableStatus: 'DELETING', statusUntil: Date.now() + 60_000 })),
          );
        });
        assert.ok(tableKeys(await allKeys(storage), doomed).length > 300);
        await storage.close();

        const reopened = await openBackend(backend, path);
        const restarted = await createServices(config, createLogger('silent'), reopened);
        await restarted.catalog.settled();
        assert.deepEqual(tableKeys(await allKeys(reopened), doomed).filter((key) => !key.startsWith('01')), []);
        await restarted.catalog.stop();
        await reopened.close();
      });
    }
  });
}
