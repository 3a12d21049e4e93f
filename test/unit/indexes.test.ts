import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import { decodeKeyPart, hash32, prefixEnd, type KeyValue } from '../../src/model/key-codec.js';
import { itemSize } from '../../src/model/item-size.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { Storage } from '../../src/storage/storage.js';
import { checkIndexKeys, indexEntry, tableIndexes } from '../../src/engine/indexes.js';
import { backfillIndex } from '../../src/engine/index-backfill.js';
import { markIndexForPurge, PURGE_CHUNK, purgeMarked } from '../../src/engine/table-purge.js';
import { ItemStore } from '../../src/engine/items.js';
import { indexPrefix } from '../../src/engine/keyspace.js';
import { storedText } from '../../src/engine/stored-item.js';
import type { IndexRecord, TableRecord } from '../../src/engine/table.js';
import { prng } from '../helpers/random.js';

function gsi(id: number, name: string, hash: string, range?: string, projection: IndexRecord['Projection'] = { ProjectionType: 'ALL' }): IndexRecord {
  return {
    id,
    IndexName: name,
    KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : [])],
    Projection: projection,
    IndexStatus: 'ACTIVE',
  };
}

/** A pk/sk table (id 1) with the given indexes; attributes g, lsk: S, n: N. */
function table(globals: IndexRecord[], locals: IndexRecord[] = []): TableRecord {
  const record: Partial<TableRecord> = {
    id: 1,
    account: '000000000000',
    region: 'us-east-1',
    TableName: 't',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'g', AttributeType: 'S' },
      { AttributeName: 'lsk', AttributeType: 'S' },
      { AttributeName: 'n', AttributeType: 'N' },
    ],
    LocalSecondaryIndexes: locals,
    GlobalSecondaryIndexes: globals,
  };
  return record as TableRecord;
}

function entryOf(t: TableRecord, indexName: string, item: Item) {
  return indexEntry(tableIndexes(t).maintained.find((index) => index.record.IndexName === indexName)!, item);
}

/** The hash and the key parts after a 5-byte prefix. */
function decodeEntryKey(key: Uint8Array): { hash: number; parts: KeyValue[] } {
  const parts: KeyValue[] = [];
  for (let at = 9; at < key.length; ) {
    const part = decodeKeyPart(key, at);
    parts.push(part.value);
    at = part.next;
  }
  return { hash: Buffer.from(key).readUInt32BE(5), parts };
}

const base: Item = { pk: { S: 'p' }, sk: { N: '2' }, g: { S: 'x' }, n: { N: '5' }, data: { S: 'd' } };

describe('index entries', () => {
  test('keys follow the storage contract: index hash, then index range, then the table key', () => {
    const t = table([gsi(7, 'byN', 'n', 'g')]);
    const entry = entryOf(t, 'byN', base)!;
    assert.deepEqual([...entry.key.subarray(0, 5)], [...indexPrefix(7)]);
    const decoded = decodeEntryKey(entry.key);
    assert.equal(decoded.hash, hash32(entry.key.subarray(9, 9 + decodeKeyPart(entry.key, 9).next - 9)));
    assert.deepEqual(decoded.parts, [{ N: '5' }, { S: 'x' }, { S: 'p' }, { N: '2' }]);
    assert.deepEqual(JSON.parse(entry.text), base);
    assert.equal(entry.size, itemSize(base));
  });

  test('projections keep the table and index keys plus what they name', () => {
    const t = table([
      gsi(2, 'keys', 'g', undefined, { ProjectionType: 'KEYS_ONLY' }),
      gsi(3, 'include', 'g', undefined, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['data', 'absent'] }),
    ]);
    assert.deepEqual(JSON.parse(entryOf(t, 'keys', base)!.text), { pk: { S: 'p' }, sk: { N: '2' }, g: { S: 'x' } });
    const included: Item = JSON.parse(entryOf(t, 'include', base)!.text);
    assert.deepEqual(included, { pk: { S: 'p' }, sk: { N: '2' }, g: { S: 'x' }, data: { S: 'd' } });
    assert.equal(entryOf(t, 'include', base)!.size, itemSize(included));
  });

  test('an item without a usable key attribute has no entry (sparse)', () => {
    const t = table([gsi(2, 'byG', 'g', 'n')]);
    const without = (name: string, value?: AttributeValue): Item => {
      const item = { ...base };
      if (value === undefined) delete item[name];
      else item[name] = value;
      return item;
    };
    assert.ok(entryOf(t, 'byG', base));
    assert.equal(entryOf(t, 'byG', without('g')), undefined);
    assert.equal(entryOf(t, 'byG', without('n')), undefined);
    assert.equal(entryOf(t, 'byG', without('g', { N: '1' })), undefined);
    assert.equal(entryOf(t, 'byG', without('g', { S: '' })), undefined);
    assert.equal(entryOf(t, 'byG', without('n', { SS: ['1'] })), undefined);
  });

  test('deleting indexes are not maintained', () => {
    const t = table([gsi(2, 'live', 'g'), { ...gsi(3, 'going', 'g'), IndexStatus: 'DELETING' }]);
    assert.deepEqual(tableIndexes(t).maintained.map((index) => index.record.IndexName), ['live']);
  });
});

describe('index key checks', () => {
  const t = table([gsi(2, 'zeta', 'g'), gsi(3, 'alpha', 'n')], [gsi(4, 'local', 'pk', 'lsk')]);
  const messageOf = (item: Item, before?: Item): string | undefined => {
    try {
      checkIndexKeys(t, item, before);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  test('the first index by name is reported', () => {
    assert.equal(
      messageOf({ ...base, g: { N: '1' }, n: { S: 'x' } }),
      'One or more parameter values were invalid: Type mismatch for Index Key n Expected: N Actual: S IndexName: alpha',
    );
    assert.equal(
      messageOf({ ...base, lsk: { S: '' } }),
      'One or more parameter values are not valid. A value specified for a secondary index key is not supported. ' +
        'The AttributeValue for a key attribute cannot contain an empty string value. IndexName: local, IndexKey: lsk',
    );
  });

  test('valid, absent and (on update) unchanged values pass', () => {
    assert.equal(messageOf(base), undefined);
    assert.equal(messageOf({ pk: { S: 'p' }, sk: { N: '1' } }), undefined);
    const legacy = { ...base, g: { N: '1' } };
    assert.equal(messageOf({ ...legacy, data: { S: 'changed' } }, legacy), undefined);
    assert.match(messageOf({ ...legacy, g: { N: '2' } }, legacy) ?? '', /Type mismatch for Index Key g Expected: S Actual: N IndexName: zeta/);
    assert.match(messageOf({ ...base, g: { S: '' } }, base) ?? '', /^One or more parameter values are not valid. The update expression attempted/);
  });
});

describe('index maintenance and backfill (model test)', () => {
  async function indexContents(storage: Storage, indexId: number): Promise<Map<string, string>> {
    const start = indexPrefix(indexId);
    return storage.read((tx) => {
      const out = new Map<string, string>();
      for (const { key, value } of tx.range({ start, end: prefixEnd(start)! })) out.set(Buffer.from(key).toString('hex'), storedText(value));
      return out;
    });
  }

  function expectedContents(t: TableRecord, indexName: string, items: Iterable<Item>): Map<string, string> {
    const out = new Map<string, string>();
    for (const item of items) {
      const entry = entryOf(t, indexName, item);
      if (entry !== undefined) out.set(Buffer.from(entry.key).toString('hex'), entry.text);
    }
    return out;
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`writes racing a backfill leave exact entries and counters (seed ${seed})`, async () => {
      const random = prng(seed);
      const storage = createMemoryStorage();
      const store = new ItemStore(storage);
      const model = new Map<string, Item>();
      const randomItem = (): Item => {
        const item: Item = { pk: { S: `p${Math.floor(random() * 4)}` }, sk: { N: String(Math.floor(random() * 30)) } };
        const roll = random();
        if (roll < 0.6) item.g = { S: `g${Math.floor(random() * 5)}` };
        else if (roll < 0.7) item.g = { N: '1' };
        if (random() < 0.5) item.data = { S: 'x'.repeat(Math.floor(random() * 20)) };
        return item;
      };
      const write = async (t: TableRecord) => {
        const item = randomItem();
        const id = JSON.stringify([item.pk, item.sk]);
        const key = { hash: item.pk as { S: string }, range: item.sk as { N: string } };
        if (random() < 0.2) {
          await store.write(t, key, () => undefined);
          model.delete(id);
        } else {
          await store.write(t, key, () => item);
          model.set(id, item);
        }
      };
      const before = table([]);
      for (let i = 0; i < 80; i++) await write(before);

      const index = { ...gsi(9, 'byG', 'g', undefined, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['data'] }), IndexStatus: 'CREATING' as const, Backfilling: true };
      const after = table([index]);
      const racing = (async () => {
        for (let i = 0; i < 80; i++) await write(after);
      })();
      const done = await backfillIndex(storage, () => ({ table: after, index }), 7);
      await racing;
      assert.equal(done, true);

      const expected = expectedContents(after, 'byG', model.values());
      assert.deepEqual(await indexContents(storage, 9), expected);
      const stats = await store.indexStats(index);
      assert.equal(stats.itemCount, expected.size);
      let size = 0;
      for (const text of expected.values()) size += itemSize(JSON.parse(text) as Item);
      assert.equal(stats.sizeBytes, size);

      await storage.write((tx) => markIndexForPurge(tx, 9));
      await purgeMarked(storage, 9, () => false, { ...PURGE_CHUNK, keys: 5 });
      assert.equal((await indexContents(storage, 9)).size, 0);
      assert.deepEqual(await store.indexStats(index), { itemCount: 0, sizeBytes: 0 });
    });
  }

  test('a backfill stops when its index goes away', async () => {
    const storage = createMemoryStorage();
    const store = new ItemStore(storage);
    const t = table([]);
    for (let i = 0; i < 20; i++) await store.write(t, { hash: { S: 'p' }, range: { N: String(i) } }, () => ({ pk: { S: 'p' }, sk: { N: String(i) }, g: { S: 'x' } }));
    const index = { ...gsi(9, 'byG', 'g'), Backfilling: true };
    // Asked once before starting and once before each batch: two batches, then gone.
    let asked = 0;
    const done = await backfillIndex(storage, () => (asked++ < 3 ? { table: table([index]), index } : undefined), 5);
    assert.equal(done, false);
    assert.equal((await store.indexStats(index)).itemCount, 10);
  });
});
