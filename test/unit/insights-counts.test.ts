/**
 * Contributor Insights' counts below the server: a process's counter keeps
 * its minutes apart and its keys bounded, flushes merge into the stored
 * minute keeping the largest contributors, and the trim deletes old minutes
 * of every rule. On every backend.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../src/storage/storage.js';
import type { TableRecord } from '../../src/engine/table.js';
import { CapacityUsage } from '../../src/engine/capacity.js';
import { InsightCounter } from '../../src/features/insights/insight-counter.js';
import { addInsightData, MAX_CONTRIBUTORS, readInsightMinutes, trimInsightData, type InsightSeries } from '../../src/features/insights/insight-store.js';
import { storageBackends } from '../helpers/harness.js';
import { openTestStorage } from '../helpers/test-storage.js';

const RULES_CREATED_AT = 1_700_000_000_123;

/** A table keyed pk/sk with insights on, as far as counting looks at it. */
const table = {
  id: 7,
  TableName: 't',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [],
  contributorInsights: { enabled: true, mode: 'ACCESSED_AND_THROTTLED_KEYS', updatedAt: RULES_CREATED_AT, rulesCreatedAt: RULES_CREATED_AT, until: RULES_CREATED_AT },
} as unknown as TableRecord;

const series = (kind: InsightSeries['kind'], resource = 7): InsightSeries => ({ resource, kind, rulesCreatedAt: RULES_CREATED_AT });

for (const backend of storageBackends) {
  describe(`contributor insights counts [${backend}]`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    before(async () => ({ storage, cleanup } = await openTestStorage(backend)));
    after(() => cleanup());

    test('a counter keeps each minute apart, partition and item keys apart, and writes count three times', async () => {
      let clock = 100 * 60_000;
      const counter = new InsightCounter(storage, () => clock);
      const write = new CapacityUsage().addTable(2);
      counter.charged(table, 'write', write, { partition: { S: 'a' }, sort: { N: '1' } });
      counter.charged(table, 'read', new CapacityUsage().addTable(0.5), { partition: { S: 'a' } });
      clock += 60_000;
      counter.charged(table, 'read', new CapacityUsage().addTable(1), { partition: { S: 'b' } });
      // No partition key (a Scan): not counted.
      counter.charged(table, 'read', new CapacityUsage().addTable(9), undefined);
      await counter.flush();
      const minutes = await storage.read((tx) => readInsightMinutes(tx, series('PKC'), 0, 1000));
      assert.deepEqual(minutes, [
        { minute: 100, total: { sum: 6.5, count: 2, min: 0.5, max: 6 }, contributors: [{ keys: ['a'], sum: 6.5, count: 2 }] },
        { minute: 101, total: { sum: 1, count: 1, min: 1, max: 1 }, contributors: [{ keys: ['b'], sum: 1, count: 1 }] },
      ]);
      const items = await storage.read((tx) => readInsightMinutes(tx, series('SKC'), 0, 1000));
      assert.deepEqual(items.map((minute) => minute.contributors), [[{ keys: ['a', '1'], sum: 6, count: 1 }]]);
    });

    test('flushes merge into the stored minute and keep its largest contributors', async () => {
      const many = Array.from({ length: MAX_CONTRIBUTORS + 200 }, (_, i) => ({ keys: [`k${i}`], sum: 1, count: 1 }));
      const minute = { series: series('PKT', 8), minute: 5, total: { sum: many.length, count: many.length, min: 1, max: 1 } };
      await storage.write((tx) => addInsightData(tx, [{ ...minute, contributors: many }]));
      await storage.write((tx) => addInsightData(tx, [{ ...minute, total: { sum: 50, count: 1, min: 50, max: 50 }, contributors: [{ keys: ['k1100'], sum: 50, count: 1 }] }]));
      const [stored] = await storage.read((tx) => readInsightMinutes(tx, series('PKT', 8), 5, 6));
      assert.equal(stored!.contributors.length, MAX_CONTRIBUTORS);
      assert.deepEqual(stored!.contributors[0], { keys: ['k1100'], sum: 51, count: 2 });
      assert.deepEqual(stored!.total, { sum: many.length + 50, count: many.length + 1, min: 1, max: 50 });
    });

    test('a counter holds a bounded number of keys and keeps the hot one', async () => {
      const counter = new InsightCounter(storage, () => 200 * 60_000);
      const hot = { ...table, id: 9 } as TableRecord;
      for (let i = 0; i < 3 * MAX_CONTRIBUTORS; i++) {
        counter.accessed(hot, undefined, 'read', 1, { partition: { S: `cold${i}` } });
        counter.accessed(hot, undefined, 'read', 1, { partition: { S: 'hot' } });
      }
      await counter.flush();
      const [stored] = await storage.read((tx) => readInsightMinutes(tx, series('PKC', 9), 200, 201));
      assert.ok(stored!.contributors.length <= MAX_CONTRIBUTORS);
      assert.deepEqual(stored!.contributors[0], { keys: ['hot'], sum: 3 * MAX_CONTRIBUTORS, count: 3 * MAX_CONTRIBUTORS });
      assert.equal(stored!.total.count, 6 * MAX_CONTRIBUTORS);
    });

    test('the trim deletes every rule\'s minutes before the cut and keeps the rest', async () => {
      const one = (resource: number, kind: InsightSeries['kind'], minute: number) => ({
        series: series(kind, resource),
        minute,
        total: { sum: 1, count: 1, min: 1, max: 1 },
        contributors: [{ keys: ['x'], sum: 1, count: 1 }],
      });
      await storage.write((tx) => addInsightData(tx, [one(20, 'PKC', 10), one(20, 'PKC', 30), one(20, 'SKT', 11), one(21, 'PKT', 29), one(21, 'PKT', 31)]));
      await trimInsightData(storage, 30);
      const left = await storage.read((tx) =>
        [series('PKC', 20), series('SKT', 20), series('PKT', 21)].map((s) => readInsightMinutes(tx, s, 0, 100).map(({ minute }) => minute)),
      );
      assert.deepEqual(left, [[30], [], [31]]);
    });
  });
}
