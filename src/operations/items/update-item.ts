import type { Item } from '../../model/attribute-value.js';
import { itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, attributeValue, map, str, struct } from '../../protocol/shape.js';
import { attributeUpdates, requestExpressions, type Update } from '../../expressions/index.js';
import { consumedCapacity, writeUnits } from '../../engine/capacity.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  assertCondition,
  checkExpressionParameters,
  conditionalOperatorMember,
  conditionOf,
  dataTable,
  expectedMember,
  expressionAttributeNamesMember,
  expressionAttributeValuesMember,
  itemCollectionMetrics,
  keyAttributeNames,
  keyItem,
  pickAttributes,
  resolveKey,
  returnConsumedCapacityMember,
  returnItemCollectionMetricsMember,
  returnValuesMember,
  returnValuesOnConditionCheckFailureMember,
  tableKeySchema,
  validateKeyValues,
  type ReturnConsumedCapacity,
} from './item-operation.js';

interface UpdateItemRequest {
  readonly TableName: string;
  readonly Key: Record<string, unknown>;
  readonly AttributeUpdates?: Record<string, unknown>;
  readonly Expected?: Record<string, unknown>;
  readonly ConditionalOperator?: string;
  readonly ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ReturnItemCollectionMetrics?: string;
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

const ITEM_TOO_LARGE_TO_UPDATE = 'Item size to update has exceeded the maximum allowed size';

export const updateItem = defineOperation<UpdateItemRequest>({
  name: 'UpdateItem',
  shape: struct('UpdateItemInput', {
    TableName: tableNameMember,
    Key: attributeMap({ required: true }),
    AttributeUpdates: map(
      struct('AttributeValueUpdate', { Value: attributeValue(), Action: str({ enum: ['ADD', 'PUT', 'DELETE'] }) }),
      'java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValueUpdate',
    ),
    Expected: expectedMember,
    ConditionalOperator: conditionalOperatorMember,
    ReturnValues: returnValuesMember,
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    ReturnItemCollectionMetrics: returnItemCollectionMetricsMember,
    UpdateExpression: str(),
    ConditionExpression: str(),
    ExpressionAttributeNames: expressionAttributeNamesMember,
    ExpressionAttributeValues: expressionAttributeValuesMember,
    ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['UpdateExpression', 'ConditionExpression'], ['AttributeUpdates', 'Expected']);
    const keyValues = validateKeyValues(request.Key);
    const table = dataTable(context, request.TableName);
    const keyNames = keyAttributeNames(tableKeySchema(table));
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    let update: Update | undefined;
    if (request.UpdateExpression !== undefined) update = expressions.update(request.UpdateExpression, keyNames);
    else if (request.AttributeUpdates !== undefined) update = attributeUpdates(request.AttributeUpdates, keyNames);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const key = resolveKey(table, keyValues);
    const outcome = await context.services.items.write(table, key, (old: Item | undefined) => {
      assertCondition(condition, request, old);
      const base = old ?? keyItem(table, key);
      const next = update === undefined ? base : update.apply(base);
      if (itemSize(next) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE_TO_UPDATE);
      return next;
    });
    const updated = update?.updatedTopLevelNames ?? [];
    let attributes: Item | undefined;
    switch (request.ReturnValues) {
      case 'ALL_OLD':
        attributes = outcome.old;
        break;
      case 'ALL_NEW':
        attributes = outcome.item;
        break;
      case 'UPDATED_OLD':
        attributes = pickAttributes(outcome.old, updated);
        break;
      case 'UPDATED_NEW':
        attributes = pickAttributes(outcome.item, updated);
        break;
    }
    return {
      Attributes: attributes,
      ConsumedCapacity: consumedCapacity(request.ReturnConsumedCapacity, table, writeUnits(Math.max(outcome.oldSize, outcome.newSize))),
      ItemCollectionMetrics: itemCollectionMetrics(table, key, request.ReturnItemCollectionMetrics),
    };
  },
});
