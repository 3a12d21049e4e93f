/**
 * The streams and TTL write hooks against real storage (memory and LMDB), read
 * back through the Streams API operation modules, as a consumer would.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item } from '../../src/model/attribute-value.js';
import type { PrimaryKey } from '../../src/model/primary-key.js';
import type { Storage } from '../../src/storage/storage.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { Catalog } from '../../src/engine/catalog.js';
import type { TableRecord } from '../../src/engine/table.js';
import { itemKey } from '../../src/engine/item-key.js';
import { decodeStored, encodeStored } from '../../src/engine/stored-item.js';
import { itemSize } from '../../src/model/item-size.js';
import { UNCHANGED, type ApplyResult } from '../../src/engine/items.js';
import type { Services } from '../../src/engine/services.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { RawJson, type OperationContext } from '../../src/operations/operation.js';
import { itemChangeHook, type ChangeOrigin } from '../../src/features/item-change-hooks.js';
import { listStreams } from '../../src/operations/streams/list-streams.js';
import { describeStream } from '../../src/operations/streams/describe-stream.js';
import { getShardIterator } from '../../src/operations/streams/get-shard-iterator.js';
import { getRecords } from '../../src/operations/streams/get-records.js';
import { trimStreams } from '../../src/features/streams/retention.js';
import { encodeIterator } from '../../src/features/streams/shard-iterator.js';
import { sweepTable } from '../../src/features/ttl/sweeper.js';
import { expiredItemRemover } from '../../src/features/ttl/remove-expired.js';
import { indexExistingItems, markForIndexing } from '../../src/features/ttl/ttl-backfill.js';
import { prng } from '../helpers/random.js';
import { pendingKey, tableExpiryRange } from '../../src/features/ttl/ttl-keys.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';
import { freshPostgresUrl } from '../helpers/postgres.js';
import { storageBackends, type Backend } from '../helpers/harness.js';

const NS = { account: '000000000000', region: 'us-east-1' };

interface StreamRecord {
  eventName: string;
  userIdentity?: { Type: string; PrincipalId: string };
  dynamodb: { Keys: Item; NewImage?: Item; OldImage?: Item; SequenceNumber: string; SizeBytes: number; StreamViewType: string };
}

async function openBackend(kind: Backend): Promise<{ storage: Storage; cleanup(): Promise<void> }> {
  if (kind === 'memory') {
    const storage = createMemoryStorage();
    return { storage, cleanup: () => storage.close() };
  }
  if (kind === 'postgres') {
    const storage = await openPostgresStorage({ url: await freshPostgresUrl() });
    return { storage, cleanup: () => storage.close() };
  }
  const path = mkdtempSync(join(tmpdir(), 'dynalith-streams-'));
  const storage = await openLmdbStorage({ path });
  return {
    storage,
    async cleanup() {
      await storage.close();
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A little item store: enough of the write path to drive the hooks the way the engine does. */
function writer(storage: Storage, hook = itemChangeHook({ ...DEFAULT_CONFIG, streamShardMaxRecords: 3 })) {
  const write = (table: TableRecord, key: PrimaryKey, apply: (old: Item | undefined) => ApplyResult, origin: ChangeOrigin = {}) =>
    storage.write((tx) => {
      const storageKey = itemKey(table.id, key);
      const stored = tx.get(storageKey);
      const old = stored === undefined ? undefined : decodeStored(stored);
      const next = apply(old);
      if (next === UNCHANGED || (next === undefined && old === undefined)) return;
      if (next === undefined) tx.delete(storageKey);
      else tx.put(storageKey, encodeStored(JSON.stringify(next), itemSize(next)));
      hook(tx, table, key, old, next, origin);
    });
  return {
    write,
    put: (table: TableRecord, item: Item) => write(table, { hash: item.pk as { S: string } }, () => item),
    remove: (table: TableRecord, pk: string) => write(table, { hash: { S: pk } }, () => undefined),
  };
}

async function run<T>(operation: { execute(request: T, context: OperationContext): unknown }, request: T, catalog: Catalog, storage: Storage) {
  const services = { storage, catalog, config: DEFAULT_CONFIG } as unknown as Services;
  const result = await operation.execute(request, { namespace: NS, requestId: 'test', services });
  return (result instanceof RawJson ? JSON.parse(result.text) : result) as Record<string, unknown>;
}

async function createTable(catalog: Catalog, name: string, viewType: 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' | 'NEW_IMAGE' = 'NEW_AND_OLD_IMAGES') {
  return catalog.create(NS, {
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
    LocalSecondaryIndexes: [],
    GlobalSecondaryIndexes: [],
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    LatestStreamLabel: new Date().toISOString().slice(0, 23),
    TableClass: 'STANDARD',
    DeletionProtectionEnabled: false,
    Tags: [],
  });
}

type Shard = { ShardId: string; ParentShardId?: string; SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string } };

/** Reads every shard from TRIM_HORIZON, parents before children, to the end of what is there. */
async function readAll(arn: string, catalog: Catalog, storage: Storage): Promise<StreamRecord[]> {
  const description = (await run(describeStream, { StreamArn: arn }, catalog, storage)).StreamDescription as { Shards: Shard[] };
  const done = new Set<string>();
  const records: StreamRecord[] = [];
  const pending = [...description.Shards];
  while (pending.length > 0) {
    const index = pending.findIndex((shard) => shard.ParentShardId === undefined || done.has(shard.ParentShardId) || !description.Shards.some((s) => s.ShardId === shard.ParentShardId));
    const [shard] = pending.splice(index, 1) as [Shard];
    let iterator = (await run(getShardIterator, { StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' as const }, catalog, storage)).ShardIterator as string | undefined;
    while (iterator !== undefined) {
      const page = await run(getRecords, { ShardIterator: iterator, Limit: 2 }, catalog, storage);
      records.push(...(page.Records as StreamRecord[]));
      if ((page.Records as unknown[]).length === 0) break;
      iterator = page.NextShardIterator as string | undefined;
    }
    done.add(shard.ShardId);
  }
  return records;
}

for (const backend of storageBackends) {
  describe(`streams and TTL hooks [${backend}]`, () => {
    const opened: Array<() => Promise<void>> = [];
    after(async () => {
      for (const cleanup of opened) await cleanup();
    });
    async function setup() {
      const { storage, cleanup } = await openBackend(backend);
      opened.push(cleanup);
      const catalog = await Catalog.open(storage, DEFAULT_CONFIG);
      return { storage, catalog };
    }

    test('one record per change with the images of the view type; no record for a write that changes nothing', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'images');
      const { put, remove } = writer(storage);
      await put(table, { pk: { S: 'a' }, n: { N: '1' } });
      await put(table, { n: { N: '1' }, pk: { S: 'a' } });
      await put(table, { pk: { S: 'a' }, n: { N: '2' } });
      await remove(table, 'a');
      await remove(table, 'a');
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const records = await readAll(arn, catalog, storage);
      assert.deepEqual(records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
      assert.deepEqual(records[1]!.dynamodb.OldImage, { pk: { S: 'a' }, n: { N: '1' } });
      assert.deepEqual(records[1]!.dynamodb.NewImage, { pk: { S: 'a' }, n: { N: '2' } });
      assert.equal(records[2]!.dynamodb.NewImage, undefined);
      assert.deepEqual(records[0]!.dynamodb.Keys, { pk: { S: 'a' } });
      assert.equal(records[0]!.dynamodb.SizeBytes, 3 + 3 + 3);
      const sequences = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
      assert.ok(sequences.every((s, i) => i === 0 || s > sequences[i - 1]!));
    });

    test('KEYS_ONLY records carry no images', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'keys', 'KEYS_ONLY');
      await writer(storage).put(table, { pk: { S: 'k' }, secret: { S: 'x' } });
      const arn = ((await run(listStreams, { TableName: 'keys' }, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const [record] = await readAll(arn, catalog, storage);
      assert.deepEqual(record!.dynamodb, { ...record!.dynamodb, Keys: { pk: { S: 'k' } }, StreamViewType: 'KEYS_ONLY' });
      assert.equal(record!.dynamodb.NewImage, undefined);
    });

    test('a consumer following shard lineage from TRIM_HORIZON rebuilds the table exactly across rollovers', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'rebuild');
      const { put, remove } = writer(storage);
      const random = prng(6);
      const expected = new Map<string, Item>();
      for (let i = 0; i < 60; i++) {
        const pk = `p${Math.floor(random() * 8)}`;
        if (random() < 0.25) {
          await remove(table, pk);
          expected.delete(pk);
        } else {
          const item = { pk: { S: pk }, v: { N: String(i) } };
          await put(table, item);
          expected.set(pk, item);
        }
      }
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const shards = ((await run(describeStream, { StreamArn: arn }, catalog, storage)).StreamDescription as { Shards: Shard[] }).Shards;
      assert.ok(shards.length > 3, `expected several shards, got ${shards.length}`);
      assert.ok(shards.slice(1).every((shard, i) => shard.ParentShardId === shards[i]!.ShardId));
      assert.ok(shards.slice(0, -1).every((shard) => shard.SequenceNumberRange.EndingSequenceNumber !== undefined));
      const rebuilt = new Map<string, Item>();
      for (const record of await readAll(arn, catalog, storage)) {
        const pk = (record.dynamodb.Keys.pk as { S: string }).S;
        if (record.eventName === 'REMOVE') rebuilt.delete(pk);
        else rebuilt.set(pk, record.dynamodb.NewImage!);
      }
      assert.deepEqual(rebuilt, expected);
    });

    test('a disabled stream is closed: DISABLED, last shard ended, no iterator after its last record', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'closing');
      await writer(storage).put(table, { pk: { S: 'x' } });
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const disabled = await catalog.update(table, (t) => ({ ...t, StreamSpecification: { StreamEnabled: false } }), false);
      await writer(storage).put(disabled, { pk: { S: 'y' } });
      const description = (await run(describeStream, { StreamArn: arn }, catalog, storage)).StreamDescription as { StreamStatus: string; Shards: Shard[] };
      assert.equal(description.StreamStatus, 'DISABLED');
      assert.ok(description.Shards.at(-1)!.SequenceNumberRange.EndingSequenceNumber !== undefined);
      const iterator = (await run(getShardIterator, { StreamArn: arn, ShardId: description.Shards[0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' as const }, catalog, storage)).ShardIterator as string;
      const page = await run(getRecords, { ShardIterator: iterator }, catalog, storage);
      assert.equal((page.Records as unknown[]).length, 1);
      assert.equal(page.NextShardIterator, undefined);
    });

    test('iterator errors: garbage, expired, trimmed', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'errors');
      await writer(storage).put(table, { pk: { S: 'x' } });
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const shardId = (((await run(describeStream, { StreamArn: arn }, catalog, storage)).StreamDescription as { Shards: Shard[] }).Shards[0]!).ShardId;
      await assert.rejects(run(getRecords, { ShardIterator: 'nope' }, catalog, storage), { type: 'ValidationException', message: 'Invalid ShardIterator' });
      const old = encodeIterator({ arn, shardId, next: 1, issuedAt: Date.now() - 16 * 60_000 });
      await assert.rejects(run(getRecords, { ShardIterator: old }, catalog, storage), { type: 'ExpiredIteratorException' });
      const fresh = encodeIterator({ arn, shardId, next: 1, issuedAt: Date.now() });
      await trimStreams(storage, 0, Date.now() + 2000);
      await assert.rejects(run(getRecords, { ShardIterator: fresh }, catalog, storage), { type: 'TrimmedDataAccessException' });
      await assert.rejects(run(describeStream, { StreamArn: arn.replace('/stream/', 'x/stream/') }, catalog, storage), { type: 'ResourceNotFoundException' });
      await assert.rejects(
        run(getShardIterator, { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' as const, SequenceNumber: '000000000000000000001' }, catalog, storage),
        { type: 'ValidationException' },
      );
    });

    test('indexing existing items for TTL stops between chunks when asked (a shutdown), and the next run goes on', async () => {
      const { storage, catalog } = await setup();
      const created = await createTable(catalog, 'ttl_stop');
      const { put } = writer(storage);
      const later = Math.floor(Date.now() / 1000) + 3600;
      for (let i = 0; i < 1200; i++) await put(created, { pk: { S: `k${i}` }, exp: { N: String(later) } });
      const table = await catalog.update(created, (t) => ({ ...t, TimeToLive: { AttributeName: 'exp' } }), false);
      await markForIndexing(storage, table.id);
      const entries = () => storage.read((tx) => [...tx.range(tableExpiryRange(table.id))].length);
      let asked = 0;
      // Asked before each chunk: one chunk of 500, then stopped.
      await indexExistingItems(storage, table, () => asked++ > 0);
      assert.equal(await entries(), 500);
      assert.notEqual(await storage.get(pendingKey(table.id)), undefined);
      await indexExistingItems(storage, table);
      assert.equal(await entries(), 1200);
      assert.equal(await storage.get(pendingKey(table.id)), undefined);
    });

    test('the TTL sweep deletes only due Number expiries (not older than five years) and records REMOVE as the service', async () => {
      const { storage, catalog } = await setup();
      const created = await createTable(catalog, 'ttl');
      const table = await catalog.update(created, (t) => ({ ...t, TimeToLive: { AttributeName: 'exp' } }), false);
      const { put, write } = writer(storage);
      const now = Math.floor(Date.now() / 1000);
      await put(created, { pk: { S: 'before-enable' }, exp: { N: String(now - 10) } });
      await markForIndexing(storage, table.id);
      await indexExistingItems(storage, table);
      await put(table, { pk: { S: 'due' }, exp: { N: String(now - 5) } });
      await put(table, { pk: { S: 'future' }, exp: { N: String(now + 3600) } });
      await put(table, { pk: { S: 'string' }, exp: { S: String(now - 5) } });
      await put(table, { pk: { S: 'ancient' }, exp: { N: String(now - 6 * 365 * 86_400) } });
      await put(table, { pk: { S: 'moved' }, exp: { N: String(now - 5) } });
      await put(table, { pk: { S: 'moved' }, exp: { N: String(now + 3600) } });
      await sweepTable(storage, () => table, expiredItemRemover(write), Date.now());
      const left = await storage.read((tx) =>
        ['before-enable', 'due', 'future', 'string', 'ancient', 'moved'].filter((pk) => tx.get(itemKey(table.id, { hash: { S: pk } })) !== undefined),
      );
      assert.deepEqual(left, ['future', 'string', 'ancient', 'moved']);
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const removals = (await readAll(arn, catalog, storage)).filter((r) => r.eventName === 'REMOVE');
      assert.deepEqual(removals.map((r) => (r.dynamodb.Keys.pk as { S: string }).S).sort(), ['before-enable', 'due']);
      assert.ok(removals.every((r) => r.userIdentity?.Type === 'Service' && r.userIdentity.PrincipalId === 'dynamodb.amazonaws.com'));
    });

    test('a long sweep deletes each group with the table as it is then, and stops when the table is gone', async () => {
      const { storage, catalog } = await setup();
      const table = await catalog.update(await createTable(catalog, 'ttl-long'), (t) => ({ ...t, TimeToLive: { AttributeName: 'exp' } }), false);
      const { put } = writer(storage);
      const due = String(Math.floor(Date.now() / 1000) - 5);
      for (let n = 0; n < 200; n++) await put(table, { pk: { S: `k${n}` }, exp: { N: due } });
      // The second record stands for the table after an index was created during the sweep.
      const later: TableRecord = {
        ...table,
        GlobalSecondaryIndexes: [{ id: 999, IndexName: 'late', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, IndexStatus: 'ACTIVE' }],
      };
      // Asked once to start, then once per group of 64: the index appears before the second group, the table is gone before the fourth.
      const records = [table, table, later, later, undefined];
      let asked = 0;
      const seen: TableRecord[] = [];
      await sweepTable(storage, () => records[asked++], async (record) => void seen.push(record), Date.now());
      assert.equal(seen.length, 192);
      assert.ok(seen.slice(0, 64).every((record) => record === table));
      assert.ok(seen.slice(64).every((record) => record === later));
    });

    test("deleting a table drops its expiry index and indexing marker, not another table's, and keeps its stream", async () => {
      const { storage, catalog } = await setup();
      const withTtl = async (name: string) => catalog.update(await createTable(catalog, name), (t) => ({ ...t, TimeToLive: { AttributeName: 'exp' } }), false);
      const doomed = await withTtl('doomed');
      const other = await withTtl('other');
      const { put } = writer(storage);
      const later = Math.floor(Date.now() / 1000) + 3600;
      for (const table of [doomed, other]) await put(table, { pk: { S: 'a' }, exp: { N: String(later) } });
      await markForIndexing(storage, doomed.id);
      await catalog.delete(doomed);
      await catalog.settled();
      const entries = (tableId: number) => storage.read((tx) => [...tx.range(tableExpiryRange(tableId))].length);
      assert.equal(await entries(doomed.id), 0);
      assert.equal(await entries(other.id), 1);
      assert.equal(await storage.get(pendingKey(doomed.id)), undefined);
      const listed = (await run(listStreams, { TableName: 'doomed' }, catalog, storage)).Streams as { StreamArn: string }[];
      assert.equal(listed.length, 1);
      assert.deepEqual((await readAll(listed[0]!.StreamArn, catalog, storage)).map((r) => r.eventName), ['INSERT']);
    });

    test('retention removes closed streams once all they held is older than retention, empty ones too', async () => {
      const { storage, catalog } = await setup();
      const empty = await createTable(catalog, 'never_written');
      const written = await createTable(catalog, 'written');
      await writer(storage).put(written, { pk: { S: 'a' } });
      for (const table of [empty, written]) await catalog.update(table, (t) => ({ ...t, StreamSpecification: { StreamEnabled: false } }), false);
      assert.equal(((await run(listStreams, {}, catalog, storage)).Streams as unknown[]).length, 2);
      await trimStreams(storage, 60_000, Date.now() + 120_000);
      assert.deepEqual((await run(listStreams, {}, catalog, storage)).Streams, []);
    });

    test('the retention pass writes nothing while no stream has records past retention', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'retained');
      await writer(storage).put(table, { pk: { S: 'a' } });
      let writes = 0;
      const counting: Storage = Object.assign(Object.create(storage) as Storage, {
        write: <T>(fn: Parameters<Storage['write']>[0]) => {
          writes += 1;
          return storage.write(fn) as Promise<T>;
        },
      });
      await trimStreams(counting, 60_000);
      assert.equal(writes, 0);
      await trimStreams(counting, 60_000, Date.now() + 120_000);
      assert.equal(writes, 1);
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      assert.deepEqual(await readAll(arn, catalog, storage), []);
    });
  });
}
