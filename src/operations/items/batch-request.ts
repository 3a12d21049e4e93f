/**
 * What BatchGetItem and BatchWriteItem share: the RequestItems map keyed by
 * table name, the check for an empty request, key identity for DynamoDB's
 * duplicate-key rule, and capacity reported per table.
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import { encodeKeyPart, type KeyValue } from '../../model/key-codec.js';
import { validation } from '../../protocol/errors.js';
import type { MapShape, Shape } from '../../protocol/shape.js';
import { map } from '../../protocol/shape.js';
import { consumedCapacity, type ConsumedCapacity, type ReturnConsumedCapacity } from '../../engine/capacity.js';
import type { TableRecord } from '../../engine/table.js';
import { attributesToGetProjection, requestExpressions, type Projection } from '../../expressions/index.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';

export const DUPLICATE_KEYS = 'Provided list of item keys contains duplicates';

/** RequestItems: table names (constrained like TableName) to each table's requests. */
export function requestItemsMember(value: Shape, valueType: string, constraints: Partial<MapShape> = {}): MapShape {
  return map(value, `java.lang.String, ${valueType}`, {
    keyMinLength: 1,
    keyMaxLength: 255,
    keyPattern: TABLE_NAME_PATTERN,
    ...constraints,
  });
}

/**
 * The request's tables in request order. DynamoDB answers an absent or empty
 * RequestItems with its own message rather than Coral's length constraint.
 */
export function requestEntries<T>(requestItems: Readonly<Record<string, T>> | undefined, operation: string): [string, T][] {
  const entries = Object.entries(requestItems ?? {});
  if (entries.length === 0) throw validation(`The requestItems parameter is required for ${operation}`);
  return entries;
}

/**
 * A string equal for two keys exactly when DynamoDB considers them the same
 * item: attribute names in order, key values by their canonical encoding (so
 * `1` and `1.0` collide). Works before the table's schema is known.
 */
export function keyIdentity(key: Item): string {
  return Object.keys(key)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${valueIdentity(key[name]!)}`)
    .join(',');
}

function valueIdentity(value: AttributeValue): string {
  if ('S' in value || 'N' in value || 'B' in value) return Buffer.from(encodeKeyPart(value as KeyValue)).toString('latin1');
  return JSON.stringify(value);
}

export interface ProjectionRequest {
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly AttributesToGet?: string[];
}

/** The projection a read asks for, from ProjectionExpression or the legacy AttributesToGet. */
export function projectionOf(request: ProjectionRequest): Projection | undefined {
  if (request.ProjectionExpression !== undefined) {
    const expressions = requestExpressions(request.ExpressionAttributeNames, undefined);
    const projection = expressions.projection(request.ProjectionExpression);
    expressions.finish();
    return projection;
  }
  return request.AttributesToGet === undefined ? undefined : attributesToGetProjection(request.AttributesToGet);
}

/** Capacity units summed per table, reported as the batch operations' ConsumedCapacity list. */
export class CapacityByTable {
  private readonly units = new Map<string, { table: TableRecord; units: number }>();

  add(table: TableRecord, units: number): void {
    const entry = this.units.get(table.TableName);
    if (entry === undefined) this.units.set(table.TableName, { table, units });
    else entry.units += units;
  }

  report(mode: ReturnConsumedCapacity | undefined): ConsumedCapacity[] | undefined {
    if (mode === undefined || mode === 'NONE') return undefined;
    return [...this.units.values()].map(({ table, units }) => consumedCapacity(mode, table, units)!);
  }
}
