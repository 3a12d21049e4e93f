import type { Item } from '../../model/attribute-value.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, str, struct } from '../../protocol/shape.js';
import { requestExpressions } from '../../expressions/index.js';
import { consumedCapacity, writeUnits } from '../../engine/capacity.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  checkExpressionParameters,
  conditionalOperatorMember,
  assertCondition,
  conditionOf,
  dataTable,
  expectedMember,
  expressionAttributeNamesMember,
  expressionAttributeValuesMember,
  itemCollectionMetrics,
  resolveKey,
  returnConsumedCapacityMember,
  returnItemCollectionMetricsMember,
  returnValuesMember,
  returnValuesOnConditionCheckFailureMember,
  validateKeyValues,
  type ReturnConsumedCapacity,
} from './item-operation.js';

interface DeleteItemRequest {
  readonly TableName: string;
  readonly Key: Record<string, unknown>;
  readonly Expected?: Record<string, unknown>;
  readonly ConditionalOperator?: string;
  readonly ReturnValues?: string;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ReturnItemCollectionMetrics?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

export const deleteItem = defineOperation<DeleteItemRequest>({
  name: 'DeleteItem',
  shape: struct('DeleteItemInput', {
    TableName: tableNameMember,
    Key: attributeMap({ required: true }),
    Expected: expectedMember,
    ConditionalOperator: conditionalOperatorMember,
    ReturnValues: returnValuesMember,
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    ReturnItemCollectionMetrics: returnItemCollectionMetricsMember,
    ConditionExpression: str(),
    ExpressionAttributeNames: expressionAttributeNamesMember,
    ExpressionAttributeValues: expressionAttributeValuesMember,
    ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['ConditionExpression'], ['Expected']);
    const keyValues = validateKeyValues(request.Key);
    if (request.ReturnValues !== undefined && request.ReturnValues !== 'NONE' && request.ReturnValues !== 'ALL_OLD') {
      throw validation('ReturnValues can only be ALL_OLD or NONE');
    }
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const table = dataTable(context, request.TableName);
    const key = resolveKey(table, keyValues);
    const outcome = await context.services.items.write(table, key, (old: Item | undefined) => {
      assertCondition(condition, request, old);
      return undefined;
    });
    return {
      Attributes: request.ReturnValues === 'ALL_OLD' ? outcome.old : undefined,
      ConsumedCapacity: consumedCapacity(request.ReturnConsumedCapacity, table, writeUnits(outcome.oldSize)),
      ItemCollectionMetrics: itemCollectionMetrics(table, key, request.ReturnItemCollectionMetrics),
    };
  },
});
