/** DeleteTable: refuses protected or busy tables, otherwise starts the deletion. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { tableNameMember } from '../common-shapes.js';
import { changeableTable } from './table-access.js';
import { describe } from './table-description.js';

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
    // Counts are read before the data goes, so the description shows what is being deleted.
    const description = await describe(table, context.services);
    const deleting = await context.services.catalog.delete(table);
    const shown: Record<string, unknown> = { ...description, TableStatus: deleting.TableStatus };
    return { TableDescription: Object.fromEntries(DELETE_DESCRIPTION_MEMBERS.filter((member) => member in shown).map((member) => [member, shown[member]])) };
  },
});
