/**
 * UpdateGlobalTableSettings (version 2017.11.29): the billing mode and the
 * write capacity of every replica (table and global indexes), the read
 * capacity and table class of each replica named, each replica's table
 * changed as UpdateTable changes it (its checks, limits and bookkeeping), all
 * in one catalog transaction; then the auto scaling of those capacities in
 * Application Auto Scaling (auto-scaling-settings.ts). Everything is checked
 * before anything is changed. The answer is the settings after the change.
 */
import { defineOperation, type OperationContext } from '../operation.js';
import { list, long, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableClass, TableRecord, Throughput } from '../../engine/table.js';
import { checkAccountMaximum } from '../../features/capacity/throughput-changes.js';
import { INVALID } from '../tables/key-schema-rules.js';
import { billingModeMember, indexNameMember, tableClassMember, type ThroughputInput } from '../tables/table-shapes.js';
import { checkRequest, nextRecord, type UpdateTableRequest } from '../tables/update-table.js';
import { changeableTable } from '../tables/table-access.js';
import { applyChange, autoScalingSettingsUpdateMember, checkedChange, checkProvisioned, type AutoScalingSettingsUpdate, type ScalingChange } from './auto-scaling-settings.js';
import { globalTableNameMember, globalTableNotFound, legacyReplicas, replicaNotFound } from './legacy-group.js';
import { globalTableSettings } from './global-table-settings.js';

interface ReplicaSettingsUpdate {
  readonly RegionName: string;
  readonly ReplicaProvisionedReadCapacityUnits?: number;
  readonly ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate?: AutoScalingSettingsUpdate;
  readonly ReplicaGlobalSecondaryIndexSettingsUpdate?: readonly {
    readonly IndexName: string;
    readonly ProvisionedReadCapacityUnits?: number;
    readonly ProvisionedReadCapacityAutoScalingSettingsUpdate?: AutoScalingSettingsUpdate;
  }[];
  readonly ReplicaTableClass?: TableClass;
}

interface UpdateGlobalTableSettingsRequest {
  readonly GlobalTableName: string;
  readonly GlobalTableBillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly GlobalTableProvisionedWriteCapacityUnits?: number;
  readonly GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate?: AutoScalingSettingsUpdate;
  readonly GlobalTableGlobalSecondaryIndexSettingsUpdate?: readonly {
    readonly IndexName: string;
    readonly ProvisionedWriteCapacityUnits?: number;
    readonly ProvisionedWriteCapacityAutoScalingSettingsUpdate?: AutoScalingSettingsUpdate;
  }[];
  readonly ReplicaSettingsUpdate?: readonly ReplicaSettingsUpdate[];
}

const shape = struct('UpdateGlobalTableSettingsInput', {
  GlobalTableName: globalTableNameMember,
  GlobalTableBillingMode: billingModeMember,
  GlobalTableProvisionedWriteCapacityUnits: long({ min: 1 }),
  GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate: autoScalingSettingsUpdateMember,
  GlobalTableGlobalSecondaryIndexSettingsUpdate: list(
    struct('GlobalTableGlobalSecondaryIndexSettingsUpdate', {
      IndexName: indexNameMember,
      ProvisionedWriteCapacityUnits: long({ min: 1 }),
      ProvisionedWriteCapacityAutoScalingSettingsUpdate: autoScalingSettingsUpdateMember,
    }),
    { minLength: 1, maxLength: 20 },
  ),
  ReplicaSettingsUpdate: list(
    struct('ReplicaSettingsUpdate', {
      RegionName: str({ required: true }),
      ReplicaProvisionedReadCapacityUnits: long({ min: 1 }),
      ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate: autoScalingSettingsUpdateMember,
      ReplicaGlobalSecondaryIndexSettingsUpdate: list(
        struct('ReplicaGlobalSecondaryIndexSettingsUpdate', {
          IndexName: indexNameMember,
          ProvisionedReadCapacityUnits: long({ min: 1 }),
          ProvisionedReadCapacityAutoScalingSettingsUpdate: autoScalingSettingsUpdateMember,
        }),
        { minLength: 1, maxLength: 20 },
      ),
      ReplicaTableClass: tableClassMember,
    }),
    { minLength: 1, maxLength: 50 },
  ),
});

/** Not found recorded: worded as the recorded TableNotFoundException (legacy-group.ts). */
function indexNotFound(name: string, index: string): DynamoError {
  return new DynamoError('IndexNotFoundException', `Index not found: Index: '${index}' not found for global table: '${name}'.`);
}

function hasIndex(table: TableRecord, name: string): boolean {
  return table.GlobalSecondaryIndexes.some((index) => index.IndexName === name && index.IndexStatus !== 'DELETING');
}

/** Each replica's update by region, once every region and index named is found. */
function replicaUpdates(request: UpdateGlobalTableSettingsRequest, replicas: readonly TableRecord[]): Map<string, ReplicaSettingsUpdate> {
  const name = request.GlobalTableName;
  const byRegion = new Map<string, ReplicaSettingsUpdate>();
  for (const update of request.ReplicaSettingsUpdate ?? []) {
    const replica = replicas.find((candidate) => candidate.region === update.RegionName);
    if (replica === undefined) throw replicaNotFound(name, update.RegionName);
    // Not found recorded; UpdateTableReplicaAutoScaling's recorded refusal of the same says it so.
    if (byRegion.has(update.RegionName)) throw validation(`${INVALID}Region: '${update.RegionName}' is named more than once in ReplicaSettingsUpdate`);
    for (const index of update.ReplicaGlobalSecondaryIndexSettingsUpdate ?? []) if (!hasIndex(replica, index.IndexName)) throw indexNotFound(name, index.IndexName);
    byRegion.set(update.RegionName, update);
  }
  for (const index of request.GlobalTableGlobalSecondaryIndexSettingsUpdate ?? []) {
    if (!replicas.every((replica) => hasIndex(replica, index.IndexName))) throw indexNotFound(name, index.IndexName);
  }
  return byRegion;
}

/** The auto scaling changes asked for: writes in every region, reads in the replica named. */
function scalingChanges(request: UpdateGlobalTableSettingsRequest, replicas: readonly TableRecord[]): ScalingChange[] {
  const changes: ScalingChange[] = [];
  for (const { region } of replicas) {
    const write = request.GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate;
    if (write !== undefined) changes.push({ region, access: 'write', update: write });
    for (const index of request.GlobalTableGlobalSecondaryIndexSettingsUpdate ?? []) {
      const update = index.ProvisionedWriteCapacityAutoScalingSettingsUpdate;
      if (update !== undefined) changes.push({ region, indexName: index.IndexName, access: 'write', update });
    }
  }
  for (const replica of request.ReplicaSettingsUpdate ?? []) {
    const region = replica.RegionName;
    if (replica.ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate !== undefined) changes.push({ region, access: 'read', update: replica.ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate });
    for (const index of replica.ReplicaGlobalSecondaryIndexSettingsUpdate ?? []) {
      const update = index.ProvisionedReadCapacityAutoScalingSettingsUpdate;
      if (update !== undefined) changes.push({ region, indexName: index.IndexName, access: 'read', update });
    }
  }
  return changes;
}

/**
 * The UpdateTable a replica's table gets, if any. Capacities left out keep
 * their units; a table turning PROVISIONED needs all of them. Refusals
 * UpdateTable has no words for were not found recorded.
 */
function tableUpdate(table: TableRecord, request: UpdateGlobalTableSettingsRequest, replica: ReplicaSettingsUpdate | undefined): UpdateTableRequest | undefined {
  const to = request.GlobalTableBillingMode ?? table.BillingMode;
  const becoming = to === 'PROVISIONED' && table.BillingMode !== 'PROVISIONED';
  const units = (what: string, current: Throughput | undefined, read: number | undefined, write: number | undefined): ThroughputInput | undefined => {
    if (read === undefined && write === undefined && !becoming) return undefined;
    // UpdateTable's recorded words (table-level and index-level capacity alike).
    if (to === 'PAY_PER_REQUEST') throw validation(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    const kept = (given: number | undefined, now: number | undefined) => given ?? (becoming ? undefined : now);
    const ReadCapacityUnits = kept(read, current?.ReadCapacityUnits);
    const WriteCapacityUnits = kept(write, current?.WriteCapacityUnits);
    if (ReadCapacityUnits === undefined || WriteCapacityUnits === undefined) {
      throw validation(`${INVALID}Read and write capacity units of ${what} are required in region: '${table.region}' when the global table turns PROVISIONED`);
    }
    const same = !becoming && ReadCapacityUnits === current?.ReadCapacityUnits && WriteCapacityUnits === current?.WriteCapacityUnits;
    return same ? undefined : { ReadCapacityUnits, WriteCapacityUnits };
  };
  const throughput = units('the table', table.ProvisionedThroughput, replica?.ReplicaProvisionedReadCapacityUnits, request.GlobalTableProvisionedWriteCapacityUnits);
  const indexes = table.GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING').flatMap((index) => {
    const write = request.GlobalTableGlobalSecondaryIndexSettingsUpdate?.find((update) => update.IndexName === index.IndexName)?.ProvisionedWriteCapacityUnits;
    const read = replica?.ReplicaGlobalSecondaryIndexSettingsUpdate?.find((update) => update.IndexName === index.IndexName)?.ProvisionedReadCapacityUnits;
    const next = units(`index: '${index.IndexName}'`, index.ProvisionedThroughput, read, write);
    return next === undefined ? [] : [{ Update: { IndexName: index.IndexName, ProvisionedThroughput: next } }];
  });
  const tableClass = replica?.ReplicaTableClass;
  const update: UpdateTableRequest = {
    TableName: table.TableName,
    ...(to !== table.BillingMode ? { BillingMode: to } : {}),
    ...(throughput !== undefined ? { ProvisionedThroughput: throughput } : {}),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexUpdates: indexes } : {}),
    ...(tableClass !== undefined && tableClass !== table.TableClass ? { TableClass: tableClass } : {}),
  };
  return Object.keys(update).length > 1 ? update : undefined;
}

/** Changes the replicas' tables in one catalog transaction. */
async function changeTables(context: OperationContext, request: UpdateGlobalTableSettingsRequest, byRegion: ReadonlyMap<string, ReplicaSettingsUpdate>): Promise<void> {
  const { services, namespace } = context;
  const { catalog } = services;
  const transitionMs = services.config.updateTableMs;
  await catalog.changeGroup((group) => {
    for (const replica of legacyReplicas(catalog, namespace.account, request.GlobalTableName, group.current)) {
      const update = tableUpdate(replica, request, byRegion.get(replica.region));
      if (update === undefined) continue;
      changeableTable({ ...context, namespace: { account: replica.account, region: replica.region } }, replica.TableName);
      checkRequest(update);
      let next = nextRecord(replica, update, replica, transitionMs, () => {
        throw new Error('a settings update creates no index');
      });
      if (transitionMs > 0) next = { ...next, TableStatus: 'UPDATING', statusUntil: Date.now() + transitionMs };
      checkAccountMaximum(catalog, replica, next);
      group.replace(replica, next);
    }
  });
}

export const updateGlobalTableSettings = defineOperation<UpdateGlobalTableSettingsRequest>({
  name: 'UpdateGlobalTableSettings',
  shape,
  async execute(request, context) {
    const { services, namespace } = context;
    const name = request.GlobalTableName;
    const replicas = legacyReplicas(services.catalog, namespace.account, name);
    if (replicas.length === 0) throw globalTableNotFound(name, false);
    const byRegion = replicaUpdates(request, replicas);
    const scaling = scalingChanges(request, replicas).map((change) => checkedChange(name, change));
    const changing = replicas.some((replica) => tableUpdate(replica, request, byRegion.get(replica.region)) !== undefined);
    // Auto scaling is set on the billing mode the change leaves: a table turned PROVISIONED takes it.
    checkProvisioned(name, replicas.map((replica) => ({ ...replica, BillingMode: request.GlobalTableBillingMode ?? replica.BillingMode })), scaling);
    if (changing) await changeTables(context, request, byRegion);
    for (const change of scaling) await applyChange(services, namespace.account, name, change);
    return globalTableSettings(services, legacyReplicas(services.catalog, namespace.account, name));
  },
});
