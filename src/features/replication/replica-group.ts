/**
 * A global table's replicas as the catalog holds them: every replica's
 * record lists the others (ReplicaRecord), and a change of the group (a
 * replica added, ready or removed) rewrites the records of the replicas a
 * server holds in one catalog transaction (Catalog.changeGroup); the server
 * that makes the change tells the peers holding the others
 * (operations/replication/), whose handlers run these same steps.
 */
import { validation } from '../../protocol/errors.js';
import { StaleCatalog, type CatalogGroup, type NewTable } from '../../engine/catalog.js';
import type { Services } from '../../engine/services.js';
import type { Namespace } from '../../operations/operation.js';
import type { ReplicaRecord, TableRecord } from '../../engine/table.js';
import { streamLabel } from '../streams/stream-state.js';
import { deleteCursor, logEnd, readCursor, writeCursor } from './replica-cursors.js';
import { deleteFill } from './replica-fills.js';

/** The view type replicas stream their changes with. */
export const REPLICATED_VIEW = 'NEW_AND_OLD_IMAGES';

/** The records of the table's other replicas that this server holds. */
export function otherReplicas(group: Pick<CatalogGroup, 'current'>, table: TableRecord): TableRecord[] {
  return (table.Replicas ?? []).flatMap((replica) => {
    const record = group.current({ account: table.account, region: replica.RegionName }, table.TableName);
    return record === undefined ? [] : [record];
  });
}

/** The record with its entry for `region` changed (or removed, for undefined). */
export function withReplica(record: TableRecord, region: string, change: (replica: ReplicaRecord) => ReplicaRecord | undefined): TableRecord {
  const replicas = (record.Replicas ?? []).flatMap((replica) => {
    if (replica.RegionName !== region) return [replica];
    const changed = change(replica);
    return changed === undefined ? [] : [changed];
  });
  const { Replicas: _, ...rest } = record;
  return replicas.length === 0 ? rest : { ...rest, Replicas: replicas };
}

function activeReplica(replica: ReplicaRecord): ReplicaRecord {
  const { ReplicaStatusPercentProgress: _, ...rest } = replica;
  return { ...rest, ReplicaStatus: 'ACTIVE' };
}

/**
 * A table of a global table streams its changes with both images, as
 * DynamoDB turns it on when the first replica is added (terraform-provider-aws
 * #43625). A stream of another view type stands in the way.
 */
export function withReplicationStream(table: TableRecord): TableRecord {
  const stream = table.StreamSpecification;
  if (stream?.StreamEnabled === true) {
    if (stream.StreamViewType === REPLICATED_VIEW) return table;
    // No recording of DynamoDB's words was found.
    throw validation(`One or more parameter values were invalid: A global table's replicas need a stream of view type ${REPLICATED_VIEW}; table ${table.TableName} has ${stream.StreamViewType}`);
  }
  return { ...table, StreamSpecification: { StreamEnabled: true, StreamViewType: REPLICATED_VIEW }, LatestStreamLabel: streamLabel() };
}

/** Creates a new replica's table, CREATING until its copy ends, with a cursor towards each replica it lists. */
export function createReplicaTable(group: CatalogGroup, ns: Namespace, definition: NewTable): TableRecord {
  return group.create(ns, definition, {
    begin: (tx, record) => {
      for (const replica of record.Replicas ?? []) writeCursor(tx, record.id, replica.RegionName, logEnd(tx, record));
    },
  });
}

/**
 * A replica this server holds learns of a new one: it lists it, and sends it
 * its changes from where it stands with the replica the newcomer is copied
 * from (`from`), since that copy holds everything sent there before; the
 * source itself (no `from`) starts at its log's end. Joining twice changes
 * nothing.
 */
export function joinReplica(group: CatalogGroup, member: TableRecord, entry: ReplicaRecord, from: string | undefined): void {
  if (member.Replicas?.some((replica) => replica.RegionName === entry.RegionName) === true) return;
  group.replace(member, { ...withReplicationStream(member), Replicas: [...(member.Replicas ?? []), entry] });
  const start = (from === undefined ? undefined : readCursor(group.tx, member.id, from)) ?? logEnd(group.tx, member);
  writeCursor(group.tx, member.id, entry.RegionName, start);
}

/** The replica in `region` is filled: ACTIVE in the member's list, or, the member being it, its table ACTIVE. */
export function markReplicaActive(group: CatalogGroup, member: TableRecord, region: string): void {
  if (member.region === region) {
    if (member.TableStatus === 'CREATING') group.replace(member, { ...member, TableStatus: 'ACTIVE' });
    return;
  }
  group.replace(member, withReplica(member, region, activeReplica));
}

/**
 * The replica in `region` leaves the group: the member drops it, or, the
 * member being it, leaves with everything it sent (true: its table is then
 * to be deleted).
 */
export function leaveReplica(group: CatalogGroup, member: TableRecord, region: string): boolean {
  const { tx } = group;
  if (member.region !== region) {
    // Strong consistency needs its three Regions: the replicas left behind go on with eventual consistency.
    const { multiRegionStrong: _, ...eventual } = member;
    if (member.Replicas?.some((replica) => replica.RegionName === region) === true) group.replace(member, withReplica(eventual, region, () => undefined));
    deleteCursor(tx, member.id, region);
    deleteFill(tx, member.id, region);
    return false;
  }
  const { Replicas: _, multiRegionStrong: __, ...alone } = member;
  group.replace(member, alone);
  for (const other of member.Replicas ?? []) {
    deleteCursor(tx, member.id, other.RegionName);
    deleteFill(tx, member.id, other.RegionName);
  }
  return true;
}

/** A change of replicas' records, run again on a fresh catalog when another process changed a table meanwhile. */
export async function changeReplicas<T>(services: Services, change: (group: CatalogGroup) => T): Promise<T> {
  for (;;) {
    try {
      return await services.catalog.changeGroup(change);
    } catch (error) {
      if (!(error instanceof StaleCatalog)) throw error;
      await services.catalog.refreshIfStale();
    }
  }
}
