import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Item } from '../../src/model/attribute-value.js';
import { compareBytes, compareKeyValues, encodeKeyPart, hash32, type KeyValue } from '../../src/model/key-codec.js';
import type { KeyAttribute } from '../../src/model/primary-key.js';
import { keyRange, layoutKey, partitionStart, type KeyLayout, type SortCondition } from '../../src/engine/key-layout.js';
import { fitKey, ORDERED_KEY_BYTES } from '../../src/engine/keyspace.js';
import { readPage } from '../../src/engine/reader.js';
import { encodeStored } from '../../src/engine/stored-item.js';
import { itemSize } from '../../src/model/item-size.js';
import { MAX_KEY_BYTES } from '../../src/storage/bytes.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { prng } from '../helpers/random.js';

const prefix = Uint8Array.of(0x11, 0, 0, 0, 9);

describe('key layout', () => {
  test('a partition starts with the hash of its encoded values, then the values', () => {
    const values: KeyValue[] = [{ S: 'tenant' }, { N: '7' }];
    const encoded = Buffer.concat(values.map(encodeKeyPart));
    const start = partitionStart(prefix, values);
    assert.equal(Buffer.from(start).readUInt32BE(prefix.length), hash32(encoded));
    assert.deepEqual([...start.subarray(prefix.length + 4)], [...encoded]);
  });

  test('a long partition is stored as a digest: distinct, short, equal for equal values', () => {
    const a = partitionStart(prefix, [{ S: 'x'.repeat(2048) }]);
    const b = partitionStart(prefix, [{ S: `${'x'.repeat(2047)}y` }]);
    assert.ok(a.length < 40);
    assert.notDeepEqual([...a], [...b]);
    assert.deepEqual([...a], [...partitionStart(prefix, [{ S: 'x'.repeat(2048) }])]);
  });

  test('sort attributes order keys attribute by attribute, as tuples', () => {
    const layout: KeyLayout = {
      prefix,
      partition: [{ name: 'h', type: 'S' }],
      sort: [
        { name: 'a', type: 'N' },
        { name: 'b', type: 'S' },
      ],
      suffix: [{ name: 'pk', type: 'S' }],
    };
    const item = (a: string, b: string, pk = 'p'): Item => ({ h: { S: 'h' }, a: { N: a }, b: { S: b }, pk: { S: pk } });
    const ordered = [item('-10', 'z'), item('2', ''), item('2', '\u0000'), item('2', 'a'), item('2', 'a', 'q'), item('10', 'a')];
    for (let i = 1; i < ordered.length; i++) {
      assert.ok(compareBytes(layoutKey(layout, ordered[i - 1]!), layoutKey(layout, ordered[i]!)) < 0, `item ${i}`);
    }
  });
});

// ------------------------------------------------------------------ model test

/**
 * Keys near and beyond the store's key limit: partition keys up to 2048
 * bytes, binary sort keys up to 1024 bytes that are mostly NUL (their
 * encoding doubles them), sharing long common prefixes so that cut keys
 * collide on their ordered bytes.
 */
function longKeyItems(random: () => number, partition: KeyValue): Item[] {
  const items = new Map<string, Item>();
  const base = Buffer.alloc(1024, 0);
  for (let i = 0; i < 120; i++) {
    const length = 900 + Math.floor(random() * 125);
    const bytes = Buffer.from(base.subarray(0, length));
    // Differences near the end, so many keys agree on their first ORDERED_KEY_BYTES stored bytes.
    for (let j = 0; j < 3; j++) bytes[length - 1 - Math.floor(random() * 40)] = Math.floor(random() * 4);
    const sk = { B: bytes.toString('base64') };
    items.set(sk.B, { pk: partition, sk, n: { N: String(i) } });
  }
  return [...items.values()];
}

const layout: KeyLayout = {
  prefix: Uint8Array.of(0x10, 0, 0, 0, 1),
  partition: [{ name: 'pk', type: 'S' }],
  sort: [{ name: 'sk', type: 'B' }],
  suffix: [],
};

function conditionMatches(condition: SortCondition | undefined, value: KeyValue): boolean {
  if (condition === undefined) return true;
  const [first, second] = condition.values as [KeyValue, KeyValue];
  const order = compareKeyValues(value, first);
  switch (condition.operator) {
    case 'EQ':
      return order === 0;
    case 'LT':
      return order < 0;
    case 'LE':
      return order <= 0;
    case 'GT':
      return order > 0;
    case 'GE':
      return order >= 0;
    case 'BETWEEN':
      return order >= 0 && compareKeyValues(value, second) <= 0;
    case 'BEGINS_WITH':
      return Buffer.from((value as { B: string }).B, 'base64').subarray(0, Buffer.from((first as { B: string }).B, 'base64').length).equals(Buffer.from((first as { B: string }).B, 'base64'));
  }
}

describe('reading keys longer than the store allows', () => {
  for (const seed of [1, 2, 3]) {
    test(`pages come in DynamoDB's order, inside the key condition, whatever the page size (seed ${seed})`, async () => {
      const random = prng(seed);
      const storage = createMemoryStorage();
      const partitions: KeyValue[] = [{ S: 'p'.repeat(2048) }, { S: `${'p'.repeat(2047)}q` }, { S: 'short' }];
      const all = partitions.flatMap((partition) => longKeyItems(random, partition));
      await storage.write((tx) => {
        for (const item of all) {
          const key = layoutKey(layout, item);
          tx.put(fitKey(key), encodeStored(JSON.stringify(item), itemSize(item)));
        }
      });
      const stored = await storage.read((tx) => [...tx.range({ start: layout.prefix })].map((entry) => entry.key));
      assert.ok(stored.some((key) => key.length === MAX_KEY_BYTES), 'some keys were cut');
      assert.ok(stored.some((key) => key.length > ORDERED_KEY_BYTES && key.length < MAX_KEY_BYTES), 'some keys sit between the ordered bytes and the limit');

      const operators: SortCondition['operator'][] = ['EQ', 'LT', 'LE', 'GT', 'GE', 'BETWEEN', 'BEGINS_WITH'];
      for (let round = 0; round < 30; round++) {
        const partition = partitions[Math.floor(random() * partitions.length)]!;
        const own = all.filter((item) => compareKeyValues(item.pk as KeyValue, partition) === 0);
        const pick = () => own[Math.floor(random() * own.length)]!.sk as KeyValue;
        const operator = operators[Math.floor(random() * (operators.length + 1))];
        let condition: SortCondition | undefined;
        if (operator === 'BETWEEN') condition = { operator, values: [pick(), pick()].sort(compareKeyValues) };
        else if (operator === 'BEGINS_WITH') {
          const bytes = Buffer.from((pick() as { B: string }).B, 'base64');
          condition = { operator, values: [{ B: bytes.subarray(0, 880 + Math.floor(random() * 100)).toString('base64') }] };
        } else if (operator !== undefined) condition = { operator, values: [pick()] };
        const reverse = random() < 0.5;
        const limit = 1 + Math.floor(random() * 25);

        const expected = own
          .filter((item) => conditionMatches(condition, item.sk as KeyValue))
          .sort((a, b) => compareKeyValues(a.sk as KeyValue, b.sk as KeyValue) * (reverse ? -1 : 1))
          .map((item) => (item.n as { N: string }).N);
        const got: string[] = [];
        let exclusiveStart: Uint8Array | undefined;
        for (let pages = 0; pages < 200; pages++) {
          const page = await readPage(storage, {
            range: keyRange(layout, [partition], [], condition),
            exclusiveStart,
            reverse,
            limit,
            keyOf: (entry) => layoutKey(layout, entry.item),
          });
          got.push(...page.entries.map((entry) => (entry.stored.item.n as { N: string }).N));
          if (!page.cut) break;
          exclusiveStart = layoutKey(layout, page.entries[page.entries.length - 1]!.stored.item);
        }
        assert.deepEqual(got, expected, `round ${round}: ${condition?.operator ?? 'partition'} reverse=${reverse} limit=${limit}`);
      }
    });
  }
});

describe('key attributes of a layout', () => {
  test('every attribute of a multi-attribute key takes part', () => {
    const attributes: KeyAttribute[] = [
      { name: 'a', type: 'S' },
      { name: 'b', type: 'S' },
    ];
    const multi: KeyLayout = { prefix, partition: attributes, sort: [], suffix: [] };
    const key = (a: string, b: string) => layoutKey(multi, { a: { S: a }, b: { S: b } });
    assert.notDeepEqual([...key('ab', 'c')], [...key('a', 'bc')]);
    const range = keyRange(multi, [{ S: 'ab' }, { S: 'c' }]);
    const inside = key('ab', 'c');
    assert.ok(compareBytes(range.start, inside) <= 0 && compareBytes(inside, range.end!) < 0);
  });
});
