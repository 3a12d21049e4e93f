/**
 * BatchExecuteStatement: up to 25 statements, all reads or all writes, each
 * run on its own; a statement's failure is reported in its response (Code and
 * Message) while the others still run. A read must name one item by its full
 * primary key, and no two statements may address one item.
 */
import type { Item } from '../../model/attribute-value.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { bool, list, struct } from '../../protocol/shape.js';
import type { ConsumedCapacity } from '../../engine/capacity.js';
import { equalities, prepare, runStatement, statementKey, type Prepared } from '../../partiql/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import {
  dataTable,
  keyAttributeNames,
  returnConsumedCapacityMember,
  returnValuesOnConditionCheckFailureMember,
  tableKeySchema,
  type ReturnConsumedCapacity,
} from '../items/item-operation.js';
import { DUPLICATE_KEYS } from '../items/batch-request.js';
import { cancellationReason, checkDistinctItems, type ItemTarget } from '../items/transaction.js';
import { parametersMember, statementMember } from './execute-statement.js';

interface BatchStatementRequest {
  readonly Statement: string;
  readonly Parameters?: unknown[];
  readonly ConsistentRead?: boolean;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

interface BatchExecuteStatementRequest {
  readonly Statements: BatchStatementRequest[];
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

interface BatchStatementResponse {
  readonly TableName?: string;
  readonly Item?: Item;
  readonly Error?: { readonly Code: string; readonly Message?: string; readonly Item?: Item };
}

export const MIXED_BATCH = 'Read and write requests together in the same batch is not supported.';
export const UNKEYED_BATCH_READ = 'Select statements within BatchExecuteStatement must specify the primary key in the where clause.';

function prepareEach(request: BatchStatementRequest): Prepared | DynamoError {
  try {
    return prepare(request);
  } catch (error) {
    if (error instanceof DynamoError) return error;
    throw error;
  }
}

/** A batch read names exactly one item of the table itself. */
function checkKeyedRead(context: OperationContext, prepared: Prepared): void {
  const { statement, binding } = prepared;
  if (statement.kind !== 'select') return;
  const table = dataTable(context, statement.target.table);
  const pinned = equalities(statement.where, binding);
  if (statement.target.index !== undefined || !keyAttributeNames(tableKeySchema(table)).every((name) => pinned.has(name))) {
    throw validation(UNKEYED_BATCH_READ);
  }
}

/** The item a statement addresses, when its table and key can be read off the request. */
function targetOf(context: OperationContext, prepared: Prepared | DynamoError): ItemTarget[] {
  if (prepared instanceof DynamoError) return [];
  const { statement, binding } = prepared;
  try {
    const table = dataTable(context, statement.target.table);
    return [{ table, key: statementKey(table, statement, binding) }];
  } catch (error) {
    // Such a statement fails on its own when it runs.
    if (error instanceof DynamoError) return [];
    throw error;
  }
}

/** Adds up the statements' capacity per table. */
function totalCapacity(consumed: readonly (ConsumedCapacity | undefined)[]): ConsumedCapacity[] | undefined {
  const byTable = new Map<string, { TableName: string; CapacityUnits: number; Table?: { CapacityUnits: number } }>();
  for (const entry of consumed) {
    if (entry === undefined) continue;
    const sum = byTable.get(entry.TableName);
    if (sum === undefined) {
      byTable.set(entry.TableName, { TableName: entry.TableName, CapacityUnits: entry.CapacityUnits, Table: entry.Table && { ...entry.Table } });
      continue;
    }
    sum.CapacityUnits += entry.CapacityUnits;
    if (sum.Table && entry.Table) sum.Table.CapacityUnits += entry.Table.CapacityUnits;
  }
  return byTable.size === 0 ? undefined : [...byTable.values()];
}

export const batchExecuteStatement = defineOperation<BatchExecuteStatementRequest>({
  name: 'BatchExecuteStatement',
  shape: struct('BatchExecuteStatementInput', {
    Statements: list(
      struct('BatchStatementRequest', {
        Statement: statementMember,
        Parameters: parametersMember,
        ConsistentRead: bool(),
        ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
      }),
      { required: true, minLength: 1, maxLength: 25 },
    ),
    ReturnConsumedCapacity: returnConsumedCapacityMember,
  }),
  async execute(request, context) {
    const prepared = request.Statements.map(prepareEach);
    const reads = prepared.filter((p) => !(p instanceof DynamoError) && p.statement.kind === 'select').length;
    const parsed = prepared.filter((p) => !(p instanceof DynamoError)).length;
    if (reads > 0 && reads < parsed) throw validation(MIXED_BATCH);
    checkDistinctItems(prepared.flatMap((statement) => targetOf(context, statement)), DUPLICATE_KEYS);
    const responses: BatchStatementResponse[] = [];
    const consumed: (ConsumedCapacity | undefined)[] = [];
    for (const [i, statement] of prepared.entries()) {
      if (statement instanceof DynamoError) {
        responses.push({ Error: { Code: 'ValidationError', Message: statement.message } });
        continue;
      }
      const options = request.Statements[i] as BatchStatementRequest;
      try {
        checkKeyedRead(context, statement);
        const outcome = await runStatement(context, statement, {
          consistent: options.ConsistentRead === true,
          returnConsumedCapacity: request.ReturnConsumedCapacity,
          returnValuesOnConditionCheckFailure: options.ReturnValuesOnConditionCheckFailure,
        });
        consumed.push(outcome.consumedCapacity);
        responses.push({ TableName: outcome.table.TableName, Item: outcome.items[0] });
      } catch (error) {
        if (!(error instanceof DynamoError)) throw error;
        const failure = cancellationReason(error);
        // DynamoDB names the table of a statement that ran and failed, not of one refused before running.
        const ran = failure.Code !== 'ValidationError' && failure.Code !== 'ResourceNotFound';
        responses.push({ TableName: ran ? statement.statement.target.table : undefined, Error: failure });
      }
    }
    return { Responses: responses, ConsumedCapacity: totalCapacity(consumed) };
  },
});
