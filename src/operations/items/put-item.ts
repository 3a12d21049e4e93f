import type { Item } from '../../model/attribute-value.js';
import { validateItem } from '../../model/validate-value.js';
import { ITEM_TOO_LARGE, itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { keyFromItem } from '../../model/primary-key.js';
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
  returnConsumedCapacityMember,
  returnItemCollectionMetricsMember,
  returnValuesMember,
  returnValuesOnConditionCheckFailureMember,
  tableKeySchema,
  type ReturnConsumedCapacity,
} from './item-operation.js';

interface PutItemRequest {
  readonly TableName: string;
  readonly Item: Record<string, unknown>;
  readonly Expected?: Record<string, unknown>;
  readonly ReturnValues?: string;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ReturnItemCollectionMetrics?: string;
  readonly ConditionalOperator?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

export const putItem = defineOperation<PutItemRequest>({
  name: 'PutItem',
  shape: struct('PutItemInput', {
    TableName: tableNameMember,
    Item: attributeMap({ required: true }),
    Expected: expectedMember,
    ReturnValues: returnValuesMember,
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    ReturnItemCollectionMetrics: returnItemCollectionMetricsMember,
    ConditionalOperator: conditionalOperatorMember,
    ConditionExpression: str(),
    ExpressionAttributeNames: expressionAttributeNamesMember,
    ExpressionAttributeValues: expressionAttributeValuesMember,
    ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['ConditionExpression'], ['Expected']);
    const item = validateItem(request.Item);
    if (request.ReturnValues !== undefined && request.ReturnValues !== 'NONE' && request.ReturnValues !== 'ALL_OLD') {
      throw validation('ReturnValues can only be ALL_OLD or NONE');
    }
    if (itemSize(item) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE);
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const table = dataTable(context, request.TableName);
    const key = keyFromItem(item, tableKeySchema(table));
    const outcome = await context.services.items.write(table, key, (old: Item | undefined) => {
      assertCondition(condition, request, old);
      return item;
    });
    return {
      Attributes: request.ReturnValues === 'ALL_OLD' ? outcome.old : undefined,
      ConsumedCapacity: consumedCapacity(request.ReturnConsumedCapacity, table, writeUnits(Math.max(outcome.oldSize, outcome.newSize))),
      ItemCollectionMetrics: itemCollectionMetrics(table, key, request.ReturnItemCollectionMetrics),
    };
  },
});
