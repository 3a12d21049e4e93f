import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import { itemSize } from '../../src/model/item-size.js';
import { decodeStored, encodeStored, StoredItem, storedSize, storedText } from '../../src/engine/stored-item.js';
import { jsonArray, splicedJson } from '../../src/operations/items/spliced-json.js';
import { prng } from '../helpers/random.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { ItemStore } from '../../src/engine/items.js';
import { indexPrefix } from '../../src/engine/keyspace.js';
import { prefixEnd } from '../../src/model/key-codec.js';
import type { IndexRecord, TableRecord } from '../../src/engine/table.js';

const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '\n', 'é', '€', '😀', '\u0000'];

function randomString(random: () => number, max: number): string {
  let out = '';
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}

function randomValue(random: () => number, depth: number): AttributeValue {
  const roll = random();
  if (roll < 0.4 || depth > 2) return { S: randomString(random, 30) };
  if (roll < 0.6) return { N: String(Math.floor(random() * 1e9) - 5e8) };
  if (roll < 0.7) return { BOOL: random() < 0.5 };
  if (roll < 0.85) return { L: Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1)) };
  return { M: randomItem(random, depth + 1) };
}

function randomItem(random: () => number, depth = 0): Item {
  const item: Item = {};
  const count = 1 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) item[randomString(random, 8) || 'k'] = randomValue(random, depth);
  return item;
}

describe('stored item values', () => {
  test('size and text round-trip for random items, multi-byte text included', () => {
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      const item = randomItem(random);
      const text = JSON.stringify(item);
      const size = itemSize(item);
      const bytes = encodeStored(text, size);
      assert.equal(bytes.length, 4 + Buffer.byteLength(text));
      assert.equal(storedSize(bytes), size);
      assert.equal(storedText(bytes), text);
      assert.deepEqual(decodeStored(bytes), item);
      const stored = StoredItem.of(bytes);
      assert.equal(stored.size, size);
      assert.equal(stored.text, text);
      assert.deepEqual(stored.item, item);
    }
  });

  test('sizes use all four bytes, unsigned', () => {
    for (const size of [0, 255, 256, 65_535, 400 * 1024, 2 ** 24 + 3, 2 ** 32 - 1]) {
      assert.equal(storedSize(encodeStored('{}', size)), size);
    }
  });

  test('a stored value read from a larger buffer (a view) decodes only its own bytes', () => {
    const bytes = encodeStored('{"a":{"S":"x"}}', 12);
    const backing = new Uint8Array(bytes.length + 10).fill(0x41);
    backing.set(bytes, 5);
    const view = backing.subarray(5, 5 + bytes.length);
    assert.equal(storedSize(view), 12);
    assert.equal(storedText(view), '{"a":{"S":"x"}}');
  });
});

describe('spliced response JSON', () => {
  test('equals JSON.stringify of the same object, undefined members left out', () => {
    const random = prng(11);
    for (let i = 0; i < 500; i++) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => randomItem(random));
      const members = {
        Count: items.length,
        LastEvaluatedKey: random() < 0.5 ? undefined : randomItem(random),
        ConsumedCapacity: random() < 0.5 ? undefined : { TableName: randomString(random, 5), CapacityUnits: 0.5 },
      };
      const withItems = random() < 0.8;
      const spliced = splicedJson({ Items: withItems ? jsonArray(items.map((item) => JSON.stringify(item))) : undefined }, members);
      assert.equal(spliced.text, JSON.stringify({ Items: withItems ? items : undefined, ...members }));
    }
  });

  test('an empty object and names that need escaping', () => {
    assert.equal(splicedJson({ Item: undefined }, { ConsumedCapacity: undefined }).text, '{}');
    assert.equal(splicedJson({ 'a"b': '[]' }).text, '{"a\\"b":[]}');
    assert.equal(jsonArray([]), '[]');
  });
});

describe('the item store with stored sizes', () => {
  function table(globals: IndexRecord[] = []): TableRecord {
    const record: Partial<TableRecord> = {
      id: 3,
      account: '000000000000',
      region: 'us-east-1',
      TableName: 't',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      LocalSecondaryIndexes: [],
      GlobalSecondaryIndexes: globals,
    };
    return record as TableRecord;
  }
  const byG: IndexRecord = { id: 4, IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, IndexStatus: 'ACTIVE' };
  const key = { hash: { S: 'a' } };
  const small: Item = { pk: { S: 'a' }, g: { S: 'x' } };
  const large: Item = { pk: { S: 'a' }, g: { S: 'y' }, data: { S: 'z'.repeat(3000) } };

  test('a replacement reports the old size from the stored prefix and keeps the counters', async () => {
    const storage = createMemoryStorage();
    const store = new ItemStore(storage);
    const t = table();
    const first = await store.replace(t, key, large);
    assert.deepEqual([first.oldSize, first.newSize], [0, itemSize(large)]);
    const second = await store.replace(t, key, small);
    assert.deepEqual([second.oldSize, second.newSize, second.old], [itemSize(large), itemSize(small), undefined]);
    assert.deepEqual(await store.stats(t), { itemCount: 1, sizeBytes: itemSize(small) });
    const stored = await store.getStored(t, key);
    assert.deepEqual([stored?.size, stored?.item], [itemSize(small), small]);
    const removed = await store.replace(t, key, undefined);
    assert.equal(removed.oldSize, itemSize(small));
    assert.deepEqual(await store.stats(t), { itemCount: 0, sizeBytes: 0 });
    const absent = await store.replace(t, key, undefined);
    assert.deepEqual([absent.oldSize, absent.newSize, absent.indexWrites.length], [0, 0, 0]);
  });

  test('a replacement on an indexed table still moves the old index entry', async () => {
    const storage = createMemoryStorage();
    const store = new ItemStore(storage);
    const t = table([byG]);
    await store.replace(t, key, small);
    const outcome = await store.replace(t, key, large);
    assert.deepEqual(outcome.old, small);
    const entries = await storage.read((tx) => [...tx.range({ start: indexPrefix(byG.id), end: prefixEnd(indexPrefix(byG.id)) })]);
    assert.equal(entries.length, 1);
    assert.deepEqual(decodeStored(entries[0]!.value), large);
    assert.equal(storedSize(entries[0]!.value), itemSize(large));
    assert.deepEqual(await store.indexStats(byG), { itemCount: 1, sizeBytes: itemSize(large) });
  });
});
