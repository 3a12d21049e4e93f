/**
 * What the single-item operations share: their common request members, the
 * checks DynamoDB makes on expression vs legacy parameters, table and key
 * resolution, and the optional response members.
 */
import type { Item } from '../../model/attribute-value.js';
import { itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { keyFromKeyParameter, type KeySchema, type PrimaryKey } from '../../model/primary-key.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { attributeMap, attributeValue, bool, list, map, str, struct } from '../../protocol/shape.js';
import { keySchemaOf, type TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';
import { UNCHANGED, type WriteOutcome } from '../../engine/items.js';
import { checkIndexKeys } from '../../engine/indexes.js';
import { CapacityUsage } from '../../engine/capacity.js';
import {
  expectedCondition,
  keyAttributeUpdated,
  PathProjection,
  type Condition,
  type DocumentPath,
  type Filter,
  type RequestExpressions,
  type Update,
} from '../../expressions/index.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { setOwn } from '../../model/own-property.js';

export const returnConsumedCapacityMember = str({ enum: ['INDEXES', 'TOTAL', 'NONE'] });
export const returnItemCollectionMetricsMember = str({ enum: ['SIZE', 'NONE'] });
export const returnValuesMember = str({ enum: ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] });
export const returnValuesOnConditionCheckFailureMember = str({ enum: ['ALL_OLD', 'NONE'] });
export const conditionalOperatorMember = str({ enum: ['AND', 'OR'] });
export const expressionAttributeNamesMember = map(str(), 'java.lang.String, java.lang.String');
export const expressionAttributeValuesMember = attributeMap();

const COMPARISON_OPERATORS = [
  'EQ', 'NE', 'IN', 'LE', 'LT', 'GE', 'GT', 'BETWEEN', 'NOT_NULL', 'NULL', 'CONTAINS', 'NOT_CONTAINS', 'BEGINS_WITH',
];

export const expectedMember = map(
  struct('ExpectedAttributeValue', {
    Value: attributeValue(),
    Exists: bool(),
    ComparisonOperator: str({ enum: COMPARISON_OPERATORS }),
    AttributeValueList: list(attributeValue()),
  }),
  'java.lang.String, com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue',
  { keepsNullValues: true },
);

export const attributesToGetMember = list(str(), { minLength: 1 });

export type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE';

/** The members PutItem, UpdateItem and DeleteItem share after their item or key. */
export const conditionalWriteMembers = {
  Expected: expectedMember,
  ConditionalOperator: conditionalOperatorMember,
  ReturnValues: returnValuesMember,
  ReturnConsumedCapacity: returnConsumedCapacityMember,
  ReturnItemCollectionMetrics: returnItemCollectionMetricsMember,
  ConditionExpression: str(),
  ExpressionAttributeNames: expressionAttributeNamesMember,
  ExpressionAttributeValues: expressionAttributeValuesMember,
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
};

export interface ConditionalWriteRequest extends ConditionalRequest {
  readonly TableName: string;
  readonly ReturnValues?: string;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ReturnItemCollectionMetrics?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Runs a single-item write under capacity enforcement: refused while the
 * table, an index it writes or its partition has no capacity left, charged
 * with what it consumed after.
 */
export async function limitedWrite(context: OperationContext, table: TableRecord, key: PrimaryKey, write: () => Promise<WriteOutcome>): Promise<WriteOutcome> {
  const { throughput } = context.services;
  const target = { partition: key.hash, sort: key.range };
  throughput.admit(table, 'write', target);
  try {
    const outcome = await write();
    throughput.charge(table, 'write', new CapacityUsage().addWrite(outcome), target);
    return outcome;
  } catch (error) {
    // A write its condition refuses still consumes a write unit.
    if (error instanceof DynamoError && error.type === 'ConditionalCheckFailedException') throughput.charge(table, 'write', new CapacityUsage().addTable(1), target);
    throw error;
  }
}

/** The response of a single-item write: the chosen attributes, capacity and collection metrics. */
export function writeResponse(
  request: ConditionalWriteRequest,
  table: TableRecord,
  key: PrimaryKey,
  outcome: WriteOutcome,
  attributes: Item | undefined,
): object {
  return {
    Attributes: attributes,
    ConsumedCapacity: new CapacityUsage().addWrite(outcome).report(request.ReturnConsumedCapacity, table),
    ItemCollectionMetrics: itemCollectionMetrics(table, key, request.ReturnItemCollectionMetrics, outcome.collectionSizeBytes),
  };
}

/**
 * DynamoDB refuses mixing expression and legacy parameters, and expression
 * attribute maps without any expression, before anything else about them.
 */
export function checkExpressionParameters(
  input: object,
  expressionParameters: readonly string[],
  legacyParameters: readonly string[],
): void {
  const request = input as Readonly<Record<string, unknown>>;
  const expressions = expressionParameters.filter((name) => request[name] !== undefined);
  if (expressions.length > 0) {
    const legacy = legacyParameters.filter((name) => request[name] !== undefined);
    if (legacy.length > 0) {
      throw validation(
        'Can not use both expression and non-expression parameters in the same request: ' +
          `Non-expression parameters: {${legacy.join(', ')}} Expression parameters: {${expressions.join(', ')}}`,
      );
    }
  }
  if (request.ExpressionAttributeNames !== undefined && expressions.length === 0) {
    throw validation('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valueExpressions = expressionParameters.filter((name) => name !== 'ProjectionExpression');
  if (
    request.ExpressionAttributeValues !== undefined &&
    valueExpressions.length > 0 &&
    valueExpressions.every((name) => request[name] === undefined)
  ) {
    throw validation(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(' and ')} ${
        valueExpressions.length > 1 ? 'are' : 'is'
      } null`,
    );
  }
}

/**
 * ConditionalOperator joins the conditions of Expected (or QueryFilter,
 * ScanFilter); DynamoDB refuses it without them, an empty map included
 * (Alternator's tests against DynamoDB; the message is DynamoDB Local 3.3.1's).
 */
export function checkConditionalOperator(conditionalOperator: string | undefined, conditions: Readonly<Record<string, unknown>> | undefined): void {
  if (conditionalOperator !== undefined && (conditions === undefined || Object.keys(conditions).length === 0)) {
    throw validation('ConditionalOperator cannot be used without Filter or Expected');
  }
}

const keySchemas = new WeakMap<TableRecord, KeySchema>();

/** The table's key schema resolved to names and types, computed once per table version. */
export function tableKeySchema(table: TableRecord): KeySchema {
  let schema = keySchemas.get(table);
  if (schema === undefined) keySchemas.set(table, (schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions)));
  return schema;
}

export function keyAttributeNames(schema: KeySchema): string[] {
  return schema.range === undefined ? [schema.hash.name] : [schema.hash.name, schema.range.name];
}

/** An ACTIVE (or UPDATING) table for data-plane operations. */
export function dataTable(context: OperationContext, name: string): TableRecord {
  const table = context.services.catalog.require(context.namespace, name);
  if (table.TableStatus === 'CREATING' || table.TableStatus === 'DELETING') {
    throw new DynamoError('ResourceNotFoundException', 'Requested resource not found');
  }
  return table;
}

export function resolveKey(table: TableRecord, key: Item): PrimaryKey {
  return keyFromKeyParameter(key, tableKeySchema(table));
}

/** The item holding only the key attributes: what UpdateItem starts from when no item exists. */
export function keyItem(table: TableRecord, key: PrimaryKey): Item {
  const schema = tableKeySchema(table);
  const item: Item = { [schema.hash.name]: key.hash };
  if (schema.range !== undefined && key.range !== undefined) setOwn(item, schema.range.name, key.range);
  return item;
}

const GB = 1024 ** 3;

/**
 * ReturnItemCollectionMetrics SIZE only reports for tables with local
 * secondary indexes: the partition's collection size (its items and their
 * local index entries) as DynamoDB's whole-gigabyte range around it.
 */
export function itemCollectionMetrics(
  table: TableRecord,
  key: PrimaryKey,
  mode: string | undefined,
  collectionSizeBytes: number | undefined,
): { ItemCollectionKey: Item; SizeEstimateRangeGB: [number, number] } | undefined {
  if (mode !== 'SIZE' || table.LocalSecondaryIndexes.length === 0) return undefined;
  const lower = Math.floor((collectionSizeBytes ?? 0) / GB);
  return { ItemCollectionKey: { [tableKeySchema(table).hash.name]: key.hash }, SizeEstimateRangeGB: [lower, lower + 1] };
}

export interface ConditionalRequest {
  readonly ConditionExpression?: string;
  readonly Expected?: Record<string, unknown>;
  readonly ConditionalOperator?: string;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

/** A write's condition, from ConditionExpression or the legacy Expected (whose paths are top-level names). */
export function conditionOf(request: ConditionalRequest, expressions: RequestExpressions): Filter | undefined {
  if (request.ConditionExpression !== undefined) return expressions.condition(request.ConditionExpression, 'ConditionExpression');
  if (request.Expected !== undefined) {
    const names = Object.keys(request.Expected).map((name): DocumentPath => [name]);
    return { ...expectedCondition(request.Expected, request.ConditionalOperator), paths: names };
  }
  return undefined;
}

/** Throws the failed-condition error, carrying the old item when the request asked for it. */
export function assertCondition(condition: Condition | undefined, request: ConditionalRequest, old: Item | undefined): void {
  if (condition === undefined || condition.evaluate(old)) return;
  throw new DynamoError(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old !== undefined ? { Item: old } : undefined,
  );
}

/**
 * UPDATED_OLD / UPDATED_NEW: the item seen through the update's own paths,
 * as a ProjectionExpression of them would return it. `SET a.b = :v` answers
 * `{a: {M: {b}}}`, not all of `a`; a path with nothing behind it (a removed
 * attribute in the new item, a new one in the old item) contributes nothing,
 * and nothing at all leaves Attributes out.
 */
export function updatedAttributes(item: Item | undefined, paths: readonly DocumentPath[]): Item | undefined {
  if (item === undefined) return undefined;
  const out = new PathProjection(paths).apply(item);
  return Object.keys(out).length === 0 ? undefined : out;
}

const ITEM_TOO_LARGE_TO_UPDATE = 'Item size to update has exceeded the maximum allowed size';

/**
 * What an update (UpdateItem, a transaction's Update) makes of the item under
 * `key` once its condition held. Only then does DynamoDB refuse an update of
 * a key attribute or a path into one (DynamoDB Local 3.3.1: a failed
 * condition wins). Removing from a missing item leaves it missing: no item,
 * no stream record, whatever paths the removals name (alternator's tests,
 * recorded against DynamoDB); an update without actions still creates it.
 */
export function updatedItem(table: TableRecord, key: PrimaryKey, update: Update | undefined, old: Item | undefined): Item | typeof UNCHANGED {
  if (update !== undefined) {
    const keyNames = keyAttributeNames(tableKeySchema(table));
    const touched = update.updatedPaths.map((path) => path[0] as string).find((name) => keyNames.includes(name));
    if (touched !== undefined) throw keyAttributeUpdated(touched);
    checkKeyAttributePaths(table, update.paths);
    if (old === undefined && update.onlyRemoves) return UNCHANGED;
  }
  const base = old ?? keyItem(table, key);
  const next = update === undefined ? base : update.apply(base);
  checkIndexKeys(table, next, base);
  if (itemSize(next) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE_TO_UPDATE);
  return next;
}
