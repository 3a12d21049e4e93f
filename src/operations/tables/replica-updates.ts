/**
 * UpdateTable's ReplicaUpdates (global tables version 2019.11.21): a replica
 * is added in another region of this server as a table of the same name and
 * definition, CREATING until the table's items are copied into it
 * (features/replication/replica-fills.ts), and every replica's record lists
 * it from the same catalog transaction; a replica removed leaves every
 * record, and its table is deleted. Replication itself runs from each
 * table's change log (features/replication/replicator.ts).
 */
import { DynamoError, validation } from '../../protocol/errors.js';
import { StaleCatalog, type CatalogGroup, type NewIndex, type NewTable } from '../../engine/catalog.js';
import type { IndexRecord, ReplicaRecord, TableClass, TableRecord } from '../../engine/table.js';
import type { Namespace, OperationContext } from '../operation.js';
import { INVALID } from './key-schema-rules.js';
import { sseDescription, streamLabel } from './table-settings.js';
import { tableNotFound } from './table-access.js';
import { otherReplicas, withReplica } from '../../features/replication/replica-group.js';
import { deleteCursor, logEnd, readCursor, writeCursor } from '../../features/replication/replica-cursors.js';
import { deleteFill, writeFill } from '../../features/replication/replica-fills.js';

export interface ReplicaMemberInput {
  readonly RegionName: string;
  readonly KMSMasterKeyId?: string;
  readonly TableClassOverride?: TableClass;
}

export interface ReplicaUpdate {
  readonly Create?: ReplicaMemberInput;
  readonly Update?: ReplicaMemberInput;
  readonly Delete?: { readonly RegionName: string };
}

const REPLICATED_VIEW = 'NEW_AND_OLD_IMAGES';

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

/** The replica a region's table would be, from the table as it is: same keys, indexes, stream and TTL; its own tags, PITR and protection. */
function replicaDefinition(table: TableRecord, create: ReplicaMemberInput, ns: Namespace, replicas: readonly ReplicaRecord[]): NewTable {
  const {
    id: _id, account: _account, region: _region, TableId: _tableId, CreationDateTime: _created, TableStatus: _status, statusUntil: _until,
    RestoreSummary: _restore, backupCopies: _copies, pointInTimeRecovery: _pitr, contributorInsights: _insights, Replicas: _replicas,
    LocalSecondaryIndexes, GlobalSecondaryIndexes, SSEDescription, ...rest
  } = table;
  const fresh = ({ id: _, statusUntil: __, Backfilling: ___, ...index }: IndexRecord): NewIndex => ({ ...index, IndexStatus: 'ACTIVE' });
  const kms = create.KMSMasterKeyId ?? (SSEDescription?.KMSMasterKeyArn?.endsWith(':alias/aws/dynamodb') === true ? undefined : SSEDescription?.KMSMasterKeyArn);
  const sse = SSEDescription === undefined && create.KMSMasterKeyId === undefined ? undefined : sseDescription({ Enabled: true, SSEType: 'KMS', ...(kms !== undefined ? { KMSMasterKeyId: kms } : {}) }, ns);
  return {
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
  };
}

/**
 * A table of a global table streams its changes with both images, as
 * DynamoDB turns it on when the first replica is added (terraform-provider-aws
 * #43625). A stream of another view type stands in the way.
 */
function withReplicationStream(table: TableRecord): TableRecord {
  const stream = table.StreamSpecification;
  if (stream?.StreamEnabled === true) {
    if (stream.StreamViewType === REPLICATED_VIEW) return table;
    // No recording of DynamoDB's words was found.
    throw validation(`${INVALID}A global table's replicas need a stream of view type ${REPLICATED_VIEW}; table ${table.TableName} has ${stream.StreamViewType}`);
  }
  return { ...table, StreamSpecification: { StreamEnabled: true, StreamViewType: REPLICATED_VIEW }, LatestStreamLabel: streamLabel() };
}

function addReplica(group: CatalogGroup, table: TableRecord, create: ReplicaMemberInput): void {
  const region = create.RegionName;
  if (region === table.region) throw localRegion();
  const ns = { account: table.account, region };
  // Wording (with its slip) as DynamoDB answers when the region has a table of the name already; remembered, not found recorded.
  if (group.current(ns, table.TableName) !== undefined || table.Replicas?.some((replica) => replica.RegionName === region) === true) {
    throw validation(`Failed to create a the new replica of table with name: '${table.TableName}' because one or more replicas already existed as tables.`);
  }
  // Remembered wording, not found recorded: replicas must absorb each other's writes.
  if (table.BillingMode !== 'PAY_PER_REQUEST') throw validation('Table write capacity should either be Pay-Per-Request or AutoScaled.');
  const members = [table, ...otherReplicas(group, table)];
  const listed: ReplicaRecord[] = [
    { RegionName: table.region, ReplicaStatus: 'ACTIVE' },
    ...(table.Replicas ?? []).filter((replica) => replica.RegionName !== region),
  ];
  group.create(ns, replicaDefinition(table, create, ns, listed), {
    begin: (tx, record) => {
      for (const member of members) writeCursor(tx, record.id, member.region, logEnd(tx, record));
    },
  });
  const entry: ReplicaRecord = { RegionName: region, ReplicaStatus: 'CREATING', ...(create.KMSMasterKeyId !== undefined ? { KMSMasterKeyId: create.KMSMasterKeyId } : {}) };
  for (const member of members) {
    const streaming = withReplicationStream(member);
    group.replace(member, { ...streaming, Replicas: [...(member.Replicas ?? []), entry] });
    // The others send the new replica what they have not yet sent the table it is copied from: that table's copy holds the rest.
    const start = member.id === table.id ? logEnd(group.tx, member) : (readCursor(group.tx, member.id, table.region) ?? logEnd(group.tx, member));
    writeCursor(group.tx, member.id, region, start);
  }
  writeFill(group.tx, { sourceId: table.id, account: table.account, sourceRegion: table.region, TableName: table.TableName, region, copied: 0 });
}

function notAReplica(table: TableRecord, region: string): DynamoError {
  // No recording of DynamoDB's words was found.
  return validation(`${INVALID}Region ${region} holds no replica of table ${table.TableName}`);
}

/** A replica's own settings: its table class and KMS key, on its table and in the others' entries for it. */
function updateReplica(group: CatalogGroup, table: TableRecord, update: ReplicaMemberInput): void {
  const region = update.RegionName;
  if (region === table.region) throw localRegion();
  if (table.Replicas?.some((replica) => replica.RegionName === region) !== true) throw notAReplica(table, region);
  for (const member of [table, ...otherReplicas(group, table)]) {
    if (member.region === region) {
      const sse = update.KMSMasterKeyId === undefined ? {} : { SSEDescription: sseDescription({ Enabled: true, SSEType: 'KMS', KMSMasterKeyId: update.KMSMasterKeyId }, member)! };
      const tableClass = update.TableClassOverride === undefined || update.TableClassOverride === member.TableClass ? {} : { TableClass: update.TableClassOverride, TableClassLastUpdate: Date.now() / 1000 };
      group.replace(member, { ...member, ...sse, ...tableClass });
    } else if (update.KMSMasterKeyId !== undefined) {
      group.replace(member, withReplica(member, region, (replica) => ({ ...replica, KMSMasterKeyId: update.KMSMasterKeyId })));
    }
  }
}

/** Takes the region out of every replica's record; returns its table, to be deleted. */
function removeReplica(group: CatalogGroup, table: TableRecord, region: string): TableRecord | undefined {
  if (region === table.region) throw localRegion();
  if (table.Replicas?.some((replica) => replica.RegionName === region) !== true) throw notAReplica(table, region);
  let removed: TableRecord | undefined;
  for (const member of [table, ...otherReplicas(group, table)]) {
    if (member.region === region) {
      removed = member;
      const { Replicas: _, ...alone } = member;
      group.replace(member, alone);
      for (const other of member.Replicas ?? []) deleteCursor(group.tx, member.id, other.RegionName);
    } else {
      group.replace(member, withReplica(member, region, () => undefined));
      deleteCursor(group.tx, member.id, region);
      deleteFill(group.tx, member.id, region);
    }
  }
  return removed;
}

/** Applies the request's replica updates in one catalog transaction; returns the table as it is after. */
export async function applyReplicaUpdates(context: OperationContext, tableName: string, updates: readonly ReplicaUpdate[]): Promise<{ before: TableRecord; after: TableRecord }> {
  const { services, namespace } = context;
  for (;;) {
    try {
      const { before, after, removed } = await services.catalog.changeGroup((group) => {
        const before = group.current(namespace, tableName);
        if (before === undefined) throw tableNotFound(tableName);
        const removed: TableRecord[] = [];
        for (const update of updates) {
          const table = group.current(namespace, tableName)!;
          if (update.Create !== undefined) addReplica(group, table, update.Create);
          else if (update.Delete !== undefined) {
            const gone = removeReplica(group, table, update.Delete.RegionName);
            if (gone !== undefined) removed.push(gone);
          } else updateReplica(group, table, update.Update!);
        }
        return { before, after: group.current(namespace, tableName)!, removed };
      });
      for (const table of removed) await services.catalog.delete(table);
      return { before, after };
    } catch (error) {
      if (!(error instanceof StaleCatalog)) throw error;
      await services.catalog.refreshIfStale();
    }
  }
}
