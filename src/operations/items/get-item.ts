import type { Item } from '../../model/attribute-value.js';
import { itemSize } from '../../model/item-size.js';
import { attributeMap, bool, str, struct } from '../../protocol/shape.js';
import { consumedCapacity, readUnits } from '../../engine/capacity.js';
import { defineOperation, RawJson } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  attributesToGetMember,
  checkExpressionParameters,
  dataTable,
  expressionAttributeNamesMember,
  resolveKey,
  returnConsumedCapacityMember,
  validateKeyValues,
  type ReturnConsumedCapacity,
} from './item-operation.js';
import { projectionOf } from './projection.js';

interface GetItemRequest {
  readonly TableName: string;
  readonly Key: Record<string, unknown>;
  readonly AttributesToGet?: string[];
  readonly ConsistentRead?: boolean;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
}

export const getItem = defineOperation<GetItemRequest>({
  name: 'GetItem',
  shape: struct('GetItemInput', {
    TableName: tableNameMember,
    Key: attributeMap({ required: true }),
    AttributesToGet: attributesToGetMember,
    ConsistentRead: bool(),
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    ProjectionExpression: str(),
    ExpressionAttributeNames: expressionAttributeNamesMember,
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['ProjectionExpression'], ['AttributesToGet']);
    const keyValues = validateKeyValues(request.Key);
    const projection = projectionOf(request);
    const table = dataTable(context, request.TableName);
    const key = resolveKey(table, keyValues);
    const text = await context.services.items.getText(table, key);
    const wantsCapacity = request.ReturnConsumedCapacity !== undefined && request.ReturnConsumedCapacity !== 'NONE';
    // The common case answers with the stored JSON as it is.
    if (projection === undefined && !wantsCapacity) return new RawJson(text === undefined ? '{}' : `{"Item":${text}}`);
    const item = text === undefined ? undefined : (JSON.parse(text) as Item);
    const size = item === undefined ? 0 : itemSize(item);
    const projected = item !== undefined && projection !== undefined ? projection.apply(item) : item;
    return {
      Item: projected,
      ConsumedCapacity: consumedCapacity(request.ReturnConsumedCapacity, table, readUnits(size, request.ConsistentRead === true)),
    };
  },
});
