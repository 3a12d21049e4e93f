import { attributeMap, bool, str, struct } from '../../protocol/shape.js';
import { validateKey } from '../../model/validate-value.js';
import { CapacityUsage, readUnits } from '../../engine/capacity.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  attributesToGetMember,
  checkExpressionParameters,
  dataTable,
  expressionAttributeNamesMember,
  resolveKey,
  returnConsumedCapacityMember,
  type ReturnConsumedCapacity,
} from './item-operation.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { projectionOf } from './projection.js';
import { splicedJson } from './spliced-json.js';

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
    const keyValues = validateKey(request.Key);
    const projection = projectionOf(request);
    const table = dataTable(context, request.TableName);
    // Before the key is matched to the schema (DynamoDB Local 3.3.1).
    checkKeyAttributePaths(table, projection?.paths ?? []);
    const key = resolveKey(table, keyValues);
    const target = { partition: key.hash, sort: key.range };
    context.services.throughput.admit(table, 'read', target);
    const stored = await context.services.items.getStored(table, key);
    const usage = new CapacityUsage().addTable(readUnits(stored?.size ?? 0, request.ConsistentRead === true));
    context.services.throughput.charge(table, 'read', usage, target);
    const capacity = usage.report(request.ReturnConsumedCapacity, table);
    // Without a projection the answer holds the stored JSON as it is.
    if (projection === undefined) return splicedJson({ Item: stored?.text }, { ConsumedCapacity: capacity });
    return { Item: stored === undefined ? undefined : projection.apply(stored.item), ConsumedCapacity: capacity };
  },
});
