import type { Item } from '../../model/attribute-value.js';
import { validateKey } from '../../model/validate-value.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, struct } from '../../protocol/shape.js';
import { requestExpressions } from '../../expressions/index.js';
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
  resolveKey,
  writeResponse,
  type ConditionalWriteRequest,
} from './item-operation.js';
import { checkKeyAttributePaths } from './key-paths.js';

interface DeleteItemRequest extends ConditionalWriteRequest {
  readonly Key: Record<string, unknown>;
}

export const deleteItem = defineOperation<DeleteItemRequest>({
  name: 'DeleteItem',
  shape: struct('DeleteItemInput', {
    TableName: tableNameMember,
    Key: attributeMap({ required: true }),
    ...conditionalWriteMembers,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['ConditionExpression'], ['Expected', 'ConditionalOperator']);
    const keyValues = validateKey(request.Key);
    if (request.ReturnValues !== undefined && request.ReturnValues !== 'NONE' && request.ReturnValues !== 'ALL_OLD') {
      throw validation('ReturnValues can only be ALL_OLD or NONE');
    }
    checkConditionalOperator(request.ConditionalOperator, request.Expected);
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    const condition = conditionOf(request, expressions);
    expressions.finish();
    const table = dataTable(context, request.TableName);
    const key = resolveKey(table, keyValues);
    checkKeyAttributePaths(table, condition?.paths ?? []);
    const returnsOld = request.ReturnValues === 'ALL_OLD';
    // A plain delete need not look at the item it removes.
    const outcome = await limitedWrite(context, table, key, () =>
      condition === undefined && !returnsOld
        ? context.services.items.replace(table, key, undefined)
        : context.services.items.write(table, key, (old: Item | undefined) => {
            assertCondition(condition, request, old);
            return undefined;
          }),
    );
    return writeResponse(request, table, key, outcome, returnsOld ? outcome.old : undefined);
  },
});
