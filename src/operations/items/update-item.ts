import type { Item } from '../../model/attribute-value.js';
import { itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, attributeValue, map, str, struct } from '../../protocol/shape.js';
import { attributeUpdates, requestExpressions, type Update } from '../../expressions/index.js';
import { checkIndexKeys } from '../../engine/indexes.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  assertCondition,
  checkExpressionParameters,
  conditionalWriteMembers,
  conditionOf,
  dataTable,
  keyAttributeNames,
  keyItem,
  updatedAttributes,
  resolveKey,
  tableKeySchema,
  validateKeyValues,
  writeResponse,
  type ConditionalWriteRequest,
} from './item-operation.js';

interface UpdateItemRequest extends ConditionalWriteRequest {
  readonly Key: Record<string, unknown>;
  readonly AttributeUpdates?: Record<string, unknown>;
  readonly UpdateExpression?: string;
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
    UpdateExpression: str(),
    ...conditionalWriteMembers,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['UpdateExpression', 'ConditionExpression'], ['AttributeUpdates', 'Expected']);
    const keyValues = validateKeyValues(request.Key);
    // Expressions are checked before the table is looked up; the key names
    // they must not update come from the table when it exists.
    const known = context.services.catalog.get(context.namespace, request.TableName);
    const keyNames = known === undefined ? [] : keyAttributeNames(tableKeySchema(known));
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    let update: Update | undefined;
    if (request.UpdateExpression !== undefined) update = expressions.update(request.UpdateExpression, keyNames);
    else if (request.AttributeUpdates !== undefined) update = attributeUpdates(request.AttributeUpdates, keyNames);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const table = dataTable(context, request.TableName);
    const key = resolveKey(table, keyValues);
    const outcome = await context.services.items.write(table, key, (old: Item | undefined) => {
      assertCondition(condition, request, old);
      const base = old ?? keyItem(table, key);
      const next = update === undefined ? base : update.apply(base);
      checkIndexKeys(table, next, base);
      if (itemSize(next) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE_TO_UPDATE);
      return next;
    });
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
