/**
 * Metric data in storage, shared by every process and node on the store:
 * one record per series and minute (sum, sample count, minimum, maximum) and
 * one running total per series (sum, sample count) that only grows, which
 * Prometheus counters are read from. Processes add what they recorded in
 * flushes (recorder.ts); what is older than the retention is trimmed by the
 * one process holding the metrics lease.
 */
import type { ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { METRIC_PREFIX } from '../../engine/keyspace.js';
import { mergeStats, type Stat } from './metric-series.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One series' statistics for one minute, as a flush adds them. */
export interface MinuteStat {
  readonly series: string;
  readonly minute: number;
  readonly stat: Stat;
}

export interface SeriesTotal {
  readonly series: string;
  readonly sum: number;
  readonly count: number;
}

function seriesPrefix(prefix: number, series: string): Uint8Array {
  const text = encoder.encode(series);
  const key = new Uint8Array(text.length + 2);
  key[0] = prefix;
  key.set(text, 1);
  // NUL ends the series' text (it never holds one), so one series' minutes are one range.
  key[text.length + 1] = 0;
  return key;
}

function minuteKey(series: string, minute: number): Uint8Array {
  const prefix = seriesPrefix(METRIC_PREFIX.MINUTE, series);
  const key = new Uint8Array(prefix.length + 4);
  key.set(prefix);
  new DataView(key.buffer).setUint32(prefix.length, minute);
  return key;
}

function totalKey(series: string): Uint8Array {
  return seriesPrefix(METRIC_PREFIX.TOTAL, series);
}

function encodeFloats(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat64(i * 8, value));
  return bytes;
}

function decodeFloats(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let offset = 0; offset + 8 <= bytes.length; offset += 8) out.push(view.getFloat64(offset));
  return out;
}

function decodeStat(bytes: Uint8Array): Stat {
  const [sum = 0, count = 0, min = 0, max = 0] = decodeFloats(bytes);
  return { sum, count, min, max };
}

/** Adds a flush's statistics to the minutes and totals of their series. */
export function addMetricData(tx: WriteTransaction, data: Iterable<MinuteStat>): void {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const { series, minute, stat } of data) {
    const key = minuteKey(series, minute);
    const stored = tx.get(key);
    const merged = stored === undefined ? stat : mergeStats(decodeStat(stored), stat);
    tx.put(key, encodeFloats([merged.sum, merged.count, merged.min, merged.max]));
    const total = totals.get(series) ?? { sum: 0, count: 0 };
    total.sum += stat.sum;
    total.count += stat.count;
    totals.set(series, total);
  }
  for (const [series, { sum, count }] of totals) {
    const key = totalKey(series);
    const stored = tx.get(key);
    const [oldSum = 0, oldCount = 0] = stored === undefined ? [] : decodeFloats(stored);
    tx.put(key, encodeFloats([oldSum + sum, oldCount + count]));
  }
}

/** A series' minutes from `fromMinute` up to (not including) `toMinute`, oldest first. */
export function readMinutes(tx: ReadTransaction, series: string, fromMinute: number, toMinute: number): { minute: number; stat: Stat }[] {
  const out: { minute: number; stat: Stat }[] = [];
  if (toMinute <= fromMinute) return out;
  for (const { key, value } of tx.range({ start: minuteKey(series, Math.max(0, fromMinute)), end: minuteKey(series, toMinute) })) {
    const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
    out.push({ minute: view.getUint32(key.length - 4), stat: decodeStat(value) });
  }
  return out;
}

/** Every series with data, and its running total. */
export function readTotals(tx: ReadTransaction): SeriesTotal[] {
  const out: SeriesTotal[] = [];
  const range = { start: new Uint8Array([METRIC_PREFIX.TOTAL]), end: new Uint8Array([METRIC_PREFIX.TOTAL + 1]) };
  for (const { key, value } of tx.range(range)) {
    const [sum = 0, count = 0] = decodeFloats(value);
    out.push({ series: decoder.decode(key.subarray(1, key.length - 1)), sum, count });
  }
  return out;
}

/** Deletes every series' minutes before `beforeMinute` (run each minute, so about one minute per series). */
export async function trimMetricData(storage: Storage, beforeMinute: number): Promise<void> {
  await storage.write((tx) => {
    for (const { series } of readTotals(tx)) {
      const old = [...tx.range({ start: minuteKey(series, 0), end: minuteKey(series, beforeMinute) })];
      for (const { key } of old) tx.delete(key);
    }
  });
}
