/**
 * Every operation Dynalith serves, by API name. Unlisted names get
 * UnknownOperationException. The rarely used ones at the end are loaded on
 * their first request, which keeps their modules out of start-up.
 */
import { operationTable } from './operation-table.js';
import { listTables } from './tables/list-tables.js';
import { createTable } from './tables/create-table.js';
import { describeTable } from './tables/describe-table.js';
import { deleteTable } from './tables/delete-table.js';
import { updateTable } from './tables/update-table.js';
import { deleteItem } from './items/delete-item.js';
import { getItem } from './items/get-item.js';
import { putItem } from './items/put-item.js';
import { updateItem } from './items/update-item.js';
import { query } from './items/query.js';
import { scan } from './items/scan.js';
import { batchGetItem } from './items/batch-get-item.js';
import { batchWriteItem } from './items/batch-write-item.js';

export const findOperation = operationTable({
  ListTables: listTables,
  CreateTable: createTable,
  DescribeTable: describeTable,
  DeleteTable: deleteTable,
  UpdateTable: updateTable,
  PutItem: putItem,
  GetItem: getItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  Query: query,
  Scan: scan,
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  // Loaded on first use.
  TagResource: async () => (await import('./tables/tag-resource.js')).tagResource,
  UntagResource: async () => (await import('./tables/untag-resource.js')).untagResource,
  ListTagsOfResource: async () => (await import('./tables/list-tags-of-resource.js')).listTagsOfResource,
  DescribeLimits: async () => (await import('./tables/describe-limits.js')).describeLimits,
  DescribeEndpoints: async () => (await import('./tables/describe-endpoints.js')).describeEndpoints,
  UpdateTimeToLive: async () => (await import('./tables/update-time-to-live.js')).updateTimeToLive,
  DescribeTimeToLive: async () => (await import('./tables/describe-time-to-live.js')).describeTimeToLive,
  ExecuteStatement: async () => (await import('./partiql/execute-statement.js')).executeStatement,
  BatchExecuteStatement: async () => (await import('./partiql/batch-execute-statement.js')).batchExecuteStatement,
  ExecuteTransaction: async () => (await import('./partiql/execute-transaction.js')).executeTransaction,
  TransactWriteItems: async () => (await import('./items/transact-write-items.js')).transactWriteItems,
  TransactGetItems: async () => (await import('./items/transact-get-items.js')).transactGetItems,
  UpdateContributorInsights: async () => (await import('./insights/update-contributor-insights.js')).updateContributorInsights,
  DescribeContributorInsights: async () => (await import('./insights/describe-contributor-insights.js')).describeContributorInsights,
  ListContributorInsights: async () => (await import('./insights/list-contributor-insights.js')).listContributorInsights,
  UpdateContinuousBackups: async () => (await import('./backups/update-continuous-backups.js')).updateContinuousBackups,
  DescribeContinuousBackups: async () => (await import('./backups/describe-continuous-backups.js')).describeContinuousBackups,
  CreateBackup: async () => (await import('./backups/create-backup.js')).createBackup,
  DescribeBackup: async () => (await import('./backups/describe-backup.js')).describeBackup,
  ListBackups: async () => (await import('./backups/list-backups.js')).listBackups,
  DeleteBackup: async () => (await import('./backups/delete-backup.js')).deleteBackup,
  RestoreTableFromBackup: async () => (await import('./backups/restore-table-from-backup.js')).restoreTableFromBackup,
  RestoreTableToPointInTime: async () => (await import('./backups/restore-table-to-point-in-time.js')).restoreTableToPointInTime,
  ExportTableToPointInTime: async () => (await import('./exports/export-table-to-point-in-time.js')).exportTableToPointInTime,
  DescribeExport: async () => (await import('./exports/describe-export.js')).describeExport,
  ListExports: async () => (await import('./exports/list-exports.js')).listExports,
  ImportTable: async () => (await import('./imports/import-table.js')).importTable,
  DescribeImport: async () => (await import('./imports/describe-import.js')).describeImport,
  ListImports: async () => (await import('./imports/list-imports.js')).listImports,
  PutResourcePolicy: async () => (await import('./policies/put-resource-policy.js')).putResourcePolicy,
  GetResourcePolicy: async () => (await import('./policies/get-resource-policy.js')).getResourcePolicy,
  DeleteResourcePolicy: async () => (await import('./policies/delete-resource-policy.js')).deleteResourcePolicy,
  CreateGlobalTable: async () => (await import('./global-tables/create-global-table.js')).createGlobalTable,
  DescribeGlobalTable: async () => (await import('./global-tables/describe-global-table.js')).describeGlobalTable,
  UpdateGlobalTable: async () => (await import('./global-tables/update-global-table.js')).updateGlobalTable,
  ListGlobalTables: async () => (await import('./global-tables/list-global-tables.js')).listGlobalTables,
  DescribeGlobalTableSettings: async () => (await import('./global-tables/describe-global-table-settings.js')).describeGlobalTableSettings,
  UpdateGlobalTableSettings: async () => (await import('./global-tables/update-global-table-settings.js')).updateGlobalTableSettings,
  DescribeTableReplicaAutoScaling: async () => (await import('./global-tables/describe-table-replica-auto-scaling.js')).describeTableReplicaAutoScaling,
  UpdateTableReplicaAutoScaling: async () => (await import('./global-tables/update-table-replica-auto-scaling.js')).updateTableReplicaAutoScaling,
});
