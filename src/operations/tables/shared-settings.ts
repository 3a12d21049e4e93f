/**
 * The settings a version 2019.11.21 global table's replicas share. The
 * Developer Guide ("Global tables: how it works", settings synchronization)
 * lists what is always synchronized: capacity mode, write capacity and its
 * auto scaling, the key schema's attribute definitions, the global secondary
 * indexes' definitions and write capacity, SSE type, streams, Time to Live,
 * warm throughput and on-demand maximum write throughput; and what is
 * synchronized but may be overridden per replica: read capacity, table
 * class, on-demand maximum read throughput, where a change made on any
 * replica overwrites the overrides. Never synchronized: deletion protection,
 * PITR, tags, Contributor Insights, Kinesis destinations, resource policies.
 *
 * What a change on one replica did to them is a `SharedChange`, taken from
 * its record before and after; every other replica then applies it to its
 * own record without checking anything again: its indexes get ids and
 * backfills of their own. Not carried (yet): SSE, whose KMS key is regional.
 */
import type { AttributeDefinition, IndexRecord, TableRecord } from '../../engine/table.js';
import { readsSet, withoutReplacedOverrides, withOwnReads, type ReadsSet } from './replaced-overrides.js';

/** The table-level fields replicas share, as the changed replica now has them. */
const TABLE_FIELDS = [
  'BillingMode',
  'LastUpdateToPayPerRequestDateTime',
  'payPerRequestSwitches',
  'ProvisionedThroughput',
  'OnDemandThroughput',
  'WarmThroughput',
  'TableClass',
  'TableClassLastUpdate',
  'TimeToLive',
] as const satisfies readonly (keyof TableRecord)[];

type TableField = (typeof TABLE_FIELDS)[number];

/** A global index's definition, as replicas share it. */
export type SharedIndex = Pick<IndexRecord, 'IndexName' | 'KeySchema' | 'Projection' | 'ProvisionedThroughput' | 'OnDemandThroughput' | 'WarmThroughput'>;

/** What a change did to the shared settings (JSON: peers carry it as is). */
export interface SharedChange {
  /** Each changed field's new value; null where the field went (Time to Live switched off). */
  readonly table?: { readonly [F in TableField]?: TableRecord[F] | null };
  readonly AttributeDefinitions?: readonly AttributeDefinition[];
  readonly createIndexes?: readonly SharedIndex[];
  readonly deleteIndexes?: readonly string[];
  /** Indexes whose capacity changed, with their capacity now. */
  readonly updateIndexes?: readonly SharedIndex[];
  /** The reads it set, which replace each replica's own (replaced-overrides.ts). */
  readonly reads?: readonly ReadsSet[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function liveIndexes(table: TableRecord): Map<string, IndexRecord> {
  return new Map(table.GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING').map((index) => [index.IndexName, index]));
}

/** An index's capacity settings, those it has. */
function capacityOf(index: SharedIndex): Pick<SharedIndex, 'ProvisionedThroughput' | 'OnDemandThroughput' | 'WarmThroughput'> {
  const { ProvisionedThroughput, OnDemandThroughput, WarmThroughput } = index;
  return {
    ...(ProvisionedThroughput !== undefined ? { ProvisionedThroughput } : {}),
    ...(OnDemandThroughput !== undefined ? { OnDemandThroughput } : {}),
    ...(WarmThroughput !== undefined ? { WarmThroughput } : {}),
  };
}

function sharedIndex(index: SharedIndex): SharedIndex {
  return { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection, ...capacityOf(index) };
}

/** What the change from `before` to `after` did to the shared settings; undefined when nothing shared changed. */
export function sharedChange(before: TableRecord, after: TableRecord): SharedChange | undefined {
  const table: Partial<Record<TableField, unknown>> = {};
  for (const field of TABLE_FIELDS) {
    if (!same(before[field], after[field])) table[field] = after[field] ?? null;
  }
  const was = liveIndexes(before);
  const is = liveIndexes(after);
  const created = [...is.values()].filter((index) => !was.has(index.IndexName)).map(sharedIndex);
  const deleted = [...was.keys()].filter((name) => !is.has(name));
  const updated = [...is.values()].filter((index) => was.has(index.IndexName) && !same(sharedIndex(index), sharedIndex(was.get(index.IndexName)!))).map(sharedIndex);
  const definitions = same(before.AttributeDefinitions, after.AttributeDefinitions) ? undefined : after.AttributeDefinitions;
  const reads = [readsSet(before, after), ...updated.map((index) => readsSet(was.get(index.IndexName)!, index, index.IndexName))].filter((set) => set !== undefined);
  const change: SharedChange = {
    ...(Object.keys(table).length > 0 ? { table: table as SharedChange['table'] } : {}),
    ...(definitions !== undefined ? { AttributeDefinitions: definitions } : {}),
    ...(created.length > 0 ? { createIndexes: created } : {}),
    ...(deleted.length > 0 ? { deleteIndexes: deleted } : {}),
    ...(updated.length > 0 ? { updateIndexes: updated } : {}),
    ...(reads.length > 0 ? { reads } : {}),
  };
  return Object.keys(change).length === 0 ? undefined : change;
}

/** Whether the change is more than Time to Live, which DynamoDB switches without taking the table through UPDATING. */
export function updatesTable(change: SharedChange): boolean {
  return Object.keys(change).some((key) => key !== 'table') || Object.keys(change.table ?? {}).some((field) => field !== 'TimeToLive');
}

/** How a created or deleted index starts out: new indexes are backfilled; transitions last the configured time. */
export interface IndexTransitions {
  created(): Pick<IndexRecord, 'id' | 'IndexStatus' | 'Backfilling' | 'statusUntil'>;
  /** The deleted index as it stays visible a while, or undefined when it goes at once. */
  readonly deleted: Pick<IndexRecord, 'IndexStatus' | 'statusUntil'> | undefined;
}

export function indexTransitions(transitionMs: number, newIndexId: () => number, now: number): IndexTransitions {
  const until = transitionMs > 0 ? { statusUntil: now + transitionMs } : {};
  return {
    created: () => ({ id: newIndexId(), IndexStatus: 'CREATING', Backfilling: true, ...until }),
    deleted: transitionMs > 0 ? { IndexStatus: 'DELETING', ...until } : undefined,
  };
}

/** The global indexes with the change's creates, deletes and capacity updates; an index already created or gone is left as it is. */
function changedIndexes(indexes: readonly IndexRecord[], change: SharedChange, transitions: IndexTransitions): IndexRecord[] {
  const live = (name: string) => indexes.some((index) => index.IndexName === name && index.IndexStatus !== 'DELETING');
  const deleted = new Set(change.deleteIndexes ?? []);
  const updates = new Map((change.updateIndexes ?? []).map((index) => [index.IndexName, index]));
  const kept = indexes.flatMap((index): IndexRecord[] => {
    if (index.IndexStatus === 'DELETING') return [index];
    if (deleted.has(index.IndexName)) return transitions.deleted === undefined ? [] : [{ ...index, ...transitions.deleted }];
    const update = updates.get(index.IndexName);
    if (update === undefined) return [index];
    const { ProvisionedThroughput: _, OnDemandThroughput: __, WarmThroughput: ___, ...rest } = index;
    const { WarmThroughput, ...capacity } = capacityOf(update);
    const reads = change.reads?.find((set) => set.IndexName === index.IndexName);
    return [{ ...rest, ...withOwnReads(capacity, index, reads), ...(WarmThroughput !== undefined ? { WarmThroughput } : {}) }];
  });
  const created = (change.createIndexes ?? []).filter((index) => !live(index.IndexName)).map((index): IndexRecord => ({ ...sharedIndex(index), ...transitions.created() }));
  return [...kept, ...created];
}

/** The record's attribute definitions with the change's, keeping only those some key of the table or its indexes uses. */
function changedDefinitions(record: TableRecord, indexes: readonly IndexRecord[], given: readonly AttributeDefinition[] | undefined): AttributeDefinition[] {
  const byName = new Map(record.AttributeDefinitions.map((definition) => [definition.AttributeName, definition]));
  for (const definition of given ?? []) if (!byName.has(definition.AttributeName)) byName.set(definition.AttributeName, definition);
  const used = new Set([record.KeySchema, ...record.LocalSecondaryIndexes.map((index) => index.KeySchema), ...indexes.map((index) => index.KeySchema)].flat().map((key) => key.AttributeName));
  return [...byName.values()].filter((definition) => used.has(definition.AttributeName));
}

/** The record with the overrides the change replaced gone from its entries of the other replicas. */
export function withoutOverridesReplacedBy(record: TableRecord, change: SharedChange): TableRecord {
  return withoutReplacedOverrides(record, change.reads ?? [], change.table?.TableClass !== undefined, change.deleteIndexes ?? []);
}

/** The table-level capacity fields the change set, with the record's own reads where it did not set them. */
function tableCapacity(record: TableRecord, fields: Record<string, unknown>, change: SharedChange): Record<string, unknown> {
  if (change.table?.ProvisionedThroughput === undefined && change.table?.OnDemandThroughput === undefined) return fields;
  const { ProvisionedThroughput, OnDemandThroughput, ...rest } = fields as Partial<TableRecord>;
  const reads = change.reads?.find((set) => set.IndexName === undefined);
  return { ...rest, ...withOwnReads({ ProvisionedThroughput, OnDemandThroughput }, record, reads) };
}

/** Another replica's record with the change applied; `transitionMs` is this server's UpdateTable transition. */
export function withSharedChange(record: TableRecord, change: SharedChange, newIndexId: () => number, transitionMs: number, now = Date.now()): TableRecord {
  const fields: Record<string, unknown> = { ...record };
  for (const [field, value] of Object.entries(change.table ?? {})) {
    if (value === null) delete fields[field];
    else fields[field] = value;
  }
  const indexes = changedIndexes(record.GlobalSecondaryIndexes, change, indexTransitions(transitionMs, newIndexId, now));
  const updating = transitionMs > 0 && updatesTable(change) ? { TableStatus: 'UPDATING' as const, statusUntil: now + transitionMs } : {};
  const changed = {
    ...(tableCapacity(record, fields, change) as unknown as TableRecord),
    GlobalSecondaryIndexes: indexes,
    AttributeDefinitions: changedDefinitions(record, indexes, change.AttributeDefinitions),
    ...updating,
  };
  return withoutOverridesReplacedBy(changed, change);
}
