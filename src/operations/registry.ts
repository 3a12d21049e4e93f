/** Every operation Dynalith serves, by API name. Unlisted names get UnknownOperationException. */
import type { Operation } from './operation.js';
import { listTables } from './tables/list-tables.js';
import { createTable } from './tables/create-table.js';
import { describeTable } from './tables/describe-table.js';
import { deleteTable } from './tables/delete-table.js';
import { updateTable } from './tables/update-table.js';
import { tagResource } from './tables/tag-resource.js';
import { untagResource } from './tables/untag-resource.js';
import { listTagsOfResource } from './tables/list-tags-of-resource.js';
import { describeLimits } from './tables/describe-limits.js';
import { describeEndpoints } from './tables/describe-endpoints.js';
import { updateTimeToLive } from './tables/update-time-to-live.js';
import { describeTimeToLive } from './tables/describe-time-to-live.js';
import { deleteItem } from './items/delete-item.js';
import { getItem } from './items/get-item.js';
import { putItem } from './items/put-item.js';
import { updateItem } from './items/update-item.js';
import { query } from './items/query.js';
import { scan } from './items/scan.js';
import { batchGetItem } from './items/batch-get-item.js';
import { batchWriteItem } from './items/batch-write-item.js';
import { executeStatement } from './partiql/execute-statement.js';
import { batchExecuteStatement } from './partiql/batch-execute-statement.js';
import { executeTransaction } from './partiql/execute-transaction.js';
import { transactWriteItems } from './items/transact-write-items.js';
import { transactGetItems } from './items/transact-get-items.js';

const operations: readonly Operation<never>[] = [
  listTables,
  createTable,
  describeTable,
  deleteTable,
  updateTable,
  tagResource,
  untagResource,
  listTagsOfResource,
  describeLimits,
  describeEndpoints,
  updateTimeToLive,
  describeTimeToLive,
  putItem,
  getItem,
  updateItem,
  deleteItem,
  query,
  scan,
  batchGetItem,
  batchWriteItem,
  executeStatement,
  batchExecuteStatement,
  executeTransaction,
  transactWriteItems,
  transactGetItems,
];

const byName = new Map<string, Operation<unknown>>(
  operations.map((operation) => [operation.name, operation as unknown as Operation<unknown>]),
);

export function findOperation(name: string): Operation<unknown> | undefined {
  return byName.get(name);
}
