/**
 * Contributor Insights counts in storage, shared by every process and node:
 * one record per rule series (the table or index, the kind of rule, when its
 * rules were created) and minute, holding the minute's totals and its
 * largest contributors. Processes add what they counted in flushes
 * (insight-counter.ts); each flush merges into the stored minute and keeps
 * its MAX_CONTRIBUTORS largest, so a record stays bounded however many keys
 * a table has, and what is reported is approximate past that, as
 * CloudWatch's "Approximate" members say. Minutes older than the metrics
 * retention are trimmed by the process holding the insights lease.
 */
import type { ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { INSIGHTS_PREFIX } from '../../engine/keyspace.js';
import { mergeStats, type Stat } from '../metrics/metric-series.js';
import type { RuleKind } from './insight-rules.js';

/** Contributors kept per rule series and minute, in storage and in each process. */
export const MAX_CONTRIBUTORS = 1000;

const KIND_CODES: Readonly<Record<RuleKind, number>> = { PKC: 1, PKT: 2, SKC: 3, SKT: 4 };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One rule's counts: of which table or index, which kind, and which enabling (the rules' creation time). */
export interface InsightSeries {
  readonly resource: number;
  readonly kind: RuleKind;
  readonly rulesCreatedAt: number;
}

/** One contributor (its key values, as the rule's KeyLabels order them) and what it added up to. */
export interface Contribution {
  readonly keys: readonly string[];
  readonly sum: number;
  readonly count: number;
}

/** One minute of a rule: every event's statistics together, and the largest contributors. */
export interface MinuteCounts {
  readonly minute: number;
  readonly total: Stat;
  readonly contributors: readonly Contribution[];
}

export interface SeriesMinute extends MinuteCounts {
  readonly series: InsightSeries;
}

const SERIES_BYTES = 14;

function seriesPrefix({ resource, kind, rulesCreatedAt }: InsightSeries): Uint8Array {
  const key = new Uint8Array(SERIES_BYTES);
  const view = new DataView(key.buffer);
  key[0] = INSIGHTS_PREFIX;
  view.setUint32(1, resource);
  key[5] = KIND_CODES[kind];
  view.setUint32(6, Math.floor(rulesCreatedAt / 2 ** 32));
  view.setUint32(10, rulesCreatedAt % 2 ** 32);
  return key;
}

function minuteKey(prefix: Uint8Array, minute: number): Uint8Array {
  const key = new Uint8Array(SERIES_BYTES + 4);
  key.set(prefix);
  new DataView(key.buffer).setUint32(SERIES_BYTES, minute);
  return key;
}

/** The first key after every key that starts with `prefix`. */
function after(prefix: Uint8Array): Uint8Array {
  const next = new Uint8Array(prefix);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 0xff) {
      next[i]!++;
      return next;
    }
    next[i] = 0;
  }
  throw new Error('no key follows an all-0xFF prefix');
}

/** The `limit` largest contributors, largest first (ties: more events, then key order, so every process keeps the same). */
export function largest(contributors: Iterable<Contribution>, limit: number = MAX_CONTRIBUTORS): Contribution[] {
  const ranked = [...contributors].map((contribution) => ({ contribution, text: JSON.stringify(contribution.keys) }));
  ranked.sort((a, b) => b.contribution.sum - a.contribution.sum || b.contribution.count - a.contribution.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return ranked.slice(0, limit).map(({ contribution }) => contribution);
}

type StoredMinute = { readonly t: readonly [number, number, number, number]; readonly c: readonly (readonly [readonly string[], number, number])[] };

function encodeMinute(total: Stat, contributors: readonly Contribution[]): Uint8Array {
  const stored: StoredMinute = { t: [total.sum, total.count, total.min, total.max], c: contributors.map(({ keys, sum, count }) => [keys, sum, count] as const) };
  return encoder.encode(JSON.stringify(stored));
}

function decodeMinute(minute: number, bytes: Uint8Array): MinuteCounts {
  const { t, c } = JSON.parse(decoder.decode(bytes)) as StoredMinute;
  return { minute, total: { sum: t[0], count: t[1], min: t[2], max: t[3] }, contributors: c.map(([keys, sum, count]) => ({ keys, sum, count })) };
}

/** Adds a flush's counts to the stored minutes of their rules. */
export function addInsightData(tx: WriteTransaction, data: Iterable<SeriesMinute>): void {
  for (const { series, minute, total, contributors } of data) {
    const key = minuteKey(seriesPrefix(series), minute);
    const bytes = tx.get(key);
    if (bytes === undefined) {
      tx.put(key, encodeMinute(total, largest(contributors)));
      continue;
    }
    const stored = decodeMinute(minute, bytes);
    const merged = new Map<string, Contribution>();
    for (const contribution of [...stored.contributors, ...contributors]) {
      const text = JSON.stringify(contribution.keys);
      const held = merged.get(text);
      merged.set(text, held === undefined ? contribution : { keys: held.keys, sum: held.sum + contribution.sum, count: held.count + contribution.count });
    }
    tx.put(key, encodeMinute(mergeStats(stored.total, total), largest(merged.values())));
  }
}

/** A rule's minutes from `fromMinute` up to (not including) `toMinute`, oldest first. */
export function readInsightMinutes(tx: ReadTransaction, series: InsightSeries, fromMinute: number, toMinute: number): MinuteCounts[] {
  if (toMinute <= fromMinute) return [];
  const prefix = seriesPrefix(series);
  const out: MinuteCounts[] = [];
  for (const { key, value } of tx.range({ start: minuteKey(prefix, Math.max(0, fromMinute)), end: minuteKey(prefix, toMinute) })) {
    out.push(decodeMinute(new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(SERIES_BYTES), value));
  }
  return out;
}

/**
 * Deletes every rule's minutes before `beforeMinute`, series by series: each
 * step reads the next series' first key and deletes that series' old minutes.
 */
export async function trimInsightData(storage: Storage, beforeMinute: number): Promise<void> {
  await storage.write((tx) => {
    const end = new Uint8Array([INSIGHTS_PREFIX + 1]);
    let from: Uint8Array = new Uint8Array([INSIGHTS_PREFIX]);
    for (;;) {
      const [first] = tx.range({ start: from, end, limit: 1 });
      if (first === undefined) return;
      const prefix = first.key.subarray(0, SERIES_BYTES);
      const old = [...tx.range({ start: minuteKey(prefix, 0), end: minuteKey(prefix, beforeMinute) })];
      for (const { key } of old) tx.delete(key);
      from = after(prefix);
    }
  });
}
