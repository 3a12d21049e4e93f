/**
 * Query: the items of one partition of a table or index, in sort-key order,
 * read as one storage range whose bounds come from the key condition, so the
 * cost depends on the items in range, never on the size of the table.
 */
import { own } from '../../model/own-property.js';
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import type { KeyValue } from '../../model/key-codec.js';
import type { KeyAttribute } from '../../model/primary-key.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, attributeValue, bool, int, list, map, str, struct } from '../../protocol/shape.js';
import { keyRange, type SortCondition } from '../../engine/key-layout.js';
import { readPage } from '../../engine/reader.js';
import { entryKey, sourceKeyAttributes, tableItemFetcher, type ReadSource } from '../../engine/read-source.js';
import { compareValues, valuesEqual } from '../../expressions/compare.js';
import { beginsWith } from '../../expressions/condition.js';
import { filterCondition, keyConditionsTerms, requestExpressions, type KeyTerm } from '../../expressions/index.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import { checkConditionalOperator, checkExpressionParameters } from './item-operation.js';
import {
  checkGlobalProjection,
  checkGlobalSelect,
  checkKeyPaths,
  checkStartKeyAttribute,
  checkStartKeySize,
  checkStartKeyTablePart,
  effectiveSelect,
  filterAndProjection,
  legacyProjection,
  needsTableItems,
  limitedPage,
  pageResponse,
  readMembers,
  resolveSource,
  validateStartKeyValues,
  type ReadRequest,
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
    { keepsNullValues: true },
  );

const NOT_INDEXABLE = new Set(['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']);
const TYPE_MISMATCH = 'One or more parameter values were invalid: Condition parameter type does not match schema type';

/** What a valid key condition reads: one partition, narrowed by equalities on leading sort attributes and a condition on the next. */
interface KeyPlan {
  readonly partitionTerms: readonly KeyTerm[];
  /** The terms on sort attributes, in key schema order: all equalities but the last. */
  readonly sortTerms: readonly KeyTerm[];
}

/** A term's operator, values and type, checked against the key attribute it names. */
function checkTermValues(term: KeyTerm, attribute: KeyAttribute, source: ReadSource): void {
  if (NOT_INDEXABLE.has(term.operator)) throw validation('Attempted conditional constraint is not an indexable operation');
  if (term.values.some((value) => !(attribute.type in value))) throw validation(TYPE_MISMATCH);
  if (attribute.type === 'N' || !term.values.some((value) => (value as Record<string, string>)[attribute.type] === '')) return;
  // DynamoDB Local 3.3.1 (no live response recorded): an index names itself, even for the table's partition key an LSI shares.
  const kind = attribute.type === 'S' ? 'string' : 'binary';
  throw validation(
    source.index === undefined
      ? `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${kind} value. Key: ${attribute.name}`
      : 'One or more parameter values are not valid. A value specified for a secondary index key is not supported. ' +
          `The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${source.index.record.IndexName}, IndexKey: ${attribute.name}`,
  );
}

/**
 * A table's, an LSI's or a one-hash, at-most-one-range GSI's key condition,
 * attribute by attribute (the start key's attribute first), as DynamoDB
 * orders these faults (dynalite's tests, recorded against DynamoDB).
 */
function singleKeyPlan(terms: readonly KeyTerm[], source: ReadSource, startKey: Item | undefined): KeyPlan {
  // DynamoDB Local 3.3.1 counts the conditions once the table is known, since multi-attribute keys allow up to eight.
  if (terms.length > 2) throw validation('Conditions can be of length 1 or 2 only');
  const attributes = sourceKeyAttributes(source);
  const plan: KeyTerm[] = [];
  for (const [i, attribute] of attributes.entries()) {
    const isHash = i === 0;
    checkStartKeyAttribute(startKey, attribute);
    if (isHash && attributes.length === 1 && terms.length > 1) throw validation('Query key condition not supported');
    const term = terms.find((t) => t.name === attribute.name);
    if (term === undefined) {
      if (isHash || terms.length > 1) throw validation(`Query condition missed key schema element: ${attribute.name}`);
      continue;
    }
    checkTermValues(term, attribute, source);
    if (isHash && term.operator !== 'EQ') throw validation('Query key condition not supported');
    plan.push(term);
  }
  return { partitionTerms: plan.slice(0, 1), sortTerms: plan.slice(1) };
}

/**
 * A multi-attribute GSI key's condition: equality on every partition
 * attribute; sort attributes from the left without gaps, equality on all but
 * the last one named. Messages from DynamoDB Local 3.3.1 (the rules are the
 * Developer Guide's; no live response recorded).
 */
function multiKeyPlan(terms: readonly KeyTerm[], source: ReadSource, startKey: Item | undefined): KeyPlan {
  const { partition, sort } = source.layout;
  if (terms.length > partition.length + sort.length) throw validation('Query key condition not supported');
  for (const attribute of sourceKeyAttributes(source)) checkStartKeyAttribute(startKey, attribute);
  const termOf = (attribute: KeyAttribute) => terms.find((term) => term.name === attribute.name);
  const unequal = (attributes: readonly KeyAttribute[]) => attributes.filter((attribute) => termOf(attribute)?.operator !== 'EQ').map((a) => a.name);
  const partitionGaps = unequal(partition);
  if (partitionGaps.length > 0) {
    throw validation(`HASH key attributes ${partitionGaps.join(', ')} must have equality conditions specified in the query`);
  }
  const keyNames = new Set(sourceKeyAttributes(source).map((attribute) => attribute.name));
  if (terms.some((term) => !keyNames.has(term.name))) throw validation('Query condition missed key schema element');
  const named = sort.filter((attribute) => termOf(attribute) !== undefined);
  const last = named.length === 0 ? -1 : sort.indexOf(named[named.length - 1]!);
  const sortGaps = unequal(sort.slice(0, Math.max(last, 0)));
  if (sortGaps.length > 0) {
    throw validation(
      `RANGE key attributes ${sortGaps.join(', ')} must have equality conditions specified in the query because a condition is present on key attribute ${sort[last]!.name}`,
    );
  }
  const planned = [...partition, ...sort.slice(0, last + 1)].map((attribute) => ({ attribute, term: termOf(attribute)! }));
  for (const { attribute, term } of planned) checkTermValues(term, attribute, source);
  const plannedTerms = planned.map(({ term }) => term);
  return { partitionTerms: plannedTerms.slice(0, partition.length), sortTerms: plannedTerms.slice(partition.length) };
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

/** How DynamoDB prints an AttributeValue in messages (Java's toString). */
function shown(value: AttributeValue): string {
  const [type, payload] = Object.entries(value)[0] as [string, unknown];
  return `AttributeValue: {${type}:${String(payload)}}`;
}

/** A start key must lie inside what the key condition selects. */
function checkStartKeyBounds(startKey: Item | undefined, source: ReadSource, plan: KeyPlan): void {
  if (startKey === undefined) return;
  if (source.index === undefined && source.layout.sort.length === 0) {
    // A hash-only table's partition holds one item, which an exclusive start leaves nothing of.
    // Live DynamoDB's message, quoted in ScyllaDB Alternator's test_query.py.
    const entries = Object.entries(startKey).map(([name, value]) => `${name}=${shown(value)}`);
    throw validation(`The provided exclusive start key is invalid: ExclusiveStartKey: {${entries.join(', ')}}`);
  }
  const partitionMatches = plan.partitionTerms.every((term) => valuesEqual(own(startKey, term.name) as AttributeValue, term.values[0] as AttributeValue));
  if (plan.sortTerms.length === 0) {
    if (!partitionMatches) throw validation('The provided starting key is outside query boundaries based on provided conditions');
    return;
  }
  if (!plan.sortTerms.every((term) => termMatches(term, own(startKey, term.name) as AttributeValue))) {
    throw validation('The provided starting key does not match the range key predicate');
  }
  if (!partitionMatches) throw validation('The query can return at most one row and cannot be restarted');
}

/** The sort condition a key range serves: the last sort term, whatever its operator. */
function sortCondition(term: KeyTerm | undefined): SortCondition | undefined {
  return term === undefined ? undefined : { operator: term.operator as SortCondition['operator'], values: term.values as KeyValue[] };
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
    // KeyConditions only clashes with KeyConditionExpression: beside a
    // ProjectionExpression or FilterExpression alone it is taken (dynalite's
    // tests recorded against DynamoDB, DynamoDB Local 3.3.1).
    const legacy = ['AttributesToGet', 'QueryFilter', 'ConditionalOperator'];
    if (request.KeyConditionExpression !== undefined) legacy.push('KeyConditions');
    checkExpressionParameters(request, ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'], legacy);
    checkConditionalOperator(request.ConditionalOperator, request.QueryFilter);
    const legacyFilter = request.QueryFilter === undefined ? undefined : filterCondition(request.QueryFilter, request.ConditionalOperator);
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
    const { partition, sort } = source.layout;
    const plan = partition.length === 1 && sort.length <= 1 ? singleKeyPlan(terms, source, startKey) : multiKeyPlan(terms, source, startKey);
    checkStartKeyTablePart(startKey, source);
    checkStartKeyBounds(startKey, source, plan);
    checkKeyPaths(source, projection?.paths ?? []);
    const legacyFilterNames = Object.keys(request.QueryFilter ?? {});
    const filterNames = [...(bound.filter?.paths.map((path) => path[0] as string) ?? []), ...legacyFilterNames];
    checkKeyPaths(source, [...(bound.filter?.paths ?? []), ...legacyFilterNames.map((name) => [name])], bound.filter ? 'Filter Expression' : 'QueryFilter');
    checkGlobalSelect(source, select);
    checkGlobalProjection(source, select, projection, filterNames);

    const equalities = plan.sortTerms.slice(0, -1).map((term) => term.values[0] as KeyValue);
    const partitionValues = plan.partitionTerms.map((term) => term.values[0] as KeyValue);
    const page = await limitedPage(
      context,
      request,
      source,
      () =>
        readPage(
          context.services.storage,
          {
            range: keyRange(source.layout, partitionValues, equalities, sortCondition(plan.sortTerms.at(-1))),
            exclusiveStart: startKey && entryKey(source, startKey),
            reverse: request.ScanIndexForward === false,
            limit: request.Limit,
            keyOf: source.keyOf,
          },
          needsTableItems(source, select, { ...bound, projection }, legacyFilterNames) ? tableItemFetcher(source) : undefined,
        ),
      // One partition attribute: the value itself, so a Query and a GetItem of a key draw on one bucket.
      partitionValues.length === 1 ? partitionValues[0] : partitionValues,
    );
    return pageResponse(context, 'Query', request, source, page, select, bound.filter ?? legacyFilter, projection);
  },
});
