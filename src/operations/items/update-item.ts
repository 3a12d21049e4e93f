import type { Item } from '../../model/attribute-value.js';
import { validateKey } from '../../model/validate-value.js';
import { attributeMap, attributeValue, map, str, struct } from '../../protocol/shape.js';
import { attributeUpdates, requestExpressions, type Update } from '../../expressions/index.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  assertCondition,
  checkConditionalOperator,
  checkExpressionParameters,
  conditionalWriteMembers,
  conditionOf,
  dataTable,
  limitedWrite,
  updatedAttributes,
  updatedItem,
  resolveKey,
  writeResponse,
  type ConditionalWriteRequest,
} from './item-operation.js';
import { checkKeyAttributePaths } from './key-paths.js';

interface UpdateItemRequest extends ConditionalWriteRequest {
  readonly Key: Record<string, unknown>;
  readonly AttributeUpdates?: Record<string, unknown>;
  readonly UpdateExpression?: string;
}

export const updateItem = defineOperation<UpdateItemRequest>({
  name: 'UpdateItem',
  shape: struct('UpdateItemInput', {
    TableName: tableNameMember,
    Key: attributeMap({ required: true }),
    AttributeUpdates: map(
      struct('AttributeValueUpdate', { Value: attributeValue(), Action: str({ enum: ['ADD', 'PUT', 'DELETE'] }) }),
      'java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValueUpdate',
      { keepsNullValues: true },
    ),
    UpdateExpression: str(),
    ...conditionalWriteMembers,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['UpdateExpression', 'ConditionExpression'], ['AttributeUpdates', 'Expected', 'ConditionalOperator']);
    const keyValues = validateKey(request.Key);
    checkConditionalOperator(request.ConditionalOperator, request.Expected);
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    let update: Update | undefined;
    if (request.UpdateExpression !== undefined) update = expressions.update(request.UpdateExpression);
    else if (request.AttributeUpdates !== undefined) update = attributeUpdates(request.AttributeUpdates);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const table = dataTable(context, request.TableName);
    const key = resolveKey(table, keyValues);
    checkKeyAttributePaths(table, condition?.paths ?? []);
    const outcome = await limitedWrite(context, table, key, () =>
      context.services.items.write(table, key, (old: Item | undefined) => {
        assertCondition(condition, request, old);
        return updatedItem(table, key, update, old);
      }),
    );
    const updated = update?.updatedPaths ?? [];
    let attributes: Item | undefined;
    switch (request.ReturnValues) {
      case 'ALL_OLD':
        attributes = outcome.old;
        break;
      case 'ALL_NEW':
        attributes = outcome.item;
        break;
      case 'UPDATED_OLD':
        attributes = updatedAttributes(outcome.old, updated);
        break;
      case 'UPDATED_NEW':
        attributes = updatedAttributes(outcome.item, updated);
        break;
    }
    return writeResponse(request, table, key, outcome, attributes);
  },
});
