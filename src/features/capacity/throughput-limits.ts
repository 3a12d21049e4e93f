/**
 * Capacity enforcement (`--capacity enforce`). Every table and global index
 * with a rate gets a read and a write token bucket: a provisioned one at its
 * RCU/WCU holding up to `burstSeconds` of unused capacity (DynamoDB keeps up
 * to 300 seconds), an on-demand one at its OnDemandThroughput maximum or,
 * without one, the account's per-table quota (no burst). Every partition key value gets one at DynamoDB's per-partition
 * limit (3,000 RCU, 1,000 WCU a second), so a hot key throttles while the
 * others go on. A request is let in while the buckets it draws on hold any
 * units and pays what it consumed afterwards.
 *
 * The buckets live in each process; every process takes its share of each
 * rate (the rate divided by the processes serving the store, counted from
 * their heartbeats in storage: see members.ts), so the processes and nodes
 * together admit the table's rate. A process that takes more than its share
 * of the load throttles a little early: the price of not writing to storage
 * on every request.
 */
import { DynamoError } from '../../protocol/errors.js';
import type { CapacityUsage } from '../../engine/capacity.js';
import { tableArn, type IndexRecord, type TableRecord } from '../../engine/table.js';
import { TokenBucket } from './token-bucket.js';
import { TABLE_MAX_CAPACITY_UNITS } from './account-limits.js';

export type Access = 'read' | 'write';

export interface Target {
  /** A global index the request reads (Query or Scan with IndexName); a read of a local index draws on the table. */
  readonly index?: string;
  /** The partition key value (or values) the request reads or writes, when it has one. */
  readonly partition?: unknown;
  /** The sort key value, when the request names one item of a table with a sort key (Contributor Insights counts it). */
  readonly sort?: unknown;
}

export interface ThroughputLimits {
  /** False when nothing is ever refused (`--capacity report`): callers skip per-item accounting. */
  readonly enforcing: boolean;
  /** The throttling error the request would get now, or undefined when it may run (batches leave such entries unprocessed). */
  refusal(table: TableRecord, access: Access, target?: Target): DynamoError | undefined;
  /** Throws the refusal, if any. */
  admit(table: TableRecord, access: Access, target?: Target): void;
  /** Takes what a request consumed out of the buckets it drew on. */
  charge(table: TableRecord, access: Access, usage: CapacityUsage, target?: Target): void;
  /**
   * Batches, entry by entry: the refusal the entry gets, or, when it may run,
   * `units` (the least it will cost) taken at once from its table's and its
   * partition's buckets, so the batch's next entries see them gone.
   */
  reserve(table: TableRecord, access: Access, partition: unknown, units: number, sort?: unknown): DynamoError | undefined;
  /** Gives a reservation back once the batch has been charged what it consumed. */
  release(table: TableRecord, access: Access, partition: unknown, units: number): void;
  /** Batches, whose tables are charged once: what one entry consumed, out of its partition's bucket. */
  chargePartition(table: TableRecord, access: Access, partition: unknown, units: number, sort?: unknown): void;
}

/** `--capacity report`: counted and returned, never throttled (as DynamoDB Local). */
export const UNLIMITED: ThroughputLimits = {
  enforcing: false,
  refusal: () => undefined,
  admit: () => undefined,
  charge: () => undefined,
  reserve: () => undefined,
  release: () => undefined,
  chargePartition: () => undefined,
};

/** DynamoDB's per-partition limits, units a second. */
const PARTITION_RATE: Readonly<Record<Access, number>> = { read: 3000, write: 1000 };
/** Partition buckets kept per process; the least recently created go first beyond this. */
const MAX_PARTITION_BUCKETS = 10_000;

// Messages as live DynamoDB answered them (projects' issue reports quoting the SDK errors:
// benhutchins/dyngoose#668 for the table's, praetorian-inc/chariot-ui#684 for ThrottlingException's).
const TABLE_EXCEEDED = 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
const INDEX_EXCEEDED =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API';
const ON_DEMAND_EXCEEDED =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';

type LimitType = 'ProvisionedThroughputExceeded' | 'MaxOnDemandThroughputExceeded' | 'AccountLimitExceeded' | 'KeyRangeThroughputExceeded';

/**
 * The error with DynamoDB's ThrottlingReasons member (reason: resource type,
 * operation, limit; resource: the table's or index's ARN). Under load a
 * refusal is as common as an answer (a throttled batch refuses entry by
 * entry), so it is made without a stack trace, which costs more than the
 * rest of the refusal.
 */
function throttled(table: TableRecord, access: Access, limit: LimitType, index?: IndexRecord): DynamoError {
  const provisioned = table.BillingMode === 'PROVISIONED';
  const reason = `${index === undefined ? 'Table' : 'Index'}${access === 'read' ? 'Read' : 'Write'}${limit}`;
  const resource = index === undefined ? tableArn(table) : `${tableArn(table)}/index/${index.IndexName}`;
  const extra = { ThrottlingReasons: [{ reason, resource }] };
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    if (!provisioned) return new DynamoError('ThrottlingException', ON_DEMAND_EXCEEDED, extra);
    return new DynamoError('ProvisionedThroughputExceededException', index === undefined ? TABLE_EXCEEDED : INDEX_EXCEEDED, extra);
  } finally {
    Error.stackTraceLimit = traces;
  }
}

/** A rate a table or global index is held to (units a second), whether it keeps a burst, and the limit its refusals name. */
interface Rate {
  readonly rate: number;
  readonly burst: boolean;
  readonly limit: LimitType;
}

/**
 * A provisioned table or index is held to its capacity; an on-demand one to
 * its OnDemandThroughput maximum or, without one, to the account's per-table
 * quota (DescribeLimits' 40,000, refused as AccountLimitExceeded: the
 * Developer Guide's "Account limits exceeded" throttling).
 */
function rateOf(table: TableRecord, access: Access, index?: IndexRecord): Rate | undefined {
  const source = index ?? table;
  if (table.BillingMode === 'PROVISIONED') {
    const throughput = source.ProvisionedThroughput;
    if (throughput === undefined) return undefined;
    return { rate: access === 'read' ? throughput.ReadCapacityUnits : throughput.WriteCapacityUnits, burst: true, limit: 'ProvisionedThroughputExceeded' };
  }
  const max = access === 'read' ? source.OnDemandThroughput?.MaxReadRequestUnits : source.OnDemandThroughput?.MaxWriteRequestUnits;
  if (max === undefined || max <= 0) return { rate: TABLE_MAX_CAPACITY_UNITS, burst: false, limit: 'AccountLimitExceeded' };
  return { rate: max, burst: false, limit: 'MaxOnDemandThroughputExceeded' };
}

/** What of a request's consumption a global index's bucket pays: that index's units. */
function indexUnits(index: IndexRecord): (usage: CapacityUsage) => number {
  return (usage) => usage.globalIndexUnits().get(index.IndexName) ?? 0;
}

/**
 * The partition buckets of one table (or global index) and kind of access,
 * by key value: a string or number key by its text as it came (no string is
 * built per request), anything else (binary, multi-attribute keys) by its JSON.
 */
interface PartitionBuckets {
  readonly S: Map<string, TokenBucket>;
  readonly N: Map<string, TokenBucket>;
  readonly other: Map<string, TokenBucket>;
}

/** The map a partition key value's bucket is in, and its name there. */
function partitionSlot(buckets: PartitionBuckets, value: unknown): [Map<string, TokenBucket>, string] {
  const single = value as { readonly S?: unknown; readonly N?: unknown };
  if (typeof single.S === 'string') return [buckets.S, single.S];
  if (typeof single.N === 'string') return [buckets.N, single.N];
  return [buckets.other, JSON.stringify(value)];
}

/**
 * What a kind of request on one table draws on: the table's (or global
 * index's) buckets with their errors and the part of the consumption each
 * pays, and how its partition buckets are named. Worked out once per table
 * record (a changed table is a new record) and number of processes.
 */
interface Plan {
  readonly shares: number;
  readonly limited: readonly Drawn[];
  readonly partitions: PartitionBuckets;
  readonly partitionError: () => DynamoError;
  /** What of a request's consumption its partition pays: what its table's or index's bucket pays. */
  readonly units: (usage: CapacityUsage) => number;
}

interface Drawn {
  readonly bucket: TokenBucket;
  /** The table's own bucket (or the global index's a read draws on), not one of the indexes a write also draws on. */
  readonly own: boolean;
  readonly error: () => DynamoError;
  readonly units: (usage: CapacityUsage) => number;
}

export class EnforcedLimits implements ThroughputLimits {
  readonly enforcing = true;
  private readonly buckets = new Map<string, TokenBucket>();
  /** Every table's and index's partition buckets, by `${table id}/${index id}/${access}`, kept across plans. */
  private readonly partitionSets = new Map<string, PartitionBuckets>();
  /** How many partition buckets there are: at most MAX_PARTITION_BUCKETS. */
  private partitionCount = 0;
  private readonly plans = new WeakMap<TableRecord, Map<string, Plan>>();

  constructor(
    private readonly burstSeconds: number,
    /** How many processes share each rate (at least 1). */
    private readonly shares: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  private plan(table: TableRecord, access: Access, target: Target | undefined, now: number): Plan {
    const shares = Math.max(1, this.shares());
    const key = target?.index === undefined ? access : `${access}/${target.index}`;
    let byKind = this.plans.get(table);
    const known = byKind?.get(key);
    if (known !== undefined && known.shares === shares) return known;
    const index = target?.index === undefined ? undefined : table.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === target.index);
    // A read of a global index draws on the index; anything else (local indexes included) on the table.
    const source = access === 'read' ? index : undefined;
    const units = source === undefined ? (usage: CapacityUsage) => usage.tableUnits() : indexUnits(source);
    const limited: Drawn[] = [];
    const limit = rateOf(table, access, source);
    if (limit !== undefined) limited.push(this.limited(table, access, source, limit, shares, now, units, true));
    // A write draws on every global index it may write to: one short of capacity throttles the table's writes.
    if (access === 'write') {
      for (const gsi of table.GlobalSecondaryIndexes) {
        const indexLimit = rateOf(table, 'write', gsi);
        if (indexLimit !== undefined) limited.push(this.limited(table, 'write', gsi, indexLimit, shares, now, indexUnits(gsi), false));
      }
    }
    const plan: Plan = {
      shares,
      limited,
      partitions: this.partitionsOf(`${table.id}/${source?.id ?? ''}/${access}`),
      partitionError: () => throttled(table, access, 'KeyRangeThroughputExceeded', source),
      units,
    };
    if (byKind === undefined) this.plans.set(table, (byKind = new Map()));
    byKind.set(key, plan);
    return plan;
  }

  private limited(
    table: TableRecord,
    access: Access,
    index: IndexRecord | undefined,
    limit: Rate,
    shares: number,
    now: number,
    units: Drawn['units'],
    own: boolean,
  ): Drawn {
    const key = `${table.id}/${index?.id ?? ''}/${access}`;
    const rate = limit.rate / shares;
    const capacity = rate * (limit.burst ? this.burstSeconds : 1);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, (bucket = new TokenBucket(rate, capacity, now)));
    else bucket.resize(rate, capacity, now);
    return { bucket, own, error: () => throttled(table, access, limit.limit, index), units };
  }

  private partitionsOf(name: string): PartitionBuckets {
    let found = this.partitionSets.get(name);
    if (found === undefined) this.partitionSets.set(name, (found = { S: new Map(), N: new Map(), other: new Map() }));
    return found;
  }

  /**
   * The bucket of one partition key value, made at the partition limit on
   * first use; beyond MAX_PARTITION_BUCKETS the oldest of its map goes.
   */
  private partitionBucket(plan: Plan, access: Access, partition: unknown, now: number): TokenBucket {
    const [buckets, name] = partitionSlot(plan.partitions, partition);
    const rate = PARTITION_RATE[access] / plan.shares;
    let bucket = buckets.get(name);
    if (bucket === undefined) {
      buckets.set(name, (bucket = new TokenBucket(rate, rate, now)));
      if (++this.partitionCount > MAX_PARTITION_BUCKETS) {
        buckets.delete(buckets.keys().next().value!);
        this.partitionCount--;
      }
    } else {
      bucket.resize(rate, rate, now);
    }
    return bucket;
  }

  /** The refusal of a request drawing on the plan's buckets and, when it names one, its partition's. */
  private refused(plan: Plan, partition: TokenBucket | undefined, now: number): DynamoError | undefined {
    for (const { bucket, error } of plan.limited) if (!bucket.admits(now)) return error();
    return partition !== undefined && !partition.admits(now) ? plan.partitionError() : undefined;
  }

  refusal(table: TableRecord, access: Access, target?: Target): DynamoError | undefined {
    const now = this.now();
    const plan = this.plan(table, access, target, now);
    return this.refused(plan, target?.partition === undefined ? undefined : this.partitionBucket(plan, access, target.partition, now), now);
  }

  admit(table: TableRecord, access: Access, target?: Target): void {
    const error = this.refusal(table, access, target);
    if (error !== undefined) throw error;
  }

  reserve(table: TableRecord, access: Access, partition: unknown, units: number): DynamoError | undefined {
    const now = this.now();
    const plan = this.plan(table, access, undefined, now);
    const bucket = this.partitionBucket(plan, access, partition, now);
    const refusal = this.refused(plan, bucket, now);
    if (refusal === undefined) this.draw(plan, bucket, units, now);
    return refusal;
  }

  release(table: TableRecord, access: Access, partition: unknown, units: number): void {
    const now = this.now();
    const plan = this.plan(table, access, undefined, now);
    this.draw(plan, this.partitionBucket(plan, access, partition, now), -units, now);
  }

  /** Takes `units` (given back when negative) from the table's own bucket and the partition's. */
  private draw(plan: Plan, partition: TokenBucket, units: number, now: number): void {
    for (const { bucket, own } of plan.limited) if (own) bucket.take(units, now);
    partition.take(units, now);
  }

  chargePartition(table: TableRecord, access: Access, partition: unknown, units: number): void {
    const now = this.now();
    this.partitionBucket(this.plan(table, access, undefined, now), access, partition, now).take(units, now);
  }

  charge(table: TableRecord, access: Access, usage: CapacityUsage, target?: Target): void {
    const now = this.now();
    const plan = this.plan(table, access, target, now);
    for (const { bucket, units } of plan.limited) bucket.take(units(usage), now);
    if (target?.partition !== undefined) this.partitionBucket(plan, access, target.partition, now).take(plan.units(usage), now);
  }
}
