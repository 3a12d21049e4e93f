/**
 * Query: the items of one partition of a table or index, in sort-key order,
 * read as one storage range whose bounds come from the key condition, so the
 * cost depends on the items in range, never on the size of the table.
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import { encodeKeyPart, encodeStorageKey, partitionRange, prefixEnd, type KeyRange, type KeyValue } from '../../model/key-codec.js';
import type { KeyAttribute } from '../../model/primary-key.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, attributeValue, bool, int, list, map, str, struct } from '../../protocol/shape.js';
import { readPage } from '../../engine/reader.js';
import { compareValues, valuesEqual } from '../../expressions/compare.js';
import { beginsWith } from '../../expressions/condition.js';
import { expectedCondition, keyConditionsTerms, requestExpressions, type KeyTerm } from '../../expressions/index.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import { checkExpressionParameters } from './item-operation.js';
import {
  checkGlobalSelect,
  checkKeyPaths,
  checkStartKeyAttribute,
  checkStartKeySize,
  checkStartKeyTablePart,
  effectiveSelect,
  entryKey,
  filterAndProjection,
  legacyProjection,
  needsTableItems,
  pageResponse,
  readKeyAttributes,
  readMembers,
  resolveSource,
  tableItemFetcher,
  validateStartKeyValues,
  type ReadRequest,
  type ReadSource,
} from './read-operation.js';

interface QueryRequest extends ReadRequest {
  readonly KeyConditions?: Record<string, unknown>;
  readonly QueryFilter?: Record<string, unknown>;
  readonly ScanIndexForward?: boolean;
  readonly KeyConditionExpression?: string;
}

const COMPARISON_OPERATORS = ['IN', 'NULL', 'BETWEEN', 'LT', 'NOT_CONTAINS', 'EQ', 'GT', 'NOT_NULL', 'NE', 'LE', 'BEGINS_WITH', 'GE', 'CONTAINS'];

const conditionMap = (name: string) =>
  map(
    struct(name, {
      AttributeValueList: list(attributeValue()),
      ComparisonOperator: str({ required: true, enum: COMPARISON_OPERATORS }),
    }),
    `java.lang.String, com.amazonaws.dynamodb.v20120810.${name}`,
  );

const NOT_INDEXABLE = new Set(['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']);

/**
 * The key condition checked against the read schema, attribute by attribute
 * (the start key's attribute first), as DynamoDB orders these faults.
 */
function checkKeyTerms(terms: readonly KeyTerm[], source: ReadSource, startKey: Item | undefined): void {
  const attributes = readKeyAttributes(source);
  for (const [i, attribute] of attributes.entries()) {
    const isHash = i === 0;
    checkStartKeyAttribute(startKey, attribute);
    if (isHash && attributes.length === 1 && terms.length > 1) throw validation('Query key condition not supported');
    const term = terms.find((t) => t.name === attribute.name);
    if (term === undefined) {
      if (isHash || terms.length > 1) throw validation(`Query condition missed key schema element: ${attribute.name}`);
      continue;
    }
    if (NOT_INDEXABLE.has(term.operator)) throw validation('Attempted conditional constraint is not an indexable operation');
    if (term.values.some((value) => !(attribute.type in value))) {
      throw validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
    }
    if (isHash && term.operator !== 'EQ') throw validation('Query key condition not supported');
  }
}

function termMatches(term: KeyTerm, value: AttributeValue): boolean {
  const [first, second] = term.values as [AttributeValue, AttributeValue];
  const order = compareValues(value, first) ?? NaN;
  switch (term.operator) {
    case 'EQ':
      return valuesEqual(value, first);
    case 'LT':
      return order < 0;
    case 'LE':
      return order <= 0;
    case 'GT':
      return order > 0;
    case 'GE':
      return order >= 0;
    case 'BETWEEN':
      return order >= 0 && (compareValues(value, second) ?? NaN) <= 0;
    case 'BEGINS_WITH':
      return beginsWith(value, first);
    default:
      return false;
  }
}

/** A start key must lie inside what the key condition selects. */
function checkStartKeyBounds(startKey: Item | undefined, source: ReadSource, hashTerm: KeyTerm, rangeTerm: KeyTerm | undefined): void {
  if (startKey === undefined) return;
  const hashMatches = valuesEqual(startKey[source.schema.hash.name] as AttributeValue, hashTerm.values[0] as AttributeValue);
  if (rangeTerm === undefined) {
    if (!hashMatches) throw validation('The provided starting key is outside query boundaries based on provided conditions');
    return;
  }
  const rangeValue = startKey[rangeTerm.name] as AttributeValue;
  if (!termMatches(rangeTerm, rangeValue)) throw validation('The provided starting key does not match the range key predicate');
  if (!hashMatches) throw validation('The query can return at most one row and cannot be restarted');
}

/** `prefix | h32(pk) | enc(pk)` followed by the bytes that start every sort value the condition accepts. */
function sortPrefix(partition: Uint8Array, value: KeyValue, prefixOnly: boolean): Uint8Array {
  const encoded = encodeKeyPart(value);
  // An encoded string or binary ends in its 2-byte terminator; without it, it prefixes every longer value.
  const part = prefixOnly ? encoded.subarray(0, encoded.length - 2) : encoded;
  return Buffer.concat([partition, part]);
}

/** The storage key range holding exactly the entries the key condition selects. */
export function keyRange(source: ReadSource, hash: KeyValue, rangeTerm: KeyTerm | undefined): KeyRange {
  const partition = partitionRange(source.prefix, hash);
  if (rangeTerm === undefined) return partition;
  const base = encodeStorageKey(source.prefix, hash);
  const [first, second] = rangeTerm.values as [KeyValue, KeyValue];
  const at = (value: KeyValue) => sortPrefix(base, value, false);
  const after = (value: KeyValue) => prefixEnd(at(value));
  switch (rangeTerm.operator) {
    case 'EQ':
      return { start: at(first), end: after(first) };
    case 'LT':
      return { start: partition.start, end: at(first) };
    case 'LE':
      return { start: partition.start, end: after(first) };
    case 'GT':
      return { start: after(first) ?? partition.start, end: partition.end };
    case 'GE':
      return { start: at(first), end: partition.end };
    case 'BETWEEN':
      return { start: at(first), end: after(second) };
    default: {
      const start = sortPrefix(base, first, true);
      return { start, end: prefixEnd(start) };
    }
  }
}

export const query = defineOperation<QueryRequest>({
  name: 'Query',
  shape: struct('QueryInput', {
    TableName: tableNameMember,
    ...readMembers,
    // Live DynamoDB reports Query's Limit in its newer, valueless form (Scan's in Coral's).
    Limit: int({ min: 1, valueless: true }),
    KeyConditions: conditionMap('Condition'),
    QueryFilter: conditionMap('Condition'),
    ScanIndexForward: bool(),
    KeyConditionExpression: str(),
    ExclusiveStartKey: attributeMap(),
  }),
  async execute(request, context) {
    checkExpressionParameters(
      request,
      ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
      ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
    );
    const legacyFilter = request.QueryFilter === undefined ? undefined : expectedCondition(request.QueryFilter, request.ConditionalOperator);
    const attributesToGet = legacyProjection(request);
    const startKey = validateStartKeyValues(request.ExclusiveStartKey);
    if (request.KeyConditions === undefined && request.KeyConditionExpression === undefined) {
      throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    }
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    const keyCondition = request.KeyConditionExpression === undefined ? undefined : expressions.keyCondition(request.KeyConditionExpression);
    const bound = filterAndProjection(request, expressions);
    expressions.finish();
    const terms = keyCondition === undefined ? keyConditionsTerms(request.KeyConditions) : keyCondition.terms();
    const projection = bound.projection ?? attributesToGet;
    const select = effectiveSelect(request);

    const source = resolveSource(context, request);
    checkStartKeySize(startKey, source, 'The provided starting key is invalid');
    checkKeyTerms(terms, source, startKey);
    checkStartKeyTablePart(startKey, source);
    const hashTerm = terms.find((term) => term.name === source.schema.hash.name) as KeyTerm;
    const rangeAttribute: KeyAttribute | undefined = source.schema.range;
    const rangeTerm = rangeAttribute && terms.find((term) => term.name === rangeAttribute.name);
    checkStartKeyBounds(startKey, source, hashTerm, rangeTerm);
    checkKeyPaths(source, projection?.paths ?? []);
    const legacyFilterNames = Object.keys(request.QueryFilter ?? {});
    checkKeyPaths(source, [...(bound.filter?.paths ?? []), ...legacyFilterNames.map((name) => [name])], bound.filter ? 'Filter Expression' : 'QueryFilter');
    checkGlobalSelect(source, select);

    const hash = hashTerm.values[0] as KeyValue;
    const page = await readPage(
      context.services.storage,
      {
        range: keyRange(source, hash, rangeTerm),
        exclusiveStart: startKey && entryKey(source, startKey),
        reverse: request.ScanIndexForward === false,
        limit: request.Limit,
      },
      needsTableItems(source, select, { ...bound, projection }, legacyFilterNames) ? tableItemFetcher(source) : undefined,
    );
    return pageResponse(request, source, page, select, bound.filter ?? legacyFilter, projection);
  },
});
