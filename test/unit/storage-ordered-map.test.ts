import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OrderedMap } from '../../src/storage/ordered-map.js';
import { compareBytes } from '../../src/storage/bytes.js';
import { prng } from '../helpers/random.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const u32 = (n: number): Uint8Array => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n);
  return bytes;
};

describe('OrderedMap (B+tree)', () => {
  test('random inserts and deletes match a sorted reference, through splits and merges', () => {
    const random = prng(99);
    const map = new OrderedMap<number>();
    const reference = new Map<string, { key: Uint8Array; value: number }>();
    const randomKey = () => Uint8Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * 24) * 11);
    for (let step = 0; step < 60_000; step++) {
      const key = randomKey();
      // Phases of mostly-insert then mostly-delete drive the tree up and back down.
      const insertBias = Math.floor(step / 10_000) % 2 === 0 ? 0.8 : 0.2;
      if (random() < insertBias) {
        map.set(key, step);
        reference.set(hex(key), { key, value: step });
      } else {
        assert.equal(map.delete(key), reference.delete(hex(key)));
      }
      if (step % 997 === 0) {
        const expected = [...reference.values()].sort((a, b) => compareBytes(a.key, b.key));
        assert.equal(map.size, expected.length);
        assert.deepEqual([...map.entries()].map(([k, v]) => [hex(k), v]), expected.map((e) => [hex(e.key), e.value]));
        const start = randomKey();
        const end = randomKey();
        const inRange = expected.filter((e) => compareBytes(e.key, start) >= 0 && compareBytes(e.key, end) < 0).map((e) => hex(e.key));
        assert.deepEqual([...map.entries({ start, end })].map(([k]) => hex(k)), inRange);
        assert.deepEqual([...map.entries({ start, end, reverse: true })].map(([k]) => hex(k)), inRange.reverse());
      }
    }
    for (const { key, value } of reference.values()) assert.equal(map.get(key), value);
    for (const { key } of [...reference.values()]) assert.equal(map.delete(key), true);
    assert.equal(map.size, 0);
    assert.deepEqual([...map.entries()], []);
    assert.deepEqual([...map.entries({ reverse: true })], []);
  });

  test('iteration survives deletes and inserts of other keys while walking', () => {
    const map = new OrderedMap<number>();
    for (let i = 0; i < 5000; i++) map.set(u32(i * 2), i);
    const seen: number[] = [];
    for (const [key, value] of map.entries()) {
      seen.push(value);
      map.delete(key);
      if (value % 100 === 0) map.set(u32(value * 2 + 1), -1);
    }
    assert.deepEqual(seen.filter((v) => v >= 0), Array.from({ length: 5000 }, (_, i) => i));
    assert.equal(seen.filter((v) => v < 0).length, 50);
    assert.equal(map.size, 0);
    for (let i = 0; i < 5000; i++) map.set(u32(i), i);
    const backwards: number[] = [];
    for (const [key, value] of map.entries({ reverse: true })) {
      backwards.push(value);
      map.delete(key);
    }
    assert.deepEqual(backwards, Array.from({ length: 5000 }, (_, i) => 4999 - i));
  });

  test('holds a million keys inserted in random order', () => {
    const random = prng(1);
    const map = new OrderedMap<number>();
    const n = 1_000_000;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) map.set(u32(i), i);
    assert.equal(map.size, n);
    assert.equal(map.get(u32(123_456)), 123_456);
    assert.deepEqual([...map.entries({ start: u32(500_000), end: u32(500_003) })].map(([, v]) => v), [500_000, 500_001, 500_002]);
    assert.deepEqual([...map.entries({ end: u32(3), reverse: true })].map(([, v]) => v), [2, 1, 0]);
    let count = 0;
    let previous = -1;
    for (const [, value] of map.entries()) {
      assert.ok(value > previous);
      previous = value;
      count++;
    }
    assert.equal(count, n);
  });
});
