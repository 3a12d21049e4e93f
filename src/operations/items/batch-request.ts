/**
 * What BatchGetItem and BatchWriteItem share: the RequestItems map keyed by
 * table name, the check for an empty request, key identity for DynamoDB's
 * duplicate-key rule, and capacity reported per table.
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import type { Access, ThroughputLimits } from '../../features/capacity/throughput-limits.js';
import { encodeKeyPart, type KeyValue } from '../../model/key-codec.js';
import { validation } from '../../protocol/errors.js';
import type { MapShape, Shape } from '../../protocol/shape.js';
import { map } from '../../protocol/shape.js';
import { CapacityUsage, type ConsumedCapacity, type ReturnConsumedCapacity } from '../../engine/capacity.js';
import type { TableRecord } from '../../engine/table.js';
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
 * `1` and `1.0` collide). Works before the table's schema is known. Strings
 * are their own canonical form (distinct strings have distinct key bytes, lone
 * surrogates included), quoted so that no value can look like a separator;
 * encoding them took a fifth of a BatchGetItem of 100 keys (profile of
 * 2026-12-07).
 */
export function keyIdentity(key: Item): string {
  const names = Object.keys(key);
  if (names.length > 1) names.sort();
  let identity = '';
  for (const name of names) identity += `${JSON.stringify(name)}:${valueIdentity(key[name]!)},`;
  return identity;
}

function valueIdentity(value: AttributeValue): string {
  if ('S' in value && typeof value.S === 'string') return `S${JSON.stringify(value.S)}`;
  if ('S' in value || 'N' in value || 'B' in value) {
    const bytes = encodeKeyPart(value as KeyValue);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  return JSON.stringify(value);
}

/**
 * Capacity summed per table (and its indexes), reported as the ConsumedCapacity
 * list of the operations that touch several tables (batches, transactions).
 */
export class CapacityByTable {
  private readonly tables = new Map<number, { table: TableRecord; usage: CapacityUsage }>();

  /** The usage of `table`, to add to. */
  of(table: TableRecord): CapacityUsage {
    let entry = this.tables.get(table.id);
    if (entry === undefined) this.tables.set(table.id, (entry = { table, usage: new CapacityUsage() }));
    return entry.usage;
  }

  report(mode: ReturnConsumedCapacity | undefined): ConsumedCapacity[] | undefined {
    if (mode === undefined || mode === 'NONE') return undefined;
    return [...this.tables.values()].map(({ table, usage }) => usage.report(mode, table)!);
  }

  /** Takes what was consumed out of each table's (and its global indexes') capacity. */
  charge(throughput: ThroughputLimits, access: Access): void {
    for (const { table, usage } of this.tables.values()) throughput.charge(table, access, usage);
  }
}
