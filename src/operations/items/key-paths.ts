/**
 * Key attributes are scalars, so no expression may reach inside one with a
 * `.` or `[]`: projections, conditions, filters and updates alike, for the
 * table's keys and for every index's.
 */
import { validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { DocumentPath } from '../../expressions/index.js';

const NOT_SCALAR = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";

/**
 * Refuses a path into a key attribute. The table's keys are named before the
 * indexes' (global, then local) whatever order the paths come in (DynamoDB
 * Local 3.3.1; dynalite's tests recorded the messages against DynamoDB).
 */
export function checkKeyAttributePaths(table: TableRecord, paths: readonly DocumentPath[]): void {
  const nested = new Set(paths.filter((path) => path.length > 1).map((path) => path[0] as string));
  if (nested.size === 0) return;
  const keyIn = (schema: TableRecord['KeySchema']): string | undefined =>
    schema.map((element) => element.AttributeName).find((name) => nested.has(name));
  const tableKey = keyIn(table.KeySchema);
  if (tableKey !== undefined) throw validation(`${NOT_SCALAR}Key: ${tableKey}`);
  for (const index of [...table.GlobalSecondaryIndexes, ...table.LocalSecondaryIndexes]) {
    const indexKey = keyIn(index.KeySchema);
    if (indexKey !== undefined) throw validation(`${NOT_SCALAR}IndexKey: ${indexKey}`);
  }
}
