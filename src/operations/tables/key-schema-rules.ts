/**
 * DynamoDB's semantic checks of key schemas, projections and throughput,
 * shared by CreateTable and UpdateTable's index creation. Each throws the
 * ValidationException DynamoDB answers with; callers run them in DynamoDB's
 * order for the kind of key they check.
 */
import { validation } from '../../protocol/errors.js';
import type { IndexInput, KeySchemaInput, ProjectionInput, ThroughputInput } from './table-shapes.js';

export const INVALID = 'One or more parameter values were invalid: ';

/** DynamoDB's ceiling on a single capacity value, above which it reports "out of bounds". */
const MAX_CAPACITY_UNITS = 1_000_000_000_000;

/** The sum of NonKeyAttributes over all of a table's indexes may not exceed this. */
export const MAX_PROJECTED_ATTRIBUTES = 100;

/** A global index's partition key and its sort key may each combine up to this many attributes. */
export const MAX_GLOBAL_KEY_ATTRIBUTES = 4;

export function checkThroughputBounds(throughput: ThroughputInput): void {
  if (throughput.ReadCapacityUnits > MAX_CAPACITY_UNITS) {
    throw validation(`Given value ${throughput.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`);
  }
  if (throughput.WriteCapacityUnits > MAX_CAPACITY_UNITS) {
    throw validation(`Given value ${throughput.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`);
  }
}

/** Every key attribute needs a definition; the message lists all the schema's keys (dynalite's tests, recorded against DynamoDB). */
export function checkKeysDefined(keys: readonly KeySchemaInput[], definitions: readonly string[]): void {
  const names = keys.map((key) => key.AttributeName);
  if (names.some((name) => !definitions.includes(name))) {
    throw validation(
      `${INVALID}Some index key attributes are not defined in AttributeDefinitions. ` +
        `Keys: [${names.join(', ')}], AttributeDefinitions: [${definitions.join(', ')}]`,
    );
  }
}

/** A table's or a local index's key: one HASH element, then at most one RANGE element. */
export function checkKeyOrder(keys: readonly KeySchemaInput[]): void {
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

/**
 * A global index's key (multi-attribute keys, November 2025): up to four HASH
 * elements, then up to four RANGE elements, no attribute twice. The messages
 * were recorded against live DynamoDB: the ValidationException catalogue and
 * finding DDB-TABLE-123 of the ack-api-quirks DynamoDB lab (2026-10), three of
 * them also quoted from live probes in alchemy-run/alchemy#1216; the first-element
 * message is the one single-attribute keys get (DDB-TABLE-124, dynalite's tests).
 * Their order among themselves is not recorded; it follows DynamoDB Local 3.3.1
 * (duplicates, then element order, then counts), the defined-attributes check
 * coming first as it does for every key (dynalite's tests).
 */
export function checkGlobalKeyOrder(keys: readonly KeySchemaInput[]): void {
  const names = keys.map((key) => key.AttributeName);
  if (new Set(names).size !== names.length) throw validation('The KeySchema contains multiple key attributes with the same name');
  if (keys[0]!.KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  const firstRange = keys.findIndex((key) => key.KeyType === 'RANGE');
  if (firstRange >= 0 && keys.slice(firstRange).some((key) => key.KeyType === 'HASH')) {
    throw validation(`${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`);
  }
  for (const type of ['HASH', 'RANGE'] as const) {
    if (keys.filter((key) => key.KeyType === type).length > MAX_GLOBAL_KEY_ATTRIBUTES) {
      throw validation(`${INVALID}The KeySchema exceeds the maximum allowed number of ${type} key attributes`);
    }
  }
}

/**
 * An index's projection. NonKeyAttributes may name key attributes (accepted by
 * live DynamoDB, DDB-TABLE-126 of the ack-api-quirks lab), but not one name twice.
 */
export function checkProjection(projection: ProjectionInput): void {
  const type = projection.ProjectionType;
  if (type === undefined) throw validation(`${INVALID}Unknown ProjectionType: null`);
  const attributes = projection.NonKeyAttributes;
  if (attributes !== undefined && type !== 'INCLUDE') {
    throw validation(`${INVALID}ProjectionType is ${type}, but NonKeyAttributes is specified`);
  }
  if (type === 'INCLUDE' && attributes === undefined) {
    throw validation(`${INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`);
  }
  // Recorded live: the ack-api-quirks lab's ValidationException catalogue (DDB-TABLE-126, DDB-TABLE-442).
  const repeated = attributes?.find((name, i) => attributes.indexOf(name) !== i);
  if (repeated !== undefined) throw validation(`${INVALID}Duplicate element in NonKeyAttributes: ${repeated}`);
}

/** A global index's key schema and projection, as CreateTable and UpdateTable's Create check them. */
export function checkGlobalIndex(index: IndexInput, definitions: readonly string[]): void {
  checkKeysDefined(index.KeySchema, definitions);
  checkGlobalKeyOrder(index.KeySchema);
  checkProjection(index.Projection);
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
