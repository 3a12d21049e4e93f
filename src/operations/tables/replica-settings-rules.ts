/**
 * What DynamoDB refuses of UpdateTable and UpdateTimeToLive on a replica of
 * a version 2019.11.21 global table, before anything changes anywhere.
 * Their order among UpdateTable's other checks is not recorded; these come
 * after the table's own state and before the request's index definitions.
 */
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';
import { getTarget } from '../../features/autoscaling/scaling-store.js';
import { targetIdOf } from '../global-tables/auto-scaling-settings.js';
import { replicaBeingAdded, sharesSettings } from './settings-sync.js';

/** What the refusals need of an UpdateTable request. */
interface TableUpdate {
  readonly BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly GlobalSecondaryIndexUpdates?: readonly { readonly Create?: object }[];
}

/**
 * UpdateTimeToLive while a replica is being added: Time to Live is every
 * replica's. Recorded live, typographic quotes and all (ack-api-quirks
 * DynamoDB lab, DDB-TABLE-306 and its message catalogue, DDB-TABLE-442).
 */
export function checkReplicatedTimeToLive(table: TableRecord): void {
  const adding = sharesSettings(table) ? replicaBeingAdded(table) : undefined;
  if (adding !== undefined) {
    throw validation(`Create/Update/Delete of replica is not allowed while the replica is being added to table with name: ‘${table.TableName}’ in region: ‘${adding}’.`);
  }
}

/**
 * UpdateTable of a replica: none while a replica is being added (recorded
 * live, DDB-TABLE-306). A provisioned global table keeps its writes auto
 * scaled (the Developer Guide's requirement for provisioned replicas): a new
 * index is refused while an index's writes are not (recorded live,
 * DDB-TABLE-291; DynamoDB then scales the new one's itself, DDB-TABLE-322
 * and index-write-scaling.ts), looking at this region's targets, as a
 * replica's Create does (replica-updates.ts). A switch to PROVISIONED is not
 * refused: no refusal of it was found recorded, its targets cannot exist
 * before it (Application Auto Scaling refuses an on-demand table's), and
 * users switch global tables so (terraform-provider-aws#23738).
 */
export async function checkReplicatedUpdate(context: OperationContext, table: TableRecord, request: TableUpdate): Promise<void> {
  if (!sharesSettings(table)) return;
  if (replicaBeingAdded(table) !== undefined) throw new DynamoError('ResourceInUseException', 'The resource which you are attempting to change is in use.');
  const provisioned = table.BillingMode === 'PROVISIONED' && request.BillingMode !== 'PAY_PER_REQUEST';
  if (!provisioned || !(request.GlobalSecondaryIndexUpdates ?? []).some((update) => update.Create !== undefined)) return;
  const name = table.TableName;
  const indexes = table.GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING');
  const scaled = await context.services.storage.read((tx) => indexes.every((index) => getTarget(tx, table, targetIdOf(name, { indexName: index.IndexName, access: 'write' })) !== undefined));
  // The text DynamoDB gives a replica's Create too (DDB-TABLE-187, -442); it names no index.
  if (!scaled) throw validation('GSI write capacity should either be Pay-Per-Request or AutoScaled.');
}
