/**
 * The DynamoDB metrics CloudWatch publishes, recorded as requests are
 * answered, under CloudWatch's names and dimensions (the Developer Guide's
 * "DynamoDB metrics and dimensions"). Each event adds one sample, so Sum and
 * SampleCount mean what they mean in CloudWatch: ConsumedReadCapacityUnits'
 * Sum is the units, its SampleCount the requests.
 *
 * Which errors count where, as the guide says: throttled requests count in
 * ThrottledRequests and failed conditions in ConditionalCheckFailedRequests,
 * neither in UserErrors, which counts every other 400 of the account and
 * region without dimensions; 500s count in SystemErrors.
 */
import type { ApiError } from '../../protocol/errors.js';
import type { CapacityUsage } from '../../engine/capacity.js';
import type { TableRecord, Throughput } from '../../engine/table.js';
import type { Namespace } from '../../operations/operation.js';
import type { Access } from '../capacity/throughput-limits.js';
import { MetricRecorder, type Accumulator } from './recorder.js';
import { DYNAMODB_NAMESPACE, seriesText } from './metric-series.js';

/** How a throttling error names the limit it met (its ThrottlingReasons), and the metric that counts each. */
const LIMIT_METRICS: Readonly<Record<string, string>> = {
  ProvisionedThroughputExceeded: 'ProvisionedThroughputThrottleEvents',
  KeyRangeThroughputExceeded: 'KeyRangeThroughputThrottleEvents',
  MaxOnDemandThroughputExceeded: 'MaxOnDemandThroughputThrottleEvents',
  AccountLimitExceeded: 'AccountLimitThrottleEvents',
};

/** Every metric recorded here, by CloudWatch name. */
export const DYNAMODB_METRICS = [
  'ConsumedReadCapacityUnits',
  'ConsumedWriteCapacityUnits',
  'ProvisionedReadCapacityUnits',
  'ProvisionedWriteCapacityUnits',
  'ReadThrottleEvents',
  'WriteThrottleEvents',
  ...['Read', 'Write'].flatMap((access) => ['ProvisionedThroughput', 'KeyRangeThroughput', 'MaxOnDemandThroughput', 'AccountLimit'].map((limit) => `${access}${limit}ThrottleEvents`)),
  'ThrottledRequests',
  'SuccessfulRequestLatency',
  'SystemErrors',
  'UserErrors',
  'ConditionalCheckFailedRequests',
  'TransactionConflict',
  'ReturnedItemCount',
  'TimeToLiveDeletedItemCount',
  'ReplicationLatency',
  'PendingReplicationCount',
] as const;

/** The unit CloudWatch gives each DynamoDB metric: Count but for the latency. */
export function unitOf(metric: string): 'Count' | 'Milliseconds' {
  return metric === 'SuccessfulRequestLatency' || metric === 'ReplicationLatency' ? 'Milliseconds' : 'Count';
}

const THROTTLES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/** The table's or index's name part of a throttled resource's ARN: `.../table/T` or `.../table/T/index/I`. */
function indexOfResource(resource: string): string | undefined {
  const at = resource.indexOf('/index/');
  return at < 0 ? undefined : resource.slice(at + '/index/'.length);
}

export interface Metrics {
  /** False with --metrics off: nothing is recorded. */
  readonly enabled: boolean;
  /** A request answered, with the tables it named, when it started (performance.now()) and its error. */
  request(namespace: Namespace, operation: string, tables: readonly string[], startedAt: number, error: ApiError | undefined): void;
  /** What a request consumed of a table and its global indexes. */
  consumed(table: TableRecord, access: Access, usage: CapacityUsage): void;
  /** A read or write (or a batch's entry) refused by the throttling error given. */
  throttled(table: TableRecord, access: Access, error: ApiError): void;
  /** Items a Query, Scan or PartiQL select returned. */
  returnedItems(table: TableRecord, operation: string, count: number): void;
  /** Items Time to Live deleted. */
  expired(table: TableRecord, count: number): void;
  /**
   * A global table's changes applied in another region: each one's time from
   * its commit here to its arrival there, and how many changes were still to
   * be sent after them.
   */
  replicated(table: Where & { readonly TableName: string }, receivingRegion: string, latenciesMs: readonly number[], pending: number): void;
  /** A provisioned table's or global index's capacity, sampled once a minute (metrics-job.ts). */
  provisioned(table: TableRecord, throughput: Throughput | undefined, index?: string): void;
  /** Adds what this process recorded to storage, so a reader sees it. */
  flush(): Promise<void>;
}

export const NO_METRICS: Metrics = {
  enabled: false,
  request: () => undefined,
  consumed: () => undefined,
  throttled: () => undefined,
  returnedItems: () => undefined,
  expired: () => undefined,
  replicated: () => undefined,
  provisioned: () => undefined,
  flush: () => Promise.resolve(),
};

type Where = Pick<TableRecord, 'account' | 'region'>;

/** The dimensions a metric is recorded with, by name in CloudWatch's (sorted) order; the values come with each sample. */
const NONE: readonly string[] = [];
const TABLE = ['TableName'];
const OPERATION = ['Operation'];
const OPERATION_TABLE = ['Operation', 'TableName'];
const INDEX_TABLE = ['GlobalSecondaryIndexName', 'TableName'];
const RECEIVER_TABLE = ['ReceivingRegion', 'TableName'];

/**
 * Accumulators by account, region, metric and dimension values, one map per
 * step, so a sample builds no string; one tree per set of dimension names, so
 * a table and an index of the same name never meet.
 */
type Level = Map<string, Level | Accumulator>;

function step(level: Level, key: string): Level {
  let next = level.get(key) as Level | undefined;
  if (next === undefined) level.set(key, (next = new Map()));
  return next;
}

export class DynamoDbMetrics implements Metrics {
  readonly enabled = true;
  private readonly roots = new Map<readonly string[], Level>();

  constructor(readonly recorder: MetricRecorder) {}

  private add(where: Where, metric: string, value: number, names: readonly string[], first = '', second = ''): void {
    let root = this.roots.get(names);
    if (root === undefined) this.roots.set(names, (root = new Map()));
    let level = step(step(step(root, where.account), where.region), metric);
    if (names.length === 2) level = step(level, first);
    const last = names.length === 2 ? second : first;
    let accumulator = level.get(last) as Accumulator | undefined;
    if (accumulator === undefined) {
      const values = names.length === 2 ? [first, second] : [first];
      const dimensions = names.map((Name, i) => ({ Name, Value: values[i]! }));
      accumulator = this.recorder.accumulator(seriesText({ account: where.account, region: where.region, namespace: DYNAMODB_NAMESPACE, metric, dimensions }));
      level.set(last, accumulator);
    }
    accumulator.add(value);
  }

  request(namespace: Namespace, operation: string, tables: readonly string[], startedAt: number, error: ApiError | undefined): void {
    if (error === undefined) {
      const latency = performance.now() - startedAt;
      for (const table of tables) this.add(namespace, 'SuccessfulRequestLatency', latency, OPERATION_TABLE, operation, table);
      return;
    }
    const type = error.fullType.slice(error.fullType.indexOf('#') + 1);
    if (error.status >= 500) {
      if (tables.length === 0) this.add(namespace, 'SystemErrors', 1, OPERATION, operation);
      for (const table of tables) this.add(namespace, 'SystemErrors', 1, OPERATION_TABLE, operation, table);
    } else if (THROTTLES.has(type)) {
      for (const table of tables) this.add(namespace, 'ThrottledRequests', 1, OPERATION_TABLE, operation, table);
    } else if (type === 'ConditionalCheckFailedException') {
      for (const table of tables) this.add(namespace, 'ConditionalCheckFailedRequests', 1, TABLE, table);
    } else if (type === 'TransactionConflictException') {
      for (const table of tables) this.add(namespace, 'TransactionConflict', 1, TABLE, table);
      this.add(namespace, 'UserErrors', 1, NONE);
    } else {
      this.add(namespace, 'UserErrors', 1, NONE);
    }
  }

  consumed(table: TableRecord, access: Access, usage: CapacityUsage): void {
    const metric = access === 'read' ? 'ConsumedReadCapacityUnits' : 'ConsumedWriteCapacityUnits';
    this.add(table, metric, usage.tableUnits(), TABLE, table.TableName);
    for (const [index, units] of usage.globalIndexUnits()) this.add(table, metric, units, INDEX_TABLE, index, table.TableName);
  }

  throttled(table: TableRecord, access: Access, error: ApiError): void {
    const reasons = error.extra?.['ThrottlingReasons'] as readonly { readonly reason: string; readonly resource: string }[] | undefined;
    const first = reasons?.[0];
    const index = first === undefined ? undefined : indexOfResource(first.resource);
    const record = (metric: string) =>
      index === undefined ? this.add(table, metric, 1, TABLE, table.TableName) : this.add(table, metric, 1, INDEX_TABLE, index, table.TableName);
    const prefix = access === 'read' ? 'Read' : 'Write';
    record(`${prefix}ThrottleEvents`);
    const limit = first === undefined ? undefined : Object.keys(LIMIT_METRICS).find((name) => first.reason.endsWith(name));
    if (limit !== undefined) record(`${prefix}${LIMIT_METRICS[limit]}`);
  }

  returnedItems(table: TableRecord, operation: string, count: number): void {
    this.add(table, 'ReturnedItemCount', count, OPERATION_TABLE, operation, table.TableName);
  }

  expired(table: TableRecord, count: number): void {
    this.add(table, 'TimeToLiveDeletedItemCount', count, TABLE, table.TableName);
  }

  replicated(table: Where & { readonly TableName: string }, receivingRegion: string, latenciesMs: readonly number[], pending: number): void {
    for (const latency of latenciesMs) this.add(table, 'ReplicationLatency', latency, RECEIVER_TABLE, receivingRegion, table.TableName);
    this.add(table, 'PendingReplicationCount', pending, RECEIVER_TABLE, receivingRegion, table.TableName);
  }

  provisioned(table: TableRecord, throughput: Throughput | undefined, index?: string): void {
    if (throughput === undefined) return;
    for (const [metric, units] of [['ProvisionedReadCapacityUnits', throughput.ReadCapacityUnits], ['ProvisionedWriteCapacityUnits', throughput.WriteCapacityUnits]] as const) {
      if (index === undefined) this.add(table, metric, units, TABLE, table.TableName);
      else this.add(table, metric, units, INDEX_TABLE, index, table.TableName);
    }
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }
}
