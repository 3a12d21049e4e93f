/**
 * Applying another region's changes to this region's replica of a global
 * table: through the item store's write path, so indexes, counters, the
 * stream (which shows replicated writes, as DynamoDB's replicas do) and TTL
 * entries are kept as for any write, each change applied only if it is
 * later than the item's version (item-versions.ts). The same function
 * serves a replica on this server and one a peer sends to.
 */
import type { Item } from '../../model/attribute-value.js';
import { keyFromItem } from '../../model/primary-key.js';
import { itemKey } from '../../engine/item-key.js';
import { StaleCatalog } from '../../engine/catalog.js';
import { StepFailures, type WriteStep } from '../../engine/items.js';
import type { Services } from '../../engine/services.js';
import { keySchemaOf, type TableRecord } from '../../engine/table.js';
import type { ItemVersion } from './item-versions.js';

/** One change as it travels between replicas. */
export interface ReplicatedChange {
  /** The item's key attributes (from whichever image there is). */
  readonly key: Item;
  /** The item after the change; absent for a delete. */
  readonly item?: Item;
  readonly version: ItemVersion;
  /** A delete made by Time to Live. */
  readonly ttl?: boolean;
}

/** The replica a change goes to: a table of this server, by namespace and name. */
export interface ReplicaTarget {
  readonly account: string;
  readonly region: string;
  readonly TableName: string;
}

/** Steps per transaction: a change per item, so an item's changes apply in order, one transaction after the other. */
const STEPS_PER_WRITE = 100;

/** The replica, if it is one of `sourceRegion`'s table. */
function replicaOf(services: Services, target: ReplicaTarget, sourceRegion: string): TableRecord | undefined {
  const table = services.catalog.get(target, target.TableName);
  if (table === undefined || table.TableStatus === 'DELETING') return undefined;
  return table.Replicas?.some((replica) => replica.RegionName === sourceRegion) === true ? table : undefined;
}

/** Splits the changes into transactions in which no item appears twice, keeping their order. */
function batches(table: TableRecord, changes: readonly ReplicatedChange[]): WriteStep[][] {
  const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
  const out: WriteStep[][] = [];
  let current: WriteStep[] = [];
  let seen = new Set<string>();
  for (const change of changes) {
    const key = keyFromItem(change.key, schema);
    const id = Buffer.from(itemKey(table.id, key)).toString('latin1');
    if (seen.has(id) || current.length === STEPS_PER_WRITE) {
      out.push(current);
      current = [];
      seen = new Set();
    }
    seen.add(id);
    const next = change.item;
    current.push({ table, key, apply: () => next, blind: true, origin: { replica: change.version, ...(change.ttl === true ? { ttl: true } : {}) } });
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Applies `changes` (in the order given) to the replica in `target`; false
 * when there is no such replica of the source region's table (deleted, or
 * not made yet). A batch cut short by a table change made elsewhere runs
 * again on the new definition: changes applied twice change nothing.
 */
export async function applyReplicated(services: Services, target: ReplicaTarget, sourceRegion: string, changes: readonly ReplicatedChange[]): Promise<boolean> {
  for (;;) {
    await services.catalog.refreshIfStale();
    const table = replicaOf(services, target, sourceRegion);
    if (table === undefined) return false;
    try {
      for (const steps of batches(table, changes)) await services.items.writeMany(steps);
      return true;
    } catch (error) {
      if (error instanceof StaleCatalog) continue;
      if (error instanceof StepFailures) throw error.failures.find((failure) => failure !== undefined)!;
      throw error;
    }
  }
}
