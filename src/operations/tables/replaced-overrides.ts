/**
 * Read capacity (provisioned, or an on-demand maximum) of a global table
 * and of its indexes is synchronized between replicas but may be overridden
 * per replica (ReplicaUpdates, replica-updates.ts). A change of it on any
 * replica replaces every replica's own value, overrides included (the
 * Developer Guide's settings synchronization note: an override of 100 RCUs
 * becomes the 300 set on another replica); a change that leaves the reads
 * as they were leaves each replica its own. Likewise a change of table class
 * replaces the replicas' own. Once replaced, no entry shows the override.
 */
import type { IndexRecord, OnDemandThroughput, ReplicaIndexOverride, ReplicaRecord, TableRecord } from '../../engine/table.js';

type Capacity = Pick<IndexRecord, 'ProvisionedThroughput' | 'OnDemandThroughput'>;

/** Which reads of the table (no IndexName) or of an index a change set. */
export interface ReadsSet {
  readonly IndexName?: string;
  readonly provisioned?: true;
  readonly onDemand?: true;
}

/** The reads that differ between `before` and `after`, if any. */
export function readsSet(before: Capacity, after: Capacity, IndexName?: string): ReadsSet | undefined {
  const provisioned = before.ProvisionedThroughput?.ReadCapacityUnits !== after.ProvisionedThroughput?.ReadCapacityUnits;
  const onDemand = before.OnDemandThroughput?.MaxReadRequestUnits !== after.OnDemandThroughput?.MaxReadRequestUnits;
  if (!provisioned && !onDemand) return undefined;
  return { ...(IndexName !== undefined ? { IndexName } : {}), ...(provisioned ? { provisioned: true } : {}), ...(onDemand ? { onDemand: true } : {}) };
}

/** `shared` (capacity as the changed replica has it now) with `own`'s reads where the change did not set them. */
export function withOwnReads(shared: Capacity, own: Capacity, set: ReadsSet | undefined): Capacity {
  const read = own.ProvisionedThroughput?.ReadCapacityUnits;
  const provisioned =
    shared.ProvisionedThroughput === undefined || set?.provisioned === true || read === undefined ? shared.ProvisionedThroughput : { ...shared.ProvisionedThroughput, ReadCapacityUnits: read };
  const maxRead = set?.onDemand === true ? shared.OnDemandThroughput?.MaxReadRequestUnits : own.OnDemandThroughput?.MaxReadRequestUnits;
  const { MaxReadRequestUnits: _, ...writes } = shared.OnDemandThroughput ?? {};
  const onDemand: OnDemandThroughput = { ...writes, ...(maxRead !== undefined ? { MaxReadRequestUnits: maxRead } : {}) };
  return {
    ...(provisioned !== undefined ? { ProvisionedThroughput: provisioned } : {}),
    ...(Object.keys(onDemand).length > 0 ? { OnDemandThroughput: onDemand } : {}),
  };
}

function indexOverride(override: ReplicaIndexOverride, set: ReadsSet | undefined, deleted: boolean): ReplicaIndexOverride[] {
  if (deleted) return [];
  const { ProvisionedThroughputOverride, OnDemandThroughputOverride, IndexName } = override;
  const kept = {
    ...(ProvisionedThroughputOverride !== undefined && set?.provisioned !== true ? { ProvisionedThroughputOverride } : {}),
    ...(OnDemandThroughputOverride !== undefined && set?.onDemand !== true ? { OnDemandThroughputOverride } : {}),
  };
  return Object.keys(kept).length === 0 ? [] : [{ IndexName, ...kept }];
}

/** An entry without the overrides the change replaced, and without those of indexes it deleted. */
function entryWithout(entry: ReplicaRecord, reads: readonly ReadsSet[], tableClass: boolean, deletedIndexes: ReadonlySet<string>): ReplicaRecord {
  const table = reads.find((set) => set.IndexName === undefined);
  const { ProvisionedThroughputOverride, OnDemandThroughputOverride, ReplicaTableClassSummary, GlobalSecondaryIndexes, ...rest } = entry;
  const indexes = (GlobalSecondaryIndexes ?? []).flatMap((override) =>
    indexOverride(override, reads.find((set) => set.IndexName === override.IndexName), deletedIndexes.has(override.IndexName)),
  );
  return {
    ...rest,
    ...(ProvisionedThroughputOverride !== undefined && table?.provisioned !== true ? { ProvisionedThroughputOverride } : {}),
    ...(OnDemandThroughputOverride !== undefined && table?.onDemand !== true ? { OnDemandThroughputOverride } : {}),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(ReplicaTableClassSummary !== undefined && !tableClass ? { ReplicaTableClassSummary } : {}),
  };
}

/** The record with its entries of the other replicas cleared of the overrides a change replaced. */
export function withoutReplacedOverrides(record: TableRecord, reads: readonly ReadsSet[], tableClass: boolean, deletedIndexes: readonly string[]): TableRecord {
  if (record.Replicas === undefined || (reads.length === 0 && !tableClass && deletedIndexes.length === 0)) return record;
  const deleted = new Set(deletedIndexes);
  return { ...record, Replicas: record.Replicas.map((entry) => entryWithout(entry, reads, tableClass, deleted)) };
}
