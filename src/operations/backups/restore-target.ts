/**
 * What RestoreTableFromBackup and RestoreTableToPointInTime share: the
 * overrides they take, the target table they build from a source table's
 * definition and those overrides, and creating it CREATING with its
 * RestoreSummary and the restore's marker (the background job,
 * features/backups/restore-writer.ts, writes the items and makes it ACTIVE).
 *
 * What a restore keeps follows the developer guide ("Restoring a DynamoDB
 * table from a backup", and the same list for point-in-time recovery): key
 * schema, indexes, billing mode and capacity, encryption and table class come
 * back; streams, Time to Live, tags, auto scaling and deletion protection do
 * not.
 */
import { list, str } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import type { NewIndex, NewTable } from '../../engine/catalog.js';
import type { IndexRecord, RestoreSummary, TableRecord, Throughput } from '../../engine/table.js';
import { putRestoreMarker, type RestoreMarker } from '../../features/backups/backup-store.js';
import {
  billingModeMember,
  globalSecondaryIndexMember,
  localSecondaryIndexMember,
  onDemandThroughputMember,
  provisionedThroughputMember,
  sseSpecificationMember,
  type IndexInput,
  type OnDemandThroughputInput,
  type SseSpecificationInput,
  type ThroughputInput,
} from '../tables/table-shapes.js';
import { checkGlobalIndexThroughput, indexRecord, initialThroughput } from '../tables/create-table.js';
import { checkGlobalIndex, checkKeyOrder, checkKeysDefined, checkThroughputBounds, INVALID } from '../tables/key-schema-rules.js';
import { sseDescription } from '../tables/table-settings.js';
import type { Namespace, OperationContext } from '../operation.js';

export interface RestoreOverrides {
  readonly TargetTableName: string;
  readonly BillingModeOverride?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly GlobalSecondaryIndexOverride?: readonly IndexInput[];
  readonly LocalSecondaryIndexOverride?: readonly IndexInput[];
  readonly ProvisionedThroughputOverride?: ThroughputInput;
  readonly OnDemandThroughputOverride?: OnDemandThroughputInput;
  readonly SSESpecificationOverride?: SseSpecificationInput;
}

/** The request members of the target and its overrides, as both restore operations take them. */
export const restoreOverrideMembers = {
  TargetTableName: str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
  BillingModeOverride: billingModeMember,
  GlobalSecondaryIndexOverride: list(globalSecondaryIndexMember),
  LocalSecondaryIndexOverride: list(localSecondaryIndexMember),
  ProvisionedThroughputOverride: provisionedThroughputMember(),
  OnDemandThroughputOverride: onDemandThroughputMember,
  SSESpecificationOverride: sseSpecificationMember,
};

/** An index as the source had it, for the new table (which gives it a new id and makes it ACTIVE). */
function restoredIndex({ IndexName, KeySchema, Projection, ProvisionedThroughput, OnDemandThroughput }: IndexRecord, provisioned: boolean): NewIndex {
  return {
    IndexName,
    KeySchema,
    Projection,
    ...(ProvisionedThroughput !== undefined ? { ProvisionedThroughput: provisioned ? { ...ProvisionedThroughput, NumberOfDecreasesToday: 0 } : initialThroughput(undefined) } : {}),
    ...(OnDemandThroughput !== undefined ? { OnDemandThroughput } : {}),
    IndexStatus: 'ACTIVE',
  };
}

function tableThroughput(request: RestoreOverrides, source: Throughput, provisioned: boolean): Throughput {
  if (request.ProvisionedThroughputOverride !== undefined) {
    if (!provisioned) {
      throw validation(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    }
    checkThroughputBounds(request.ProvisionedThroughputOverride);
    return initialThroughput(request.ProvisionedThroughputOverride);
  }
  if (!provisioned) return initialThroughput(undefined);
  // A table switched to provisioned has no capacity of its own to keep.
  if (source.ReadCapacityUnits === 0) {
    throw validation(`${INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
  }
  return { ReadCapacityUnits: source.ReadCapacityUnits, WriteCapacityUnits: source.WriteCapacityUnits, NumberOfDecreasesToday: 0 };
}

/** moto's text; the API reference: "A target table with the specified name already exists." */
function tableAlreadyExists(name: string): DynamoError {
  return new DynamoError('TableAlreadyExistsException', `Table already exists: ${name}`);
}

export function checkTargetFree({ namespace, services }: OperationContext, name: string): void {
  if (services.catalog.get(namespace, name) !== undefined) throw tableAlreadyExists(name);
}

/** The target table: the source's definition with the request's overrides, checked as CreateTable checks them. */
export function restoredDefinition(request: RestoreOverrides, source: TableRecord, namespace: Namespace): NewTable {
  const billingMode = request.BillingModeOverride ?? source.BillingMode;
  const provisioned = billingMode === 'PROVISIONED';
  const definitions = source.AttributeDefinitions.map((definition) => definition.AttributeName);
  for (const index of request.GlobalSecondaryIndexOverride ?? []) {
    checkGlobalIndex(index, definitions);
    checkGlobalIndexThroughput(index, billingMode);
  }
  for (const index of request.LocalSecondaryIndexOverride ?? []) {
    checkKeysDefined(index.KeySchema, definitions);
    checkKeyOrder(index.KeySchema);
  }
  const sourceGsis = source.GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING');
  if (provisioned && request.GlobalSecondaryIndexOverride === undefined) {
    // An on-demand table's indexes have no capacity to keep: a switch to provisioned must give theirs, as CreateTable must.
    const unset = sourceGsis.find((index) => (index.ProvisionedThroughput?.ReadCapacityUnits ?? 0) === 0);
    if (unset !== undefined) throw validation(`${INVALID}ProvisionedThroughput must be specified for index: ${unset.IndexName}`);
  }
  const gsis = request.GlobalSecondaryIndexOverride?.map((index) => indexRecord(index, true)) ?? sourceGsis.map((index) => restoredIndex(index, provisioned));
  const lsis = request.LocalSecondaryIndexOverride?.map((index) => indexRecord(index, false)) ?? source.LocalSecondaryIndexes.map((index) => restoredIndex(index, provisioned));
  // Only the attributes some key still uses are defined, as CreateTable requires.
  const used = new Set([...source.KeySchema, ...gsis.flatMap((index) => index.KeySchema), ...lsis.flatMap((index) => index.KeySchema)].map((key) => key.AttributeName));
  const sse = request.SSESpecificationOverride !== undefined ? sseDescription(request.SSESpecificationOverride, namespace) : source.SSEDescription;
  const onDemand = request.OnDemandThroughputOverride ?? (provisioned ? undefined : source.OnDemandThroughput);
  return {
    TableName: request.TargetTableName,
    KeySchema: source.KeySchema,
    AttributeDefinitions: source.AttributeDefinitions.filter((definition) => used.has(definition.AttributeName)),
    BillingMode: billingMode,
    ProvisionedThroughput: tableThroughput(request, source.ProvisionedThroughput, provisioned),
    ...(onDemand !== undefined ? { OnDemandThroughput: onDemand } : {}),
    LocalSecondaryIndexes: lsis,
    GlobalSecondaryIndexes: gsis,
    ...(sse !== undefined ? { SSEDescription: sse } : {}),
    TableClass: source.TableClass,
    DeletionProtectionEnabled: false,
    Tags: [],
  };
}

/**
 * Creates the target table CREATING with its RestoreSummary and, in the same
 * transaction, the restore's marker for the background job.
 */
export async function createRestoredTable(
  { namespace, services }: OperationContext,
  definition: NewTable,
  summary: RestoreSummary,
  marker: Omit<RestoreMarker, 'account' | 'region' | 'TableName' | 'tableId'>,
): Promise<TableRecord> {
  const restore = {
    summary,
    begin(tx: Parameters<typeof putRestoreMarker>[0], record: TableRecord) {
      putRestoreMarker(tx, { ...marker, account: namespace.account, region: namespace.region, TableName: record.TableName, tableId: record.id });
    },
  };
  return services.catalog.create(namespace, definition, restore).catch((error: unknown) => {
    // Created by another request since the check before.
    if (error instanceof DynamoError && error.type === 'ResourceInUseException') throw tableAlreadyExists(definition.TableName);
    throw error;
  });
}
