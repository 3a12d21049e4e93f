/**
 * RestoreTableFromBackup: creates the target table from the backup's table
 * definition and the overrides, CREATING with RestoreInProgress, and leaves
 * the items to the background job (features/backups/restore-writer.ts),
 * which makes it ACTIVE once they are all written.
 *
 * What a restore keeps follows the developer guide ("Restoring a DynamoDB
 * table from a backup"): key schema, indexes, billing mode and capacity,
 * encryption and table class come back; streams, Time to Live, tags,
 * auto scaling and deletion protection do not.
 */
import { defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import type { NewIndex, NewTable } from '../../engine/catalog.js';
import { tableArn, type IndexRecord, type Throughput } from '../../engine/table.js';
import { putRestoreMarker } from '../../features/backups/backup-store.js';
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
import { describe } from '../tables/table-description.js';
import { backupArnMember, requireBackup } from './backup-access.js';
import { BACKUP_IN_USE } from './delete-backup.js';

interface RestoreTableFromBackupRequest {
  readonly TargetTableName: string;
  readonly BackupArn: string;
  readonly BillingModeOverride?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly GlobalSecondaryIndexOverride?: readonly IndexInput[];
  readonly LocalSecondaryIndexOverride?: readonly IndexInput[];
  readonly ProvisionedThroughputOverride?: ThroughputInput;
  readonly OnDemandThroughputOverride?: OnDemandThroughputInput;
  readonly SSESpecificationOverride?: SseSpecificationInput;
}

/** An index as the backup holds it, for the new table (which gives it a new id and makes it ACTIVE). */
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

function tableThroughput(request: RestoreTableFromBackupRequest, source: Throughput, provisioned: boolean): Throughput {
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

export const restoreTableFromBackup = defineOperation<RestoreTableFromBackupRequest>({
  name: 'RestoreTableFromBackup',
  shape: struct('RestoreTableFromBackupInput', {
    TargetTableName: str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
    BackupArn: backupArnMember(true),
    BillingModeOverride: billingModeMember,
    GlobalSecondaryIndexOverride: list(globalSecondaryIndexMember),
    LocalSecondaryIndexOverride: list(localSecondaryIndexMember),
    ProvisionedThroughputOverride: provisionedThroughputMember(),
    OnDemandThroughputOverride: onDemandThroughputMember,
    SSESpecificationOverride: sseSpecificationMember,
  }),
  async execute(request, context) {
    const { namespace, services } = context;
    const backup = await requireBackup(context, request.BackupArn);
    if (backup.status !== 'AVAILABLE') throw new DynamoError('BackupInUseException', BACKUP_IN_USE);
    // moto's text; the API reference: "A target table with the specified name already exists."
    if (services.catalog.get(namespace, request.TargetTableName) !== undefined) {
      throw new DynamoError('TableAlreadyExistsException', `Table already exists: ${request.TargetTableName}`);
    }
    const { source } = backup;
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
    const definition: NewTable = {
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
    // RestoreDateTime is the "point in time or source backup time" (API reference, RestoreSummary): the data's moment.
    const summary = { SourceBackupArn: backup.BackupArn, SourceTableArn: tableArn(source), RestoreDateTime: backup.createdAt / 1000, RestoreInProgress: true };
    const table = await services.catalog.create(namespace, definition, {
      summary,
      begin(tx, record) {
        putRestoreMarker(tx, {
          account: namespace.account,
          region: namespace.region,
          TableName: record.TableName,
          tableId: record.id,
          BackupArn: backup.BackupArn,
          backupNumber: backup.number,
        });
      },
    }).catch((error: unknown) => {
      // Created by another request since the check above.
      if (error instanceof DynamoError && error.type === 'ResourceInUseException') {
        throw new DynamoError('TableAlreadyExistsException', `Table already exists: ${request.TargetTableName}`);
      }
      throw error;
    });
    return { TableDescription: await describe(table, services) };
  },
});
