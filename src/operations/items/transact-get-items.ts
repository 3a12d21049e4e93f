/**
 * TransactGetItems: up to 100 Gets on distinct items, all read from one
 * storage snapshot, so a concurrent TransactWriteItems is seen whole or not
 * at all, and answering at most 4 MB of items. Request-level faults (shape, values, projections, tables, two Gets
 * of one item) are ValidationException / ResourceNotFoundException; a key
 * that does not match its table's schema cancels the transaction with a
 * ValidationError reason for that Get.
 */
import { itemSize } from '../../model/item-size.js';
import { validateKey } from '../../model/validate-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import { DynamoError } from '../../protocol/errors.js';
import { attributeMap, list, str, struct } from '../../protocol/shape.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  dataTable,
  expressionAttributeNamesMember,
  resolveKey,
  returnConsumedCapacityMember,
  type ReturnConsumedCapacity,
} from './item-operation.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { projectionOf } from './projection.js';
import { jsonArray, splicedJson } from './spliced-json.js';
import { admitTransaction, readItems, resolvedKeys, TransactionCapacity } from './transaction.js';
import { MAX_TRANSACTION_ACTIONS } from './transact-write-items.js';

interface GetAction {
  readonly TableName: string;
  readonly Key: Record<string, unknown>;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
}

interface TransactGetItemsRequest {
  readonly TransactItems: { readonly Get: GetAction }[];
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export const transactGetItems = defineOperation<TransactGetItemsRequest>({
  name: 'TransactGetItems',
  shape: struct('TransactGetItemsInput', {
    TransactItems: list(
      struct('TransactGetItem', {
        Get: struct(
          'Get',
          {
            Key: attributeMap({ required: true }),
            TableName: tableNameMember,
            ProjectionExpression: str(),
            ExpressionAttributeNames: expressionAttributeNamesMember,
          },
          { required: true },
        ),
      }),
      { required: true, minLength: 1, maxLength: MAX_TRANSACTION_ACTIONS },
    ),
    ReturnConsumedCapacity: returnConsumedCapacityMember,
  }),
  async execute(request, context) {
    const gets = request.TransactItems.map(({ Get }) => ({ values: validateKey(Get.Key), projection: projectionOf(Get), name: Get.TableName }));
    const tables = gets.map((get) => dataTable(context, get.name));
    // For the whole request, before any key (DynamoDB Local 3.3.1).
    gets.forEach((get, i) => checkKeyAttributePaths(tables[i]!, get.projection?.paths ?? []));
    const keys = gets.map((get, i): PrimaryKey | DynamoError => {
      try {
        return resolveKey(tables[i]!, get.values);
      } catch (error) {
        if (error instanceof DynamoError && error.type === 'ValidationException') return error;
        throw error;
      }
    });
    const resolved = resolvedKeys(tables, keys);
    const capacity = new TransactionCapacity();
    const targets = resolved.map((key, i) => ({ table: tables[i]!, key }));
    admitTransaction(context.services.throughput, 'read', targets);
    const { responses, storedSizes } = await readItems(context.services.storage, targets, (stored, i) => {
      if (stored === undefined) return { response: '{}', size: 0 };
      const projection = gets[i]!.projection;
      if (projection === undefined) return { response: splicedJson({ Item: stored.text }).text, size: stored.size };
      const item = projection.apply(stored.item);
      return { response: splicedJson({ Item: JSON.stringify(item) }).text, size: itemSize(item) };
    });
    storedSizes.forEach((size, i) => capacity.addRead(tables[i]!, size));
    capacity.charge(context.services.throughput, 'read');
    return splicedJson({ Responses: jsonArray(responses) }, { ConsumedCapacity: capacity.report(request.ReturnConsumedCapacity) });
  },
});
