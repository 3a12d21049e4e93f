/**
 * Changes of a table's definition through UpdateTable and UpdateTimeToLive.
 * On a replica of a version 2019.11.21 global table, what the change does to
 * the settings replicas share (shared-settings.ts) is made on every replica:
 * the request is checked once, here, and the others just apply it. As for
 * ReplicaUpdates (replica-updates.ts), the peers are told first
 * (SyncTableSettings), then this server's replicas change in one catalog
 * transaction. A peer that cannot be reached fails the request with
 * ServiceUnavailable; a replica told a change it has already made is left
 * as it is, so the request can simply be repeated.
 */
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';
import { tableNotFound } from './table-access.js';
import { remoteRegions } from './replica-updates.js';
import { sharedChange, withoutOverridesReplacedBy, withSharedChange } from './shared-settings.js';
import { scaleNewIndexWrites } from './index-write-scaling.js';
import { changeReplicas, otherReplicas } from '../../features/replication/replica-group.js';
import { callPeer } from '../../features/replication/peers.js';

/** A change of the table's record, which may run more than once; `newIndexId` gives this server's ids. */
export type SettingsChange = (current: TableRecord, newIndexId: () => number) => TableRecord;

/** Whether the table's replicas share its settings (those of version 2017.11.29 have their own). */
export function sharesSettings(table: TableRecord): boolean {
  return (table.Replicas?.length ?? 0) > 0 && table.legacyGlobalTable === undefined;
}

/** The region of a replica of the table still being added (the table's own, while it is being filled), if any. */
export function replicaBeingAdded(table: TableRecord): string | undefined {
  if (table.TableStatus === 'CREATING') return table.region;
  return table.Replicas?.find((replica) => replica.ReplicaStatus === 'CREATING')?.RegionName;
}

/**
 * Changes the table, and on a global table every replica the same way;
 * with `transition` (UpdateTable), each table changed shows UPDATING for the
 * configured time. Returns the table before and after.
 */
export async function changeSharedTable(
  context: OperationContext,
  table: TableRecord,
  change: SettingsChange,
  transition: boolean,
): Promise<{ before: TableRecord; after: TableRecord }> {
  const { services } = context;
  if (!sharesSettings(table)) {
    let before = table;
    const after = await services.catalog.update(table, (current, newIndexId) => change((before = current), newIndexId), transition);
    return { before, after };
  }
  // Index ids are each server's own: what changes does not depend on them.
  const told = sharedChange(table, change(table, () => 0));
  if (told !== undefined) {
    for (const region of remoteRegions(context, table)) {
      await callPeer(services.config, region, 'SyncTableSettings', { TableName: table.TableName, Change: JSON.stringify(told) });
    }
  }
  const transitionMs = services.config.updateTableMs;
  const { before, after, shared, changed } = await changeReplicas(services, (group) => {
    const current = group.current(table, table.TableName);
    if (current === undefined || current.id !== table.id) throw tableNotFound(table.TableName);
    const next = change(current, () => group.newIndexId());
    const shared = sharedChange(current, next);
    const own = shared === undefined ? next : withoutOverridesReplacedBy(next, shared);
    const after: TableRecord = transition && transitionMs > 0 ? { ...own, TableStatus: 'UPDATING', statusUntil: Date.now() + transitionMs } : own;
    group.replace(current, after);
    const others = (shared === undefined ? [] : otherReplicas(group, current)).map((member) => {
      const changed = withSharedChange(member, shared!, () => group.newIndexId(), transitionMs);
      group.replace(member, changed);
      return changed;
    });
    return { before: current, after, shared, changed: [after, ...others] };
  });
  if (shared !== undefined) await scaleNewIndexWrites(services, changed, shared);
  return { before, after };
}
