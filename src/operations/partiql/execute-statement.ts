/**
 * ExecuteStatement: one PartiQL statement. A SELECT reads a page (Limit counts
 * the items read, NextToken resumes); a write changes one item and returns
 * what its RETURNING clause asks for.
 */
import { attributeValue, bool, int, list, str, struct } from '../../protocol/shape.js';
import { prepare, runStatement } from '../../partiql/index.js';
import { defineOperation } from '../operation.js';
import {
  returnConsumedCapacityMember,
  returnValuesOnConditionCheckFailureMember,
  type ReturnConsumedCapacity,
} from '../items/item-operation.js';

interface ExecuteStatementRequest {
  readonly Statement: string;
  readonly Parameters?: unknown[];
  readonly ConsistentRead?: boolean;
  readonly NextToken?: string;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly Limit?: number;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

export const statementMember = str({ required: true, minLength: 1, maxLength: 8192 });
export const parametersMember = list(attributeValue(), { minLength: 1 });

export const executeStatement = defineOperation<ExecuteStatementRequest>({
  name: 'ExecuteStatement',
  shape: struct('ExecuteStatementInput', {
    Statement: statementMember,
    Parameters: parametersMember,
    ConsistentRead: bool(),
    NextToken: str({ minLength: 1, maxLength: 32768 }),
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    Limit: int({ min: 1 }),
    ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
  }),
  async execute(request, context) {
    const prepared = prepare(request);
    const outcome = await runStatement(context, prepared, {
      consistent: request.ConsistentRead === true,
      limit: request.Limit,
      nextToken: request.NextToken,
      returnConsumedCapacity: request.ReturnConsumedCapacity,
      returnValuesOnConditionCheckFailure: request.ReturnValuesOnConditionCheckFailure,
    });
    return { Items: outcome.items, NextToken: outcome.nextToken, ConsumedCapacity: outcome.consumedCapacity };
  },
});
