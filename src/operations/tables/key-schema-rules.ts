/**
 * DynamoDB's semantic checks of key schemas, projections and throughput,
 * shared by CreateTable and UpdateTable's index creation. Each throws the
 * ValidationException DynamoDB answers with, in DynamoDB's order.
 */
import { validation } from '../../protocol/errors.js';
import type { IndexInput, KeySchemaInput, ThroughputInput } from './table-shapes.js';

export const INVALID = 'One or more parameter values were invalid: ';

/** DynamoDB's ceiling on a single capacity value, above which it reports "out of bounds". */
const MAX_CAPACITY_UNITS = 1_000_000_000_000;

/** The sum of NonKeyAttributes over all of a table's indexes may not exceed this. */
export const MAX_PROJECTED_ATTRIBUTES = 100;

export function checkThroughputBounds(throughput: ThroughputInput): void {
  if (throughput.ReadCapacityUnits > MAX_CAPACITY_UNITS) {
    throw validation(`Given value ${throughput.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`);
  }
  if (throughput.WriteCapacityUnits > MAX_CAPACITY_UNITS) {
    throw validation(`Given value ${throughput.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`);
  }
}

function checkKeysDefined(keys: readonly KeySchemaInput[], definitions: readonly string[]): void {
  const names = keys.map((key) => key.AttributeName);
  if (names.some((name) => !definitions.includes(name))) {
    throw validation(
      `${INVALID}Some index key attributes are not defined in AttributeDefinitions. ` +
        `Keys: [${names.join(', ')}], AttributeDefinitions: [${definitions.join(', ')}]`,
    );
  }
}

function checkKeyOrder(keys: readonly KeySchemaInput[]): void {
  if (keys.length === 2 && keys[0]!.AttributeName === keys[1]!.AttributeName) {
    throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (keys[0]!.KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keys.length === 2 && keys[1]!.KeyType !== 'RANGE') {
    throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
}

/** The table's own key schema against the attribute definitions. */
export function checkTableKeySchema(keys: readonly KeySchemaInput[], definitions: readonly string[]): void {
  if (keys.length > definitions.length) throw validation('Invalid KeySchema: Some index key attribute have no definition');
  checkKeysDefined(keys, definitions);
  checkKeyOrder(keys);
}

/** An index's key schema and projection, whatever kind of index it is. */
export function checkIndexKeysAndProjection(index: IndexInput, definitions: readonly string[]): void {
  checkKeysDefined(index.KeySchema, definitions);
  checkKeyOrder(index.KeySchema);
  const type = index.Projection.ProjectionType;
  if (type === undefined) throw validation(`${INVALID}Unknown ProjectionType: null`);
  if (index.Projection.NonKeyAttributes !== undefined && type !== 'INCLUDE') {
    throw validation(`${INVALID}ProjectionType is ${type}, but NonKeyAttributes is specified`);
  }
  if (type === 'INCLUDE' && index.Projection.NonKeyAttributes === undefined) {
    throw validation(`${INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`);
  }
}

/** A table-wide limit on the attributes its indexes project besides keys. */
export function checkProjectedAttributeCount(indexes: readonly { readonly Projection: { readonly NonKeyAttributes?: readonly string[] } }[]): void {
  const total = indexes.reduce((sum, index) => sum + (index.Projection.NonKeyAttributes?.length ?? 0), 0);
  if (total > MAX_PROJECTED_ATTRIBUTES) {
    throw validation(
      `${INVALID}The number of attributes in key schema plus the number of projected attributes in all indexes exceeds the limit of ${MAX_PROJECTED_ATTRIBUTES}`,
    );
  }
}

/** The names of attributes used by any of the given key schemas, in first-use order. */
export function keyAttributeNames(schemas: readonly (readonly KeySchemaInput[])[]): string[] {
  const names: string[] = [];
  for (const schema of schemas) {
    for (const key of schema) if (!names.includes(key.AttributeName)) names.push(key.AttributeName);
  }
  return names;
}
