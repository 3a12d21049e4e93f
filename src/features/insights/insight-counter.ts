/**
 * Counting for Contributor Insights, in each process: what requests consumed
 * of a table or global index whose insights are on, per partition key (and
 * per partition and sort key where a request names one item), and the
 * throttled requests the same way. The Developer Guide ("How it works")
 * defines the values: most accessed keys rank by ConsumedThroughputUnits,
 * read units plus three times write units; most throttled keys by
 * ThrottleCount, one per throttled request. Write throttling caused by a
 * global index's write capacity is not counted (the guide says so), and
 * neither are requests without a partition key (Scan).
 *
 * Counts are held per rule and minute, at most 2 × MAX_CONTRIBUTORS keys
 * before the smaller ones are dropped, and added to storage on every flush
 * (insight-store.ts), so every process's counts are read together.
 */
import type { Storage } from '../../storage/storage.js';
import type { ApiError } from '../../protocol/errors.js';
import type { CapacityUsage } from '../../engine/capacity.js';
import type { ContributorInsightsSetting, IndexRecord, TableRecord } from '../../engine/table.js';
import type { Access, Target } from '../capacity/throughput-limits.js';
import { minuteOf } from '../metrics/metric-series.js';
import { PendingWrites } from '../../engine/pending-writes.js';
import { addInsightData, largest, MAX_CONTRIBUTORS, type Contribution, type InsightSeries, type SeriesMinute } from './insight-store.js';
import type { RuleKind } from './insight-rules.js';

/** Whether a table's own item reads and writes are counted: insights on, in the mode that counts access. */
export function countsAccess(table: TableRecord): boolean {
  const setting = table.contributorInsights;
  return setting !== undefined && setting.enabled && setting.mode === 'ACCESSED_AND_THROTTLED_KEYS';
}

/** A key value as a contributor's key: a string's or number's text, a binary's base64. */
function keyText(value: unknown): string {
  const single = value as { readonly S?: string; readonly N?: string; readonly B?: string };
  return single.S ?? single.N ?? single.B ?? JSON.stringify(value);
}

/** The partition key's values: one, or a multi-attribute global index key's several. */
function partitionKeys(partition: unknown): string[] {
  return Array.isArray(partition) ? partition.map(keyText) : [keyText(partition)];
}

/** One rule's open minute in this process. */
class OpenMinute {
  minute = 0;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  readonly contributors = new Map<string, { readonly keys: readonly string[]; sum: number; count: number }>();

  constructor(readonly series: InsightSeries) {}

  add(keys: readonly string[], value: number): void {
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const text = JSON.stringify(keys);
    const held = this.contributors.get(text);
    if (held !== undefined) {
      held.sum += value;
      held.count++;
      return;
    }
    this.contributors.set(text, { keys, sum: value, count: 1 });
    if (this.contributors.size > 2 * MAX_CONTRIBUTORS) {
      const kept = new Set(largest(this.contributors.values()));
      for (const [key, contribution] of this.contributors) if (!kept.has(contribution)) this.contributors.delete(key);
    }
  }

  /** What it holds, as one minute's counts; it starts empty again. */
  take(): SeriesMinute {
    const taken: SeriesMinute = {
      series: this.series,
      minute: this.minute,
      total: { sum: this.sum, count: this.count, min: this.min, max: this.max },
      contributors: [...this.contributors.values()].map(({ keys, sum, count }): Contribution => ({ keys, sum, count })),
    };
    this.sum = 0;
    this.count = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.contributors.clear();
    return taken;
  }
}

export class InsightCounter {
  private readonly open = new Map<string, OpenMinute>();
  private readonly pending: PendingWrites<SeriesMinute>;

  constructor(
    storage: Storage,
    private readonly now: () => number = Date.now,
  ) {
    this.pending = new PendingWrites(storage, addInsightData, () => {
      for (const [id, open] of this.open) {
        if (open.count > 0) this.pending.push(open.take());
        // Rules switched off stop counting: their entries go with the flush after.
        else this.open.delete(id);
      }
    });
  }

  /** What a request consumed (its charge): counted for the table, or for the global index it read. */
  charged(table: TableRecord, access: Access, usage: CapacityUsage, target: Target | undefined): void {
    if (target?.partition === undefined || (target.index === undefined && table.contributorInsights === undefined)) return;
    const index = target.index === undefined ? undefined : table.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === target.index);
    if (index === undefined) {
      this.accessed(table, undefined, access, usage.tableUnits(), target);
    } else {
      this.accessed(table, index, access, usage.globalIndexUnits().get(index.IndexName) ?? 0, target);
    }
  }

  /** What one item of a table consumed, in table units (a batch's entries). */
  accessed(table: TableRecord, index: IndexRecord | undefined, access: Access, units: number, target: Target): void {
    const setting = (index ?? table).contributorInsights;
    if (setting === undefined || !setting.enabled || setting.mode !== 'ACCESSED_AND_THROTTLED_KEYS') return;
    this.count(index?.id ?? table.id, setting, 'PKC', 'SKC', access === 'write' ? 3 * units : units, target);
  }

  /** A request refused by a throttling error. */
  throttled(table: TableRecord, access: Access, error: ApiError, target: Target | undefined): void {
    if (target?.partition === undefined) return;
    const reasons = error.extra?.['ThrottlingReasons'] as readonly { readonly resource: string }[] | undefined;
    if (access === 'write' && reasons?.[0]?.resource.includes('/index/') === true) return;
    const index = target.index === undefined ? undefined : table.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === target.index);
    const setting = (index ?? table).contributorInsights;
    if (setting === undefined || !setting.enabled) return;
    this.count(index?.id ?? table.id, setting, 'PKT', 'SKT', 1, target);
  }

  private count(resource: number, setting: ContributorInsightsSetting, partitionKind: RuleKind, itemKind: RuleKind, value: number, target: Target): void {
    const keys = partitionKeys(target.partition);
    this.add({ resource, kind: partitionKind, rulesCreatedAt: setting.rulesCreatedAt }, keys, value);
    if (target.sort !== undefined) this.add({ resource, kind: itemKind, rulesCreatedAt: setting.rulesCreatedAt }, [...keys, keyText(target.sort)], value);
  }

  private add(series: InsightSeries, keys: readonly string[], value: number): void {
    const id = `${series.resource}/${series.kind}/${series.rulesCreatedAt}`;
    const minute = minuteOf(this.now());
    let open = this.open.get(id);
    if (open === undefined) {
      this.open.set(id, (open = new OpenMinute(series)));
      open.minute = minute;
    } else if (open.minute !== minute) {
      if (open.count > 0) this.pending.push(open.take());
      open.minute = minute;
    }
    open.add(keys, value);
  }

  /** Adds everything counted so far to storage (see PendingWrites). */
  flush(): Promise<void> {
    return this.pending.flush();
  }
}
