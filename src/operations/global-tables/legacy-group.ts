/**
 * Global tables of version 2017.11.29 (legacy) within one server: tables of
 * one name in several regions of an account, made before, linked into one
 * replica group by CreateGlobalTable and UpdateGlobalTable. The group is the
 * same as a version 2019.11.21 one (features/replication/): every replica's
 * record lists the others, each pair has a cursor from which the replicator
 * sends its changes, and a change of the group rewrites every record in one
 * catalog transaction (Catalog.changeGroup). What is legacy is how the group
 * is made and described, kept in each replica's record (LegacyGlobalTable):
 * the global table is every table of its name in the account that carries
 * one, so it needs no record of its own.
 */
import type { Catalog, CatalogGroup } from '../../engine/catalog.js';
import { globalTableArn, type LegacyGlobalTable, type ReplicaRecord, type TableRecord } from '../../engine/table.js';
import { DynamoError } from '../../protocol/errors.js';
import { str } from '../../protocol/shape.js';
import type { Namespace } from '../operation.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { joinReplica, leaveReplica } from '../../features/replication/replica-group.js';

/** GlobalTableName as the legacy operations declare it (API reference). */
export const globalTableNameMember = str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN });

type Lookup = (ns: Namespace, name: string) => TableRecord | undefined;

/**
 * The replicas of the account's version 2017.11.29 global table of this name,
 * in replication group order; none when there is no such global table.
 * `lookup` is the catalog's, or a catalog change's (which sees its own writes).
 */
export function legacyReplicas(catalog: Catalog, account: string, name: string, lookup: Lookup = (ns, table) => catalog.get(ns, table)): TableRecord[] {
  return catalog
    .tablesOf(account)
    .filter((table) => table.TableName === name)
    .flatMap((table) => {
      const current = lookup(table, name);
      return current?.legacyGlobalTable !== undefined && current.TableStatus !== 'DELETING' ? [current] : [];
    })
    .sort((a, b) => a.legacyGlobalTable!.position - b.legacyGlobalTable!.position);
}

/**
 * DynamoDB's words for a global table it does not know (recorded live in the
 * ack-api-quirks DynamoDB lab, DDB-GLOBALTABLE-004): DescribeGlobalTable
 * prefixes "Global table not found: ", the settings operations do not.
 */
export function globalTableNotFound(name: string, prefixed: boolean): DynamoError {
  return new DynamoError('GlobalTableNotFoundException', `${prefixed ? 'Global table not found: ' : ''}Global table with name: '${name}' does not exist.`);
}

/** Recorded live (aws-controllers-k8s/community#1034, hashicorp/terraform-provider-aws#11982). */
export function tableNotFoundIn(name: string, region: string): DynamoError {
  return new DynamoError('TableNotFoundException', `Table not found: Table: '${name}' not found in region: '${region}'.`);
}

/** Not found recorded: worded as the TableNotFoundException above. */
export function replicaNotFound(name: string, region: string): DynamoError {
  return new DynamoError('ReplicaNotFoundException', `Replica not found: Replica in region: '${region}' not found for global table: '${name}'.`);
}

/** The global table's status: a transition the last change started, until it ends. */
function globalTableStatus(replica: TableRecord): string {
  const transition = replica.legacyGlobalTable!.transition;
  return transition !== undefined && Date.now() < transition.until ? transition.status : 'ACTIVE';
}

/**
 * GlobalTableDescription. Its replication group names the regions only, in
 * the order CreateGlobalTable was given them (the AWS CLI's recorded examples
 * of CreateGlobalTable and DescribeGlobalTable). A change that leaves no
 * replica leaves no global table: it is described one last time as DELETING.
 */
export function globalTableDescription(replicas: readonly TableRecord[], gone?: TableRecord): Record<string, unknown> {
  const first = replicas[0] ?? gone!;
  return {
    ReplicationGroup: replicas.map((replica) => ({ RegionName: replica.region })),
    GlobalTableArn: globalTableArn(first.account, first.TableName),
    CreationDateTime: first.legacyGlobalTable!.CreationDateTime,
    GlobalTableStatus: replicas.length === 0 ? 'DELETING' : globalTableStatus(first),
    GlobalTableName: first.TableName,
  };
}

/** A transition of `ms` (none for 0), as tables' transitions last the configured time. */
export function transition(status: 'CREATING' | 'UPDATING', ms: number): LegacyGlobalTable['transition'] {
  return ms > 0 ? { status, until: Date.now() + ms } : undefined;
}

function withTransition(marker: LegacyGlobalTable, next: LegacyGlobalTable['transition']): LegacyGlobalTable {
  const { transition: _, ...rest } = marker;
  return next === undefined ? rest : { ...rest, transition: next };
}

const active = (region: string): ReplicaRecord => ({ RegionName: region, ReplicaStatus: 'ACTIVE' });

/** The table's record as the change has it so far, with its marker set by `marker`. */
function mark(group: CatalogGroup, table: TableRecord, marker: (current: TableRecord) => LegacyGlobalTable | undefined): void {
  const current = group.current(table, table.TableName)!;
  const { legacyGlobalTable: _, ...rest } = current;
  const next = marker(current);
  group.replace(current, next === undefined ? rest : { ...rest, legacyGlobalTable: next });
}

/**
 * Links `joining` (empty tables, checked) into the global table whose
 * replicas are `members` (none when CreateGlobalTable makes it), as a
 * version 2019.11.21 replica joins (replica-group.ts): every record lists the
 * others as ACTIVE, there being nothing to copy, and the changes each replica
 * makes from now on are sent to each new one (and a new one's to every
 * other), from cursors at the ends of their change logs.
 */
export function join(group: CatalogGroup, members: readonly TableRecord[], joining: readonly TableRecord[], next: LegacyGlobalTable['transition']): void {
  const created = members[0]?.legacyGlobalTable!.CreationDateTime ?? Date.now() / 1000;
  let position = Math.max(-1, ...members.map((member) => member.legacyGlobalTable!.position));
  for (const table of [...members, ...joining]) {
    const fresh = joining.includes(table);
    for (const other of fresh ? [...members, ...joining] : joining) {
      if (other.region !== table.region) joinReplica(group, group.current(table, table.TableName)!, active(other.region), undefined);
    }
    const marker = fresh ? { CreationDateTime: created, position: ++position } : table.legacyGlobalTable!;
    mark(group, table, () => withTransition(marker, next));
  }
}

/**
 * Unlinks `leaving` from the global table whose replicas are `members`, as a
 * version 2019.11.21 replica leaves (replica-group.ts), except that its table
 * stays, a table of its own again (UpdateGlobalTable deletes no table), and
 * no change is sent to or from it any more.
 */
export function leave(group: CatalogGroup, members: readonly TableRecord[], leaving: TableRecord, next: LegacyGlobalTable['transition']): void {
  for (const member of members) {
    leaveReplica(group, group.current(member, member.TableName)!, leaving.region);
    mark(group, member, (current) => (member.region === leaving.region ? undefined : withTransition(current.legacyGlobalTable!, next)));
  }
}
