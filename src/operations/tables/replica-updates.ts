/**
 * UpdateTable's ReplicaUpdates (global tables version 2019.11.21). A replica
 * is added as a table of the same name and definition in its region, on
 * this server or on the peer serving that region (`--peer`), CREATING until
 * the table's items are copied into it (features/replication/replica-fills.ts);
 * a replica removed leaves every replica's list and its table is deleted.
 *
 * The peers are told first: the new replica's table is made there, and the
 * replicas there learn of it before this server commits its part and the
 * copy starts, so no change made anywhere misses the newcomer (see
 * joinReplica). A peer that cannot be reached fails the request with
 * ServiceUnavailable; what the peers did is harmless to do again, so the
 * request can simply be repeated.
 */
import { DynamoError, validation } from '../../protocol/errors.js';
import type { CatalogGroup, NewIndex, NewTable } from '../../engine/catalog.js';
import type { IndexRecord, OnDemandThroughput, ReplicaRecord, TableClass, TableRecord, Throughput } from '../../engine/table.js';
import { readSpreadCounters } from '../../engine/counters.js';
import { tableStatsKey } from '../../engine/keyspace.js';
import type { Namespace, OperationContext } from '../operation.js';
import { INVALID } from './key-schema-rules.js';
import { sseDescription } from './table-settings.js';
import { tableNotFound } from './table-access.js';
import { streamLabel } from '../../features/streams/stream-state.js';
import { changeReplicas, createReplicaTable, joinReplica, leaveReplica, otherReplicas, REPLICATED_VIEW, withReplica } from '../../features/replication/replica-group.js';
import { writeFill } from '../../features/replication/replica-fills.js';
import { callPeer, peerOf } from '../../features/replication/peers.js';
import { getTarget } from '../../features/autoscaling/scaling-store.js';
import { replicaBeingAdded } from './settings-sync.js';

interface ReadOverrides {
  readonly ProvisionedThroughputOverride?: { readonly ReadCapacityUnits?: number };
  readonly OnDemandThroughputOverride?: { readonly MaxReadRequestUnits?: number };
}

export interface ReplicaMemberInput extends ReadOverrides {
  readonly RegionName: string;
  readonly KMSMasterKeyId?: string;
  readonly GlobalSecondaryIndexes?: readonly (ReadOverrides & { readonly IndexName: string })[];
  readonly TableClassOverride?: TableClass;
}

export interface ReplicaUpdate {
  readonly Create?: ReplicaMemberInput;
  readonly Update?: ReplicaMemberInput;
  readonly Delete?: { readonly RegionName: string };
}

/** Checks that need no table. */
export function checkReplicaUpdates(updates: readonly ReplicaUpdate[]): void {
  if (updates.length === 0) throw validation(`${INVALID}List of ReplicaUpdates is empty`);
  for (const update of updates) {
    const actions = [update.Create, update.Update, update.Delete].filter((action) => action !== undefined).length;
    // Worded as DynamoDB words the same rule for GlobalSecondaryIndexUpdates; no recording of this one was found.
    if (actions !== 1) throw validation(`${INVALID}One of ReplicationGroupUpdate.Create, ReplicationGroupUpdate.Update, ReplicationGroupUpdate.Delete must be specified`);
  }
}

/** Recorded live (aws/aws-cli#4906). */
function localRegion(): DynamoError {
  return validation('Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.');
}

function notAReplica(table: TableRecord, region: string): DynamoError {
  // No recording of DynamoDB's words was found.
  return validation(`${INVALID}Region ${region} holds no replica of table ${table.TableName}`);
}

/** The regions of the table's replicas that peers serve, other than `except`. */
export function remoteRegions(context: OperationContext, table: TableRecord, except?: string): string[] {
  return (table.Replicas ?? []).map((replica) => replica.RegionName).filter((region) => region !== except && peerOf(context.services.config, region) !== undefined);
}

/** A replica's entry as the others list it (DescribeTable's ReplicaDescription): its region, status and own settings. */
function replicaEntry(member: ReplicaMemberInput, status: ReplicaRecord['ReplicaStatus']): ReplicaRecord {
  const { RegionName, KMSMasterKeyId, ProvisionedThroughputOverride, OnDemandThroughputOverride, GlobalSecondaryIndexes, TableClassOverride } = member;
  return {
    RegionName,
    ReplicaStatus: status,
    ...(KMSMasterKeyId !== undefined ? { KMSMasterKeyId } : {}),
    ...(ProvisionedThroughputOverride !== undefined ? { ProvisionedThroughputOverride } : {}),
    ...(OnDemandThroughputOverride !== undefined ? { OnDemandThroughputOverride } : {}),
    ...(GlobalSecondaryIndexes !== undefined ? { GlobalSecondaryIndexes } : {}),
    ...(TableClassOverride !== undefined ? { ReplicaTableClassSummary: { TableClass: TableClassOverride } } : {}),
  };
}

/** The table (or index) with the replica's own read capacity. */
function withReadOverrides<T extends { readonly ProvisionedThroughput?: Throughput; readonly OnDemandThroughput?: OnDemandThroughput }>(target: T, overrides: ReadOverrides | undefined): T {
  const read = overrides?.ProvisionedThroughputOverride?.ReadCapacityUnits;
  const onDemand = overrides?.OnDemandThroughputOverride?.MaxReadRequestUnits;
  return {
    ...target,
    ...(read !== undefined && target.ProvisionedThroughput !== undefined ? { ProvisionedThroughput: { ...target.ProvisionedThroughput, ReadCapacityUnits: read } } : {}),
    ...(onDemand !== undefined ? { OnDemandThroughput: { ...target.OnDemandThroughput, MaxReadRequestUnits: onDemand } } : {}),
  };
}

/** Overrides name the table's global indexes only; no recording of DynamoDB's words for one that does not was found. */
function checkIndexOverrides(table: TableRecord, member: ReplicaMemberInput): void {
  for (const { IndexName } of member.GlobalSecondaryIndexes ?? []) {
    if (!table.GlobalSecondaryIndexes.some((index) => index.IndexName === IndexName)) {
      throw validation(`${INVALID}Global secondary index ${IndexName} does not exist on table ${table.TableName}`);
    }
  }
}

/** A replica's table with its own settings: read capacity of the table and its indexes. */
function withReplicaSettings<T extends Pick<TableRecord, 'ProvisionedThroughput' | 'OnDemandThroughput'> & { readonly GlobalSecondaryIndexes: readonly I[] }, I extends Pick<IndexRecord, 'IndexName' | 'ProvisionedThroughput' | 'OnDemandThroughput'>>(
  table: T,
  member: ReplicaMemberInput,
): T {
  const indexes = table.GlobalSecondaryIndexes.map((index) => withReadOverrides(index, member.GlobalSecondaryIndexes?.find((override) => override.IndexName === index.IndexName)));
  return { ...withReadOverrides(table, member), GlobalSecondaryIndexes: indexes };
}

/** The replica a region's table would be, from the table as it is: same keys, indexes, stream and TTL; its own tags, PITR and protection. */
function replicaDefinition(table: TableRecord, create: ReplicaMemberInput, ns: Namespace): NewTable {
  const {
    id: _id, account: _account, region: _region, TableId: _tableId, CreationDateTime: _created, TableStatus: _status, statusUntil: _until,
    RestoreSummary: _restore, backupCopies: _copies, pointInTimeRecovery: _pitr, contributorInsights: _insights, Replicas: _replicas,
    LocalSecondaryIndexes, GlobalSecondaryIndexes, SSEDescription, ...rest
  } = table;
  const fresh = ({ id: _, statusUntil: __, Backfilling: ___, ...index }: IndexRecord): NewIndex => ({ ...index, IndexStatus: 'ACTIVE' });
  const kms = create.KMSMasterKeyId ?? (SSEDescription?.KMSMasterKeyArn?.endsWith(':alias/aws/dynamodb') === true ? undefined : SSEDescription?.KMSMasterKeyArn);
  const sse = SSEDescription === undefined && create.KMSMasterKeyId === undefined ? undefined : sseDescription({ Enabled: true, SSEType: 'KMS', ...(kms !== undefined ? { KMSMasterKeyId: kms } : {}) }, ns);
  const replicas: ReplicaRecord[] = [{ RegionName: table.region, ReplicaStatus: 'ACTIVE' }, ...(table.Replicas ?? [])];
  return withReplicaSettings<NewTable, NewIndex>({
    ...rest,
    LocalSecondaryIndexes: LocalSecondaryIndexes.map(fresh),
    GlobalSecondaryIndexes: GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING').map(fresh),
    StreamSpecification: { StreamEnabled: true, StreamViewType: REPLICATED_VIEW },
    LatestStreamLabel: streamLabel(),
    ...(sse !== undefined ? { SSEDescription: sse } : {}),
    TableClass: create.TableClassOverride ?? table.TableClass,
    DeletionProtectionEnabled: false,
    Tags: [],
    Replicas: replicas,
  }, create);
}

/** Refusals of a new replica, before anything is changed anywhere. */
async function checkCreate(context: OperationContext, table: TableRecord, create: ReplicaMemberInput): Promise<void> {
  const region = create.RegionName;
  if (region === table.region) throw localRegion();
  checkIndexOverrides(table, create);
  const ns = { account: table.account, region };
  // Wording (with its slip) as DynamoDB answers when the region has a table of the name already; remembered, not found recorded.
  if (context.services.catalog.get(ns, table.TableName) !== undefined || table.Replicas?.some((replica) => replica.RegionName === region) === true) {
    throw validation(`Failed to create a the new replica of table with name: '${table.TableName}' because one or more replicas already existed as tables.`);
  }
  // Remembered wording, not found recorded: replicas must absorb each other's writes, on demand or with write auto scaling.
  if (table.BillingMode !== 'PAY_PER_REQUEST') {
    const writeTarget = { ResourceId: `table/${table.TableName}`, ScalableDimension: 'dynamodb:table:WriteCapacityUnits' };
    const scaled = await context.services.storage.read((tx) => getTarget(tx, table, writeTarget) !== undefined);
    if (!scaled) throw validation('Table write capacity should either be Pay-Per-Request or AutoScaled.');
  }
}

/** What the peers must do before this server commits a replica update (a new replica of a strongly consistent table is made so there). */
async function tellPeersFirst(context: OperationContext, table: TableRecord, update: ReplicaUpdate, strong: StrongSetting | undefined): Promise<void> {
  const { config } = context.services;
  const name = table.TableName;
  if (update.Create !== undefined) {
    const region = update.Create.RegionName;
    await checkCreate(context, table, update.Create);
    if (peerOf(config, region) !== undefined) {
      const definition = { ...replicaDefinition(table, update.Create, { account: table.account, region }), ...(strong === undefined ? {} : { multiRegionStrong: strongSetting(table, strong) }) };
      await callPeer(config, region, 'CreateReplicaTable', { TableName: name, SourceRegion: table.region, Definition: JSON.stringify(definition) });
    }
    const entry = replicaEntry(update.Create, 'CREATING');
    for (const other of remoteRegions(context, table, region)) await callPeer(config, other, 'JoinReplica', { TableName: name, Replica: JSON.stringify(entry), From: table.region });
  } else if (update.Update !== undefined) {
    checkUpdate(table, update.Update);
    for (const other of remoteRegions(context, table)) await callPeer(config, other, 'UpdateReplicaSettings', { TableName: name, Replica: JSON.stringify(update.Update) });
  } else if (update.Delete !== undefined) {
    const region = update.Delete.RegionName;
    if (region === table.region) throw localRegion();
    if (table.Replicas?.some((replica) => replica.RegionName === region) !== true) throw notAReplica(table, region);
    for (const other of remoteRegions(context, table)) await callPeer(config, other, 'LeaveReplica', { TableName: name, RegionName: region });
  }
}

function addReplica(group: CatalogGroup, context: OperationContext, table: TableRecord, create: ReplicaMemberInput): void {
  const region = create.RegionName;
  const ns = { account: table.account, region };
  if (peerOf(context.services.config, region) === undefined) createReplicaTable(group, ns, replicaDefinition(table, create, ns));
  const entry = replicaEntry(create, 'CREATING');
  for (const member of [table, ...otherReplicas(group, table)]) {
    if (member.region !== region) joinReplica(group, member, entry, member.id === table.id ? undefined : table.region);
  }
  const { itemCount } = readSpreadCounters(group.tx, tableStatsKey(table.id));
  writeFill(group.tx, { sourceId: table.id, account: table.account, sourceRegion: table.region, TableName: table.TableName, region, copied: 0, total: itemCount });
}

/**
 * A replica's own settings (KMS key, read capacity, table class): on its
 * table where this server holds it, and in the others' entries for it.
 */
function updateReplica(group: CatalogGroup, table: TableRecord, update: ReplicaMemberInput): void {
  checkUpdate(table, update);
  applyReplicaSettings(group, [table, ...otherReplicas(group, table)], update);
}

function checkUpdate(table: TableRecord, update: ReplicaMemberInput): void {
  const region = update.RegionName;
  if (region === table.region) throw localRegion();
  if (table.Replicas?.some((replica) => replica.RegionName === region) !== true) throw notAReplica(table, region);
  checkIndexOverrides(table, update);
}

/** A replica's own settings on the replicas this server holds (the peers' handler, UpdateReplicaSettings, runs it for theirs). */
export function applyReplicaSettings(group: CatalogGroup, members: readonly TableRecord[], update: ReplicaMemberInput): void {
  const region = update.RegionName;
  const { RegionName: _, ReplicaStatus: __, ...settings } = replicaEntry(update, 'ACTIVE');
  for (const member of members) {
    if (member.region === region) {
      const sse = update.KMSMasterKeyId === undefined ? {} : { SSEDescription: sseDescription({ Enabled: true, SSEType: 'KMS', KMSMasterKeyId: update.KMSMasterKeyId }, member)! };
      const tableClass = update.TableClassOverride === undefined || update.TableClassOverride === member.TableClass ? {} : { TableClass: update.TableClassOverride, TableClassLastUpdate: Date.now() / 1000 };
      group.replace(member, { ...withReplicaSettings(member, update), ...sse, ...tableClass });
    } else {
      group.replace(member, withReplica(member, region, (replica) => ({ ...replica, ...settings })));
    }
  }
}

/** What UpdateTable asked of multi-Region strong consistency (strong-consistency-rules.ts): its witness, if any. */
interface StrongSetting {
  readonly witness?: string;
}

/** The strong consistency every replica of the table records: the table's region leads. */
function strongSetting(table: TableRecord, strong: StrongSetting): NonNullable<TableRecord['multiRegionStrong']> {
  return { leader: table.region, ...(strong.witness !== undefined ? { witness: strong.witness } : {}) };
}

/** Applies the request's replica updates: the peers' parts first, then this server's in one catalog transaction; returns the table before and after. */
export async function applyReplicaUpdates(
  context: OperationContext,
  tableName: string,
  updates: readonly ReplicaUpdate[],
  strong?: StrongSetting,
): Promise<{ before: TableRecord; after: TableRecord }> {
  const { services, namespace } = context;
  const before = services.catalog.get(namespace, tableName);
  if (before === undefined) throw tableNotFound(tableName);
  // One replica at a time: recorded live (ack-api-quirks DynamoDB lab, DDB-TABLE-306).
  if (replicaBeingAdded(before) !== undefined) throw new DynamoError('ResourceInUseException', 'The resource which you are attempting to change is in use.');
  for (const update of updates) await tellPeersFirst(context, services.catalog.get(namespace, tableName)!, update, strong);
  const { after, removed } = await changeReplicas(services, (group) => {
    const removed: TableRecord[] = [];
    for (const update of updates) {
      const table = group.current(namespace, tableName);
      if (table === undefined) throw tableNotFound(tableName);
      if (update.Create !== undefined) addReplica(group, context, table, update.Create);
      else if (update.Update !== undefined) updateReplica(group, table, update.Update);
      else {
        const region = update.Delete!.RegionName;
        for (const member of [table, ...otherReplicas(group, table)]) {
          if (leaveReplica(group, member, region)) removed.push(member);
        }
      }
    }
    const table = group.current(namespace, tableName)!;
    if (strong !== undefined) {
      const multiRegionStrong = strongSetting(table, strong);
      for (const member of [table, ...otherReplicas(group, table)]) group.replace(member, { ...member, multiRegionStrong });
    }
    return { after: group.current(namespace, tableName)!, removed };
  });
  for (const table of removed) await services.catalog.delete(table);
  return { before, after };
}

/**
 * DeleteTable of a replica: it leaves the global table first (the others drop
 * it and stop sending it changes), then goes as any table does. The peers are
 * told first, as for a ReplicaUpdates Delete.
 */
export async function leaveGlobalTable(context: OperationContext, table: TableRecord): Promise<void> {
  const { services } = context;
  for (const region of remoteRegions(context, table)) await callPeer(services.config, region, 'LeaveReplica', { TableName: table.TableName, RegionName: table.region });
  await changeReplicas(services, (group) => {
    const current = group.current(table, table.TableName);
    if (current === undefined || current.id !== table.id) return;
    for (const member of [current, ...otherReplicas(group, current)]) leaveReplica(group, member, table.region);
  });
}
