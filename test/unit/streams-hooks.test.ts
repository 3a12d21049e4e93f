/**
 * The streams and TTL write hooks against real storage (memory and LMDB), read
 * back through the Streams API operation modules, as a consumer would.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Item } from '../../src/model/attribute-value.js';
import type { PrimaryKey } from '../../src/model/primary-key.js';
import type { Storage } from '../../src/storage/storage.js';
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
import { upgradeStreamsFromFormat4 } from '../../src/features/streams/upgrade-format-4.js';
import { arnKey, headKey, shardKey, streamKey, streamName } from '../../src/features/streams/stream-keys.js';
import { logHeadKey, readChanges, trimChangeLogs } from '../../src/engine/change-log.js';
import { FORMAT_VERSION_KEY } from '../../src/engine/keyspace.js';
import { CHANGE_LOG_READERS } from '../../src/features/item-change-hooks.js';
import { encodeIterator } from '../../src/features/streams/shard-iterator.js';
import { sweepTable } from '../../src/features/ttl/sweeper.js';
import { expiredItemRemover } from '../../src/features/ttl/remove-expired.js';
import { indexExistingItems } from '../../src/features/ttl/ttl-backfill.js';
import { prng } from '../helpers/random.js';
import { pendingKey, tableExpiryRange } from '../../src/features/ttl/ttl-keys.js';
import { storageBackends } from '../helpers/harness.js';
import { openTestStorage } from '../helpers/test-storage.js';
import { createCatalogTable, TEST_NAMESPACE as NS } from '../helpers/catalog-table.js';

/** What services.secret holds on a server: the store's signing secret. */
const SECRET = new Uint8Array(32).fill(7);


interface StreamRecord {
  eventName: string;
  userIdentity?: { Type: string; PrincipalId: string };
  dynamodb: { Keys: Item; NewImage?: Item; OldImage?: Item; SequenceNumber: string; SizeBytes: number; StreamViewType: string };
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
  const services = { storage, catalog, config: DEFAULT_CONFIG, secret: SECRET } as unknown as Services;
  const result = await operation.execute(request, { namespace: NS, requestId: 'test', services });
  return (result instanceof RawJson ? JSON.parse(result.text) : result) as Record<string, unknown>;
}

function createTable(catalog: Catalog, name: string, viewType: 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' | 'NEW_IMAGE' = 'NEW_AND_OLD_IMAGES') {
  return createCatalogTable(catalog, name, {
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    LatestStreamLabel: new Date().toISOString().slice(0, 23),
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
      const { storage, cleanup } = await openTestStorage(backend);
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

    test("a stream is a window of its table's change log: one enabled later shows only its own changes", async () => {
      const { storage, catalog } = await setup();
      const first = await createTable(catalog, 'windows');
      await writer(storage).put(first, { pk: { S: 'a' } });
      const disabled = await catalog.update(first, (t) => ({ ...t, StreamSpecification: { StreamEnabled: false } }), false);
      await writer(storage).put(disabled, { pk: { S: 'b' } });
      const label = new Date(Date.now() + 1000).toISOString().slice(0, 23);
      const second = await catalog.update(disabled, (t) => ({ ...t, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' }, LatestStreamLabel: label }), false);
      await writer(storage).put(second, { pk: { S: 'c' } });
      const arns = ((await run(listStreams, { TableName: 'windows' }, catalog, storage)).Streams as { StreamArn: string }[]).map((stream) => stream.StreamArn);
      assert.equal(arns.length, 2);
      const [old, current] = await Promise.all(arns.map((arn) => readAll(arn, catalog, storage)));
      assert.deepEqual([old!, current!].map((records) => records.map((r) => (r.dynamodb.Keys.pk as { S: string }).S)), [['a'], ['c']]);
      assert.ok(BigInt(current![0]!.dynamodb.SequenceNumber) > BigInt(old![0]!.dynamodb.SequenceNumber));
      // The write made while no stream was enabled was read by nobody, so it was never logged.
      assert.deepEqual((await storage.read((tx) => [...readChanges(tx, first.id, 0)])).map((change) => (change.new!.pk as { S: string }).S), ['a', 'c']);
    });

    test('retention trims the change log below what the streams still show', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'log_trim');
      const { put } = writer(storage);
      for (const pk of ['a', 'b', 'c']) await put(table, { pk: { S: pk } });
      const logged = () => storage.read((tx) => [...readChanges(tx, table.id, 0)].length);
      await trimStreams(storage, 60_000);
      await trimChangeLogs(storage, CHANGE_LOG_READERS);
      assert.equal(await logged(), 3);
      await trimStreams(storage, 0, Date.now() + 2000);
      assert.equal(await logged(), 3, 'the streams moved their horizon; the log is trimmed after');
      await trimChangeLogs(storage, CHANGE_LOG_READERS);
      assert.equal(await logged(), 0);
      await put(table, { pk: { S: 'd' } });
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      assert.deepEqual((await readAll(arn, catalog, storage)).map((r) => (r.dynamodb.Keys.pk as { S: string }).S), ['d']);
    });

    test('a store of format 4 is upgraded on open: its stream records move into the change log, numbers kept', async () => {
      const { storage, catalog } = await setup();
      const label1 = new Date(Date.now() - 60_000).toISOString().slice(0, 23);
      const table = await createTable(catalog, 'upgraded', 'KEYS_ONLY');
      const label2 = table.LatestStreamLabel!;
      await catalog.stop();
      // Rewrite the store as format 4 kept it: a closed stream (two shards) and the open one, each numbering its own records.
      const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
      const name1 = streamName(table.id, label1);
      const name2 = streamName(table.id, label2);
      const recordKey = (name: Uint8Array, sequence: number) => {
        const key = new Uint8Array(1 + name.length + 8);
        key[0] = 0x33;
        key.set(name, 1);
        new DataView(key.buffer).setBigUint64(1 + name.length, BigInt(sequence));
        return key;
      };
      const record = (eventName: string, keys: Item, images: Record<string, Item>, seconds: number, ttl = false) => ({
        eventID: 'x', eventName, eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: NS.region,
        dynamodb: { ApproximateCreationDateTime: seconds, Keys: keys, ...images, SequenceNumber: '', SizeBytes: 1 },
        ...(ttl ? { userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } } : {}),
      });
      const now = Math.floor(Date.now() / 1000);
      await storage.write((tx) => {
        tx.delete(logHeadKey(table.id));
        tx.put(FORMAT_VERSION_KEY, new TextEncoder().encode('4'));
        const arn1 = `arn:aws:dynamodb:${NS.region}:${NS.account}:table/upgraded/stream/${label1}`;
        tx.put(streamKey(name1), json({ arn: arn1, account: NS.account, region: NS.region, tableId: table.id, TableName: 'upgraded', label: label1, viewType: 'NEW_AND_OLD_IMAGES', KeySchema: table.KeySchema, createdAt: Date.now() - 60_000 }));
        tx.put(arnKey(arn1), json({ tableId: table.id, label: label1 }));
        tx.put(shardKey(name1, 0), json({ index: 0, ShardId: 'shardId-00000000000000000001-aaaaaaaa', start: 1, end: 3, createdAt: 1 }));
        tx.put(shardKey(name1, 1), json({ index: 1, ShardId: 'shardId-00000000000000000002-bbbbbbbb', ParentShardId: 'shardId-00000000000000000001-aaaaaaaa', start: 4, createdAt: 2 }));
        tx.put(headKey(name1), json({ nextSequence: 6, trimmedBelow: 1, openShard: 1, openCount: 1, firstShard: 0 }));
        tx.put(recordKey(name1, 2), json(record('INSERT', { pk: { S: 'a' } }, { NewImage: { pk: { S: 'a' }, v: { N: '1' } } }, now)));
        tx.put(recordKey(name1, 3), json(record('MODIFY', { pk: { S: 'a' } }, { OldImage: { pk: { S: 'a' }, v: { N: '1' } }, NewImage: { pk: { S: 'a' }, v: { N: '2' } } }, now)));
        tx.put(recordKey(name1, 5), json(record('REMOVE', { pk: { S: 'a' } }, { OldImage: { pk: { S: 'a' }, v: { N: '2' } } }, now)));
        tx.put(shardKey(name2, 0), json({ index: 0, ShardId: 'shardId-00000000000000000003-cccccccc', start: 1, createdAt: Date.now() }));
        tx.put(headKey(name2), json({ nextSequence: 4, trimmedBelow: 1, openShard: 0, openCount: 2, firstShard: 0 }));
        tx.put(recordKey(name2, 2), json(record('INSERT', { pk: { S: 'b' } }, {}, now)));
        tx.put(recordKey(name2, 3), json(record('REMOVE', { pk: { S: 'b' } }, {}, now, true)));
      });
      const upgraded = await Catalog.open(storage, DEFAULT_CONFIG, [{ from: 4, apply: upgradeStreamsFromFormat4 }]);
      const arns = ((await run(listStreams, { TableName: 'upgraded' }, upgraded, storage)).Streams as { StreamArn: string }[]).map((stream) => stream.StreamArn).sort();
      const [closed, open] = arns;
      const closedDescription = (await run(describeStream, { StreamArn: closed! }, upgraded, storage)).StreamDescription as { StreamStatus: string; Shards: Shard[] };
      assert.equal(closedDescription.StreamStatus, 'DISABLED');
      assert.deepEqual(closedDescription.Shards.map((shard) => shard.SequenceNumberRange), [
        { StartingSequenceNumber: '000000000000000000001', EndingSequenceNumber: '000000000000000000003' },
        { StartingSequenceNumber: '000000000000000000004', EndingSequenceNumber: '000000000000000000005' },
      ]);
      const oldRecords = await readAll(closed!, upgraded, storage);
      assert.deepEqual(oldRecords.map((r) => [r.eventName, r.dynamodb.SequenceNumber, r.dynamodb.NewImage?.v, r.dynamodb.OldImage?.v]), [
        ['INSERT', '000000000000000000002', { N: '1' }, undefined],
        ['MODIFY', '000000000000000000003', { N: '2' }, { N: '1' }],
        ['REMOVE', '000000000000000000005', undefined, { N: '2' }],
      ]);
      assert.equal(((await run(describeStream, { StreamArn: open! }, upgraded, storage)).StreamDescription as { StreamStatus: string }).StreamStatus, 'ENABLED');
      const newRecords = await readAll(open!, upgraded, storage);
      // The later stream of the table moves up behind the first: 1..3 become 6..8.
      assert.deepEqual(newRecords.map((r) => [r.eventName, r.dynamodb.SequenceNumber, r.dynamodb.Keys, r.dynamodb.NewImage, r.userIdentity?.Type]), [
        ['INSERT', '000000000000000000007', { pk: { S: 'b' } }, undefined, undefined],
        ['REMOVE', '000000000000000000008', { pk: { S: 'b' } }, undefined, 'Service'],
      ]);
      await writer(storage).put(upgraded.get(NS, 'upgraded')!, { pk: { S: 'c' } });
      assert.equal((await readAll(open!, upgraded, storage)).at(-1)!.dynamodb.SequenceNumber, '000000000000000000009');
      await upgraded.stop();
    });

    test('iterator errors: garbage, expired, forged, trimmed', async () => {
      const { storage, catalog } = await setup();
      const table = await createTable(catalog, 'errors');
      await writer(storage).put(table, { pk: { S: 'x' } });
      const arn = ((await run(listStreams, {}, catalog, storage)).Streams as { StreamArn: string }[])[0]!.StreamArn;
      const shardId = (((await run(describeStream, { StreamArn: arn }, catalog, storage)).StreamDescription as { Shards: Shard[] }).Shards[0]!).ShardId;
      await assert.rejects(run(getRecords, { ShardIterator: 'nope' }, catalog, storage), { type: 'ValidationException', message: 'Invalid ShardIterator' });
      const old = encodeIterator(SECRET, NS, { arn, shardId, next: 1, issuedAt: Date.now() - 16 * 60_000 });
      await assert.rejects(run(getRecords, { ShardIterator: old }, catalog, storage), { type: 'ExpiredIteratorException' });
      // Issued in the future (to never expire), signed by another store, or for another namespace: not an iterator of this one.
      const future = encodeIterator(SECRET, NS, { arn, shardId, next: 1, issuedAt: Date.now() + 3600_000 });
      const foreign = encodeIterator(new Uint8Array(32).fill(8), NS, { arn, shardId, next: 1, issuedAt: Date.now() });
      const elsewhere = encodeIterator(SECRET, { ...NS, region: 'eu-west-1' }, { arn, shardId, next: 1, issuedAt: Date.now() });
      for (const iterator of [future, foreign, elsewhere]) {
        await assert.rejects(run(getRecords, { ShardIterator: iterator }, catalog, storage), { type: 'ValidationException', message: 'Invalid ShardIterator' });
      }
      const fresh = encodeIterator(SECRET, NS, { arn, shardId, next: 1, issuedAt: Date.now() });
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
      // Switching TTL on marks the items for indexing (Catalog: followTimeToLive).
      const table = await catalog.update(created, (t) => ({ ...t, TimeToLive: { AttributeName: 'exp' } }), false);
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
