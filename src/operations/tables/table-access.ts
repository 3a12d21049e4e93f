/** Finding a table for a control-plane operation, with DynamoDB's not-found and in-use errors. */
import { DynamoError } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';

export function tableNotFound(name: string): DynamoError {
  return new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
}

export function describedTable({ namespace, services }: OperationContext, name: string): TableRecord {
  const table = services.catalog.get(namespace, name);
  if (table === undefined) throw tableNotFound(name);
  return table;
}

const IN_USE_REASON: Partial<Record<TableRecord['TableStatus'], string>> = {
  CREATING: 'Table is being created',
  UPDATING: 'Table is being updated',
  DELETING: 'Table is being deleted',
};

/** A table that may be changed now: ACTIVE, or DynamoDB's ResourceInUseException naming its transition. */
export function changeableTable(context: OperationContext, name: string): TableRecord {
  const table = describedTable(context, name);
  const reason = IN_USE_REASON[table.TableStatus];
  if (reason !== undefined) {
    throw new DynamoError('ResourceInUseException', `Attempt to change a resource which is still in use: ${reason}: ${name}`);
  }
  return table;
}
