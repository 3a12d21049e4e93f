/** DeleteTable: refuses protected or busy tables, otherwise starts the deletion. */
import type { TableRecord } from '../../engine/table.js';
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { backupBeingCreated } from '../../features/backups/copy-log-reader.js';
import { tableNameMember } from '../common-shapes.js';
import { changeableTable } from './table-access.js';
import { describe } from './table-description.js';
import { leaveGlobalTable } from './replica-updates.js';

/**
 * The members DeleteTable's TableDescription keeps: no schema, indexes or
 * creation time (architect/dynalite#60 quoting a live response;
 * scylladb/scylladb's test_delete_table_description*, run against DynamoDB).
 */
const DELETE_DESCRIPTION_MEMBERS = [
  'TableName',
  'TableStatus',
  'ProvisionedThroughput',
  'TableSizeBytes',
  'ItemCount',
  'TableArn',
  'TableId',
  'BillingModeSummary',
] as const;

interface DeleteTableRequest {
  readonly TableName: string;
}

export const deleteTable = defineOperation<DeleteTableRequest>({
  name: 'DeleteTable',
  shape: struct('DeleteTableInput', { TableName: tableNameMember }),
  async execute(request, context) {
    const table = changeableTable(context, request.TableName);
    if (table.DeletionProtectionEnabled) {
      throw validation('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    }
    // "While a backup is in progress, you can't ... delete the source table of the backup" (Developer Guide, "Backing
    // up and restoring DynamoDB tables with DynamoDB: How it works"). No recording of DynamoDB's answer was found:
    // ResourceInUseException is what DeleteTable's API reference lists for a table it cannot delete now, in the words
    // it uses for a table in transition ("Attempt to change a resource which is still in use: <reason>: <name>",
    // table-access.ts), with a reason of our own. A PITR base being copied keeps nothing from deleting the table.
    const refuseWhileBackedUp = (current: TableRecord) => {
      if (backupBeingCreated(current)) {
        throw new DynamoError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being backed up: ${request.TableName}`);
      }
    };
    refuseWhileBackedUp(table);
    // A global table's replica deleted in its region leaves the group; the other replicas go on (no recording of DynamoDB's answer says otherwise).
    if ((table.Replicas?.length ?? 0) > 0) await leaveGlobalTable(context, table);
    // Counts are read before the data goes, so the description shows what is being deleted.
    const description = await describe(table, context.services);
    // Checked again where deletes are serialised: a CreateBackup of this process may have committed meanwhile.
    const deleting = await context.services.catalog.delete(table, refuseWhileBackedUp);
    const shown: Record<string, unknown> = { ...description, TableStatus: deleting.TableStatus };
    return { TableDescription: Object.fromEntries(DELETE_DESCRIPTION_MEMBERS.filter((member) => member in shown).map((member) => [member, shown[member]])) };
  },
});
