/**
 * The metrics' store: accumulators close at each minute, flushes from several
 * processes add up, a failed flush keeps its data for the next, old minutes
 * are trimmed while totals stay, and minutes gather into periods.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricRecorder } from '../../src/features/metrics/recorder.js';
import { readMinutes, readTotals, trimMetricData } from '../../src/features/metrics/metric-store.js';
import { seriesText, parseSeries } from '../../src/features/metrics/metric-series.js';
import { periodData, statisticOf } from '../../src/features/metrics/metric-query.js';
import { DynamoDbMetrics, NO_METRICS } from '../../src/features/metrics/dynamodb-metrics.js';
import { CapacityUsage } from '../../src/engine/capacity.js';
import type { TableRecord } from '../../src/engine/table.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { Storage } from '../../src/storage/storage.js';

const SERIES = seriesText({
  account: '1',
  region: 'r',
  namespace: 'AWS/DynamoDB',
  metric: 'ConsumedReadCapacityUnits',
  dimensions: [{ Name: 'TableName', Value: 't' }, { Name: 'GlobalSecondaryIndexName', Value: 'i' }],
});
const MINUTE = 60_000;
const T0 = 29_000_000 * MINUTE;

test('a series text is one per series, whatever the order of its dimensions, and reads back', () => {
  const other = seriesText({ ...parseSeries(SERIES), dimensions: [{ Name: 'TableName', Value: 't' }, { Name: 'GlobalSecondaryIndexName', Value: 'i' }].reverse() });
  assert.equal(other, SERIES);
  assert.deepEqual(parseSeries(SERIES).dimensions, [{ Name: 'GlobalSecondaryIndexName', Value: 'i' }, { Name: 'TableName', Value: 't' }]);
});

test('samples gather per minute; two recorders on one store add up; totals hold every minute', async () => {
  const storage = createMemoryStorage();
  const [a, b] = [new MetricRecorder(storage), new MetricRecorder(storage)];
  a.accumulator(SERIES).add(2, T0);
  a.accumulator(SERIES).add(5, T0 + 1000);
  a.accumulator(SERIES).add(1, T0 + MINUTE);
  b.accumulator(SERIES).add(7, T0 + 2000);
  await a.flush();
  await b.flush();
  const minutes = await storage.read((tx) => readMinutes(tx, SERIES, T0 / MINUTE, T0 / MINUTE + 10));
  assert.deepEqual(minutes, [
    { minute: T0 / MINUTE, stat: { sum: 14, count: 3, min: 2, max: 7 } },
    { minute: T0 / MINUTE + 1, stat: { sum: 1, count: 1, min: 1, max: 1 } },
  ]);
  assert.deepEqual(await storage.read(readTotals), [{ series: SERIES, sum: 15, count: 4 }]);
  // A flush with nothing new writes nothing.
  await a.flush();
  assert.deepEqual(await storage.read(readTotals), [{ series: SERIES, sum: 15, count: 4 }]);
});

test('a failed flush keeps what it held for the next', async () => {
  const storage = createMemoryStorage();
  let fail = true;
  const flaky: Storage = { ...storage, get: storage.get.bind(storage), read: storage.read.bind(storage), close: storage.close.bind(storage), write: (fn) => (fail ? Promise.reject(new Error('down')) : storage.write(fn)) };
  const recorder = new MetricRecorder(flaky);
  recorder.accumulator(SERIES).add(3, T0);
  await assert.rejects(recorder.flush(), /down/);
  fail = false;
  recorder.accumulator(SERIES).add(4, T0);
  await recorder.flush();
  assert.deepEqual(await storage.read(readTotals), [{ series: SERIES, sum: 7, count: 2 }]);
});

test('trimming drops the minutes before its horizon and keeps the totals', async () => {
  const storage = createMemoryStorage();
  const recorder = new MetricRecorder(storage);
  for (let m = 0; m < 5; m++) recorder.accumulator(SERIES).add(1, T0 + m * MINUTE);
  await recorder.flush();
  await trimMetricData(storage, T0 / MINUTE + 3);
  const minutes = await storage.read((tx) => readMinutes(tx, SERIES, 0, T0 / MINUTE + 10));
  assert.deepEqual(minutes.map((m) => m.minute - T0 / MINUTE), [3, 4]);
  assert.deepEqual(await storage.read(readTotals), [{ series: SERIES, sum: 5, count: 5 }]);
});

test('minutes gather into periods from the start\'s minute, and statistics read them', async () => {
  const storage = createMemoryStorage();
  const recorder = new MetricRecorder(storage);
  [4, 1, 9, 2, 6].forEach((value, m) => recorder.accumulator(SERIES).add(value, T0 + m * MINUTE));
  await recorder.flush();
  const points = await periodData(storage, NO_METRICS, SERIES, T0 + 30_000, T0 + 5 * MINUTE, 120);
  assert.deepEqual(points.map((p) => [p.timestamp - T0, p.stat.sum]), [[0, 5], [2 * MINUTE, 11], [4 * MINUTE, 6]]);
  const [first] = points;
  assert.equal(statisticOf(first!.stat, 'Average'), 2.5);
  assert.equal(statisticOf(first!.stat, 'Maximum'), 4);
  assert.equal(statisticOf(first!.stat, 'Minimum'), 1);
  assert.equal(statisticOf(first!.stat, 'SampleCount'), 2);
  // Under a minute: one-minute periods, as CloudWatch gives for standard-resolution data.
  assert.equal((await periodData(storage, NO_METRICS, SERIES, T0, T0 + 5 * MINUTE, 10)).length, 5);
});

test('a table and a global index of the same name are separate series', async () => {
  const storage = createMemoryStorage();
  const metrics = new DynamoDbMetrics(new MetricRecorder(storage));
  const table = { account: '1', region: 'r', TableName: 'same' } as TableRecord;
  metrics.consumed(table, 'write', new CapacityUsage().addTable(1).addIndex('same', false, 2));
  metrics.consumed(table, 'write', new CapacityUsage().addTable(1).addIndex('same', false, 2));
  await metrics.flush();
  const totals = (await storage.read(readTotals)).map(({ series, sum }) => [parseSeries(series).dimensions.map((d) => d.Name).join('+'), sum]);
  assert.deepEqual(totals.sort(), [['GlobalSecondaryIndexName+TableName', 4], ['TableName', 2]]);
});
