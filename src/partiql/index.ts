/**
 * The PartiQL facade the three operations call: parse (cached) and bind one
 * statement with its parameters, then run it alone; transactions plan the
 * writes through `planWrite` and run them together.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { validateAttributeValue } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';
import { CapacityUsage, type ConsumedCapacity, type ReturnConsumedCapacity } from '../engine/capacity.js';
import type { TableRecord } from '../engine/table.js';
import type { OperationContext } from '../operations/operation.js';
import type { Statement } from './ast.js';
import { Binding } from './bind.js';
import { parseStatement } from './parser.js';
import { runSelect } from './select.js';
import { planWrite } from './writes.js';
import { limitedWrite } from '../operations/items/item-operation.js';

export { EXISTS_SINGLE_ITEM, planWrite, statementKey, type WritePlan } from './writes.js';
export { project, runSelect } from './select.js';
export { Binding, conjuncts, equalities } from './bind.js';
export type { Statement } from './ast.js';

export const EXISTS_OUTSIDE_TRANSACTION = 'EXISTS can only be used in ExecuteTransaction write requests.';

export interface StatementRequest {
  readonly Statement: string;
  readonly Parameters?: readonly unknown[];
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

export interface Prepared {
  readonly text: string;
  readonly statement: Statement;
  readonly binding: Binding;
}

/**
 * Parses a statement and binds its parameters, making every check that needs
 * no table. Parameters are checked before the statement is read, and
 * `ownCheck` runs the statement's own checks (ExecuteTransaction names the
 * statement in their faults, not in its parameters'): both recorded against
 * live DynamoDB in floci's PartiQL integration tests.
 */
export function prepare(request: StatementRequest, ownCheck: <T>(check: () => T) => T = (check) => check()): Prepared {
  const parameters: AttributeValue[] = (request.Parameters ?? []).map((raw) => validateAttributeValue(raw));
  const statement = ownCheck(() => parseStatement(request.Statement));
  return { text: request.Statement, statement, binding: new Binding(statement, parameters) };
}

export interface RunOptions {
  readonly consistent: boolean;
  readonly limit?: number;
  readonly nextToken?: string;
  readonly returnConsumedCapacity?: ReturnConsumedCapacity;
  readonly returnValuesOnConditionCheckFailure?: string;
}

export interface StatementOutcome {
  readonly table: TableRecord;
  readonly items: Item[];
  readonly nextToken?: string;
  readonly consumedCapacity?: ConsumedCapacity;
}

/** Runs one prepared statement on its own. */
export async function runStatement(context: OperationContext, prepared: Prepared, options: RunOptions): Promise<StatementOutcome> {
  const { statement, binding } = prepared;
  if (statement.kind === 'select') return runSelect(context, statement, binding, { ...options, text: prepared.text });
  if (statement.kind === 'exists') throw validation(EXISTS_OUTSIDE_TRANSACTION);
  if (options.nextToken !== undefined) throw validation('NextToken is only valid on a SELECT statement');
  const plan = planWrite(context, statement, binding, options);
  const outcome = await limitedWrite(context, plan.table, plan.key, () => context.services.items.write(plan.table, plan.key, plan.apply));
  return {
    table: plan.table,
    items: plan.returned(outcome),
    consumedCapacity: new CapacityUsage().addWrite(outcome).report(options.returnConsumedCapacity, plan.table),
  };
}
