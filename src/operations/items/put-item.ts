import type { Item } from '../../model/attribute-value.js';
import { validateItem } from '../../model/validate-value.js';
import { ITEM_TOO_LARGE, itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { keyFromItem } from '../../model/primary-key.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, struct } from '../../protocol/shape.js';
import { requestExpressions } from '../../expressions/index.js';
import { checkIndexKeys } from '../../engine/indexes.js';
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
  tableKeySchema,
  writeResponse,
  type ConditionalWriteRequest,
} from './item-operation.js';
import { checkKeyAttributePaths } from './key-paths.js';

interface PutItemRequest extends ConditionalWriteRequest {
  readonly Item: Record<string, unknown>;
}

export const putItem = defineOperation<PutItemRequest>({
  name: 'PutItem',
  shape: struct('PutItemInput', {
    TableName: tableNameMember,
    Item: attributeMap({ required: true }),
    ...conditionalWriteMembers,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['ConditionExpression'], ['Expected', 'ConditionalOperator']);
    const item = validateItem(request.Item);
    if (request.ReturnValues !== undefined && request.ReturnValues !== 'NONE' && request.ReturnValues !== 'ALL_OLD') {
      throw validation('ReturnValues can only be ALL_OLD or NONE');
    }
    checkConditionalOperator(request.ConditionalOperator, request.Expected);
    if (itemSize(item) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE);
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const table = dataTable(context, request.TableName);
    const key = keyFromItem(item, tableKeySchema(table));
    checkIndexKeys(table, item);
    checkKeyAttributePaths(table, condition?.paths ?? []);
    const returnsOld = request.ReturnValues === 'ALL_OLD';
    // A plain replacement need not look at the item it replaces.
    const outcome = await limitedWrite(context, table, key, () =>
      condition === undefined && !returnsOld
        ? context.services.items.replace(table, key, item)
        : context.services.items.write(table, key, (old: Item | undefined) => {
            assertCondition(condition, request, old);
            return item;
          }),
    );
    return writeResponse(request, table, key, outcome, returnsOld ? outcome.old : undefined);
  },
});
