/**
 * UpdateTable's MultiRegionConsistency and GlobalTableWitnessUpdates: what
 * makes a table one of multi-Region strong consistency
 * (features/replication/strong-consistency.ts), checked before anything
 * changes. DynamoDB's rules, from its Developer Guide and API reference: the
 * mode is chosen when the global table is made (ReplicaUpdates creating its
 * replicas) and never changes; such a table has exactly three Regions, three
 * replicas or two and a witness; it must be empty; it has no local secondary
 * indexes and no Time to Live. No recording of DynamoDB's refusals was
 * found: their words here are Dynalith's own.
 */
import { validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';
import { INVALID } from './key-schema-rules.js';
import type { ReplicaUpdate } from './replica-updates.js';

export interface WitnessUpdate {
  readonly Create?: { readonly RegionName: string };
  readonly Delete?: { readonly RegionName: string };
}

interface GroupRequest {
  readonly ReplicaUpdates?: readonly ReplicaUpdate[];
  readonly MultiRegionConsistency?: 'EVENTUAL' | 'STRONG';
  readonly GlobalTableWitnessUpdates?: readonly WitnessUpdate[];
}

/** What makes the table strongly consistent: its witness, if any; undefined for a request that does not. */
export async function strongConsistencyOf(context: OperationContext, table: TableRecord, request: GroupRequest): Promise<{ readonly witness?: string } | undefined> {
  const creates = (request.ReplicaUpdates ?? []).flatMap((update) => (update.Create === undefined ? [] : [update.Create.RegionName]));
  const witnesses = request.GlobalTableWitnessUpdates ?? [];
  if (table.multiRegionStrong !== undefined) {
    throw validation(`${INVALID}The Regions of a global table with multi-Region strong consistency are fixed when it is made: ${table.TableName}`);
  }
  if (request.MultiRegionConsistency !== 'STRONG') {
    if (witnesses.length > 0) throw validation(`${INVALID}GlobalTableWitnessUpdates need MultiRegionConsistency STRONG`);
    if (request.MultiRegionConsistency !== undefined && creates.length === 0) throw validation(`${INVALID}MultiRegionConsistency is only valid with ReplicaUpdates that create replicas`);
    return undefined;
  }
  if (creates.length === 0) throw validation(`${INVALID}MultiRegionConsistency is only valid with ReplicaUpdates that create replicas`);
  if ((table.Replicas?.length ?? 0) > 0) throw validation(`${INVALID}The consistency mode of a global table cannot be changed: ${table.TableName}`);
  if (witnesses.length > 1 || witnesses.some((update) => update.Create === undefined)) throw validation(`${INVALID}Only one witness can be created, with the table's replicas`);
  const witness = witnesses[0]?.Create?.RegionName;
  const regions = [table.region, ...creates, ...(witness === undefined ? [] : [witness])];
  if (regions.length !== 3 || new Set(regions).size !== 3) {
    throw validation(`${INVALID}A global table with multi-Region strong consistency spans exactly three Regions: three replicas, or two and a witness`);
  }
  if (table.LocalSecondaryIndexes.length > 0) throw validation(`${INVALID}A global table with multi-Region strong consistency cannot have local secondary indexes`);
  if (table.TimeToLive !== undefined) throw validation(`${INVALID}A global table with multi-Region strong consistency cannot have Time to Live enabled`);
  if ((await context.services.items.stats(table)).itemCount > 0) throw validation(`${INVALID}The table must be empty to get multi-Region strong consistency: ${table.TableName}`);
  return witness === undefined ? {} : { witness };
}
