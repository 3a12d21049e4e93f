/**
 * Setting a scalable target's capacity as Application Auto Scaling does: an
 * UpdateTable of the table's or index's provisioned throughput, with its
 * bookkeeping and limits (throughput-changes.ts: the day's decreases, the
 * table maximum), recorded as a scaling activity whether it succeeded or DynamoDB refused it.
 */
import { randomUUID } from 'node:crypto';
import type { Services } from '../../engine/services.js';
import type { TableRecord } from '../../engine/table.js';
import { ApiError, DynamoError } from '../../protocol/errors.js';
import type { ThroughputInput } from '../../operations/tables/table-shapes.js';
import { changeableTable } from '../../operations/tables/table-access.js';
import { changedThroughput, checkAccountMaximum, checkTableMaximum } from '../capacity/throughput-changes.js';
import { putActivity, type ScalableTargetRecord, type ScalingActivityRecord } from './scaling-store.js';
import { capacityName, indexOf, scalableResource, throughputOf, unitsOf, type ScalableResource } from './scalable-resource.js';

/** The throughput with the resource's units set to `capacity`, the other kind's kept. */
function requested(current: ThroughputInput, resource: ScalableResource, capacity: number): ThroughputInput {
  return resource.access === 'read'
    ? { ReadCapacityUnits: capacity, WriteCapacityUnits: current.WriteCapacityUnits }
    : { ReadCapacityUnits: current.ReadCapacityUnits, WriteCapacityUnits: capacity };
}

/** The table record with the resource's capacity changed, or DynamoDB's refusal (UpdateTable's checks). */
function withCapacity(table: TableRecord, resource: ScalableResource, capacity: number, region: string): TableRecord {
  const current = throughputOf(table, resource);
  if (current === undefined) {
    throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Index ${resource.indexName} for table ${table.TableName}`);
  }
  const wanted = requested(current, resource, capacity);
  checkTableMaximum(region, wanted, undefined);
  const changed = changedThroughput(current, wanted, Date.now() / 1000);
  if (resource.indexName === undefined) return { ...table, ProvisionedThroughput: changed };
  const index = indexOf(table, resource)!;
  return { ...table, GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((other) => (other.id === index.id ? { ...index, ProvisionedThroughput: changed } : other)) };
}

/**
 * Sets the target's capacity to `capacity` and records the activity, with
 * AWS's texts (its DescribeScalingActivities examples for DynamoDB:
 * "Setting write capacity units to 10.", "Successfully set write capacity
 * units to 10. Change successfully fulfilled by dynamodb."). No recording of
 * a failed DynamoDB change was found; its message follows the same pattern
 * with DynamoDB's error after "Reason:". Returns whether the change was made.
 */
export async function setCapacity(services: Services, target: ScalableTargetRecord, capacity: number, cause: string): Promise<boolean> {
  const resource = scalableResource(target.ResourceId, target.ScalableDimension)!;
  const name = capacityName(resource);
  const started = Date.now() / 1000;
  let failure: string | undefined;
  try {
    // DynamoDB's own refusals of the UpdateTable: the table gone, or not ACTIVE.
    const table = changeableTable({ namespace: target, requestId: randomUUID(), services }, resource.tableName);
    await services.catalog.update(table, (current) => {
      const next = withCapacity(current, resource, capacity, target.region);
      checkAccountMaximum(services.catalog, target, next);
      return next;
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    failure = error.message;
  }
  const activity: ScalingActivityRecord = {
    account: target.account,
    region: target.region,
    ServiceNamespace: 'dynamodb',
    ResourceId: target.ResourceId,
    ScalableDimension: target.ScalableDimension,
    ActivityId: randomUUID(),
    Description: `Setting ${name} to ${capacity}.`,
    Cause: cause,
    StartTime: started,
    EndTime: Date.now() / 1000,
    StatusCode: failure === undefined ? 'Successful' : 'Failed',
    StatusMessage: failure === undefined ? `Successfully set ${name} to ${capacity}. Change successfully fulfilled by dynamodb.` : `Failed to set ${name} to ${capacity}. Reason: ${failure}`,
  };
  await services.storage.write((tx) => putActivity(tx, activity));
  return failure === undefined;
}

/** The resource's capacity now, or undefined when it cannot be scaled (no such table or index, or an on-demand table). */
export function currentCapacity(services: Services, target: ScalableTargetRecord): number | undefined {
  const resource = scalableResource(target.ResourceId, target.ScalableDimension);
  const table = resource === undefined ? undefined : services.catalog.get(target, resource.tableName);
  if (resource === undefined || table === undefined || table.BillingMode !== 'PROVISIONED') return undefined;
  const throughput = throughputOf(table, resource);
  return throughput === undefined ? undefined : unitsOf(throughput, resource);
}
