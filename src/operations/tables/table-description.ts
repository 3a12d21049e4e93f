/**
 * Renders a stored TableRecord as DynamoDB's TableDescription. Members that
 * DynamoDB omits for a default table (BillingModeSummary of a table that was
 * always provisioned, TableClassSummary of a STANDARD table never changed,
 * stream members of a table without a stream) are omitted here too.
 * AttributeDefinitions and NonKeyAttributes come back sorted by name, index
 * lists and key schemas in the order given (recorded live: ack-api-quirks
 * DynamoDB lab, DDB-TABLE-125, 2026).
 */
import { fillProgress } from '../../features/replication/replica-fills.js';
import type { MasterKeys } from '../../security/encryption/master-keys.js';
import { requestedMaster } from '../../security/encryption/encryption-records.js';
import type { IndexRecord, TableRecord, Throughput } from '../../engine/table.js';
import { tableArn } from '../../engine/table.js';
import type { TableStats } from '../../engine/items.js';
import { NO_COUNTS } from '../../engine/counters.js';
import type { Services } from '../../engine/services.js';
import { decreasesToday } from '../../features/capacity/throughput-changes.js';
import { describeWarmThroughput } from './warm-throughput.js';

const NO_THROUGHPUT: Throughput = { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 };

export function streamArn(table: TableRecord): string | undefined {
  return table.LatestStreamLabel === undefined ? undefined : `${tableArn(table)}/stream/${table.LatestStreamLabel}`;
}

function renderThroughput(throughput: Throughput | undefined): Throughput {
  const shown = throughput ?? NO_THROUGHPUT;
  const { LastIncreaseDateTime, LastDecreaseDateTime, ReadCapacityUnits, WriteCapacityUnits } = shown;
  return {
    ...(LastIncreaseDateTime !== undefined ? { LastIncreaseDateTime } : {}),
    ...(LastDecreaseDateTime !== undefined ? { LastDecreaseDateTime } : {}),
    // The count starts again each UTC day.
    NumberOfDecreasesToday: decreasesToday(shown, Date.now() / 1000),
    ReadCapacityUnits,
    WriteCapacityUnits,
  };
}

/** Entry counts and sizes of a table's indexes, by index id. */
export type IndexStats = ReadonlyMap<number, TableStats>;

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function renderIndex(table: TableRecord, index: IndexRecord, global: boolean, stats: TableStats): Record<string, unknown> {
  const { NonKeyAttributes } = index.Projection;
  return {
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: NonKeyAttributes === undefined ? index.Projection : { ...index.Projection, NonKeyAttributes: [...NonKeyAttributes].sort(byName) },
    ...(global
      ? {
          IndexStatus: index.IndexStatus,
          ...(index.Backfilling !== undefined ? { Backfilling: index.Backfilling } : {}),
          ProvisionedThroughput: renderThroughput(index.ProvisionedThroughput),
          ...(index.OnDemandThroughput !== undefined ? { OnDemandThroughput: index.OnDemandThroughput } : {}),
          WarmThroughput: describeWarmThroughput(table, index, index.IndexStatus),
        }
      : {}),
    IndexSizeBytes: stats.sizeBytes,
    ItemCount: stats.itemCount,
    IndexArn: `${tableArn(table)}/index/${index.IndexName}`,
  };
}

/**
 * When the table last became on-demand: a table created on-demand did so at
 * its creation (scylladb/scylladb's test_describe_table_billing, run against
 * DynamoDB; dynalite likewise).
 */
export function lastSwitchToPayPerRequest(table: TableRecord): number | undefined {
  return table.LastUpdateToPayPerRequestDateTime ?? (table.BillingMode === 'PAY_PER_REQUEST' ? table.CreationDateTime : undefined);
}

/**
 * BillingModeSummary appears once a table is or was on-demand. While it is
 * CREATING the time of the switch is not shown yet (dynalite's tests,
 * recorded against DynamoDB).
 */
export function billingModeSummary(table: TableRecord, lastSwitch: number | undefined): { BillingModeSummary?: Record<string, unknown> } {
  if (table.BillingMode !== 'PAY_PER_REQUEST' && lastSwitch === undefined) return {};
  const shown = lastSwitch !== undefined && table.TableStatus !== 'CREATING';
  return { BillingModeSummary: { BillingMode: table.BillingMode, ...(shown ? { LastUpdateToPayPerRequestDateTime: lastSwitch } : {}) } };
}

/**
 * A replica's global table: version 2019.11.21 while it has other replicas;
 * a replica of a version 2017.11.29 global table (operations/global-tables/)
 * says so even when it is the global table's only one. A replica lists the
 * others, not itself (DescribeTable outputs recorded in other projects'
 * fixtures all do); no recording of a version 2017.11.29 replica's
 * DescribeTable was found, so it lists them the same way.
 */
function globalTableMembers(table: TableRecord): Record<string, unknown> {
  const replicas = table.Replicas !== undefined && table.Replicas.length > 0 ? { Replicas: table.Replicas } : {};
  if (table.legacyGlobalTable !== undefined) return { GlobalTableVersion: '2017.11.29', ...replicas };
  if (!('Replicas' in replicas)) return {};
  const strong = table.multiRegionStrong;
  if (strong === undefined) return { GlobalTableVersion: '2019.11.21', ...replicas };
  return {
    GlobalTableVersion: '2019.11.21',
    ...replicas,
    MultiRegionConsistency: 'STRONG',
    ...(strong.witness !== undefined ? { GlobalTableWitnesses: [{ RegionName: strong.witness, WitnessStatus: 'ACTIVE' }] } : {}),
  };
}

/** TableClassSummary, shown once the table is or was of another class than STANDARD. */
export function tableClassSummary(table: TableRecord): { TableClassSummary?: Record<string, unknown> } {
  if (table.TableClass === 'STANDARD' && table.TableClassLastUpdate === undefined) return {};
  const { TableClass, TableClassLastUpdate } = table;
  return { TableClassSummary: { TableClass, ...(TableClassLastUpdate !== undefined ? { LastUpdateDateTime: TableClassLastUpdate } : {}) } };
}

/** What a description shows other than the table's record: the switch to on-demand of the record it replaces. */
export interface DescriptionOptions {
  readonly lastSwitchToPayPerRequest: number | undefined;
}

export function renderTableDescription(
  table: TableRecord,
  stats: TableStats,
  indexStats: IndexStats = new Map(),
  options: DescriptionOptions = { lastSwitchToPayPerRequest: lastSwitchToPayPerRequest(table) },
): Record<string, unknown> {
  const indexCounts = (index: IndexRecord) => indexStats.get(index.id) ?? NO_COUNTS;
  const latestStreamArn = streamArn(table);
  return {
    AttributeDefinitions: [...table.AttributeDefinitions].sort((a, b) => byName(a.AttributeName, b.AttributeName)),
    TableName: table.TableName,
    KeySchema: table.KeySchema,
    TableStatus: table.TableStatus,
    CreationDateTime: table.CreationDateTime,
    ProvisionedThroughput: renderThroughput(table.ProvisionedThroughput),
    TableSizeBytes: stats.sizeBytes,
    ItemCount: stats.itemCount,
    TableArn: tableArn(table),
    TableId: table.TableId,
    ...billingModeSummary(table, options.lastSwitchToPayPerRequest),
    ...(table.LocalSecondaryIndexes.length > 0
      ? { LocalSecondaryIndexes: table.LocalSecondaryIndexes.map((index) => renderIndex(table, index, false, indexCounts(index))) }
      : {}),
    ...(table.GlobalSecondaryIndexes.length > 0
      ? { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((index) => renderIndex(table, index, true, indexCounts(index))) }
      : {}),
    ...(table.StreamSpecification?.StreamEnabled ? { StreamSpecification: table.StreamSpecification } : {}),
    ...(latestStreamArn !== undefined ? { LatestStreamLabel: table.LatestStreamLabel, LatestStreamArn: latestStreamArn } : {}),
    ...(table.SSEDescription !== undefined ? { SSEDescription: table.SSEDescription } : {}),
    ...(table.RestoreSummary !== undefined ? { RestoreSummary: table.RestoreSummary } : {}),
    ...tableClassSummary(table),
    ...(table.OnDemandThroughput !== undefined ? { OnDemandThroughput: table.OnDemandThroughput } : {}),
    ...globalTableMembers(table),
    DeletionProtectionEnabled: table.DeletionProtectionEnabled,
    WarmThroughput: describeWarmThroughput(table, table, table.TableStatus),
  };
}

/** The description with the current item counts and sizes of the table and its indexes. */
export async function describe(table: TableRecord, services: Services, options?: DescriptionOptions): Promise<Record<string, unknown>> {
  const indexes = [...table.LocalSecondaryIndexes, ...table.GlobalSecondaryIndexes];
  const [stats, ...counts] = await Promise.all([services.items.stats(table), ...indexes.map((index) => services.items.indexStats(index))]);
  const shown = await withFillProgress(table, services);
  const description = renderTableDescription(shown, stats!, new Map(indexes.map((index, i) => [index.id, counts[i]!])), options);
  return keyInaccessible(table, services.masterKeys) ? { ...description, TableStatus: 'INACCESSIBLE_ENCRYPTION_CREDENTIALS' } : description;
}

/** Replicas still being filled from this table show how far the copy has come. */
async function withFillProgress(table: TableRecord, services: Services): Promise<TableRecord> {
  if (table.Replicas?.some((replica) => replica.ReplicaStatus === 'CREATING') !== true) return table;
  const progress = await fillProgress(services.storage, table.id);
  return {
    ...table,
    Replicas: table.Replicas.map((replica) => {
      const percent = replica.ReplicaStatus === 'CREATING' ? progress.get(replica.RegionName) : undefined;
      return percent === undefined ? replica : { ...replica, ReplicaStatusPercentProgress: percent };
    }),
  };
}

/** Capacity changes not yet made: the new change times, the old units and count of decreases. */
function pendingThroughput(before: Throughput | undefined, after: Throughput | undefined): Throughput | undefined {
  if (before === undefined || after === undefined) return after;
  return { ...after, ReadCapacityUnits: before.ReadCapacityUnits, WriteCapacityUnits: before.WriteCapacityUnits, NumberOfDecreasesToday: before.NumberOfDecreasesToday };
}

/**
 * UpdateTable's answer. While the table is UPDATING, DynamoDB still shows what
 * the change replaces: a provisioned table's and its indexes' old capacity
 * (with the new LastIncrease/LastDecreaseDateTime), and not yet the time of a
 * switch to on-demand, whose zero capacity shows at once (dynalite's tests,
 * recorded against DynamoDB; ack-api-quirks DDB-TABLE-165 for index updates).
 */
export function describeUpdate(previous: TableRecord, next: TableRecord, services: Services): Promise<Record<string, unknown>> {
  if (next.TableStatus !== 'UPDATING') return describe(next, services);
  const provisioned = previous.BillingMode === 'PROVISIONED' && next.BillingMode === 'PROVISIONED';
  const before = new Map(previous.GlobalSecondaryIndexes.map((index) => [index.id, index.ProvisionedThroughput]));
  const shown: TableRecord = provisioned
    ? {
        ...next,
        ProvisionedThroughput: pendingThroughput(previous.ProvisionedThroughput, next.ProvisionedThroughput)!,
        GlobalSecondaryIndexes: next.GlobalSecondaryIndexes.map((index) => ({
          ...index,
          ProvisionedThroughput: pendingThroughput(before.get(index.id), index.ProvisionedThroughput),
        })),
      }
    : next;
  return describe(shown, services, { lastSwitchToPayPerRequest: lastSwitchToPayPerRequest(previous) });
}

/** A table encrypted under a master key the key file no longer has, or has disabled: DynamoDB's INACCESSIBLE_ENCRYPTION_CREDENTIALS. */
function keyInaccessible(table: TableRecord, keys: MasterKeys | undefined): boolean {
  const arn = requestedMaster(table);
  return keys !== undefined && arn !== null && table.TableStatus === 'ACTIVE' && keys.usable(arn) === undefined;
}
