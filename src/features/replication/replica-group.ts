/**
 * A global table's replicas as the catalog holds them: every replica's
 * record lists the others (ReplicaRecord), and a change of the group (a
 * replica added, ready or removed) rewrites every record in one catalog
 * transaction (Catalog.changeGroup), so no replica ever lists a group the
 * others do not.
 */
import type { CatalogGroup } from '../../engine/catalog.js';
import type { ReplicaRecord, TableRecord } from '../../engine/table.js';

/** The records of the table's other replicas (those this server holds). */
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

/** A replica's entry once its copy is done. */
export function activeReplica(replica: ReplicaRecord): ReplicaRecord {
  const { ReplicaStatusPercentProgress: _, ...rest } = replica;
  return { ...rest, ReplicaStatus: 'ACTIVE' };
}
