/**
 * Scan: every item of a table or index in storage order, which is the hash
 * order of the partition key; a parallel-scan segment is one contiguous hash
 * range of that order (see segmentRange in model/key-codec.ts).
 */
import { prefixEnd, segmentRange, type KeyRange } from '../../model/key-codec.js';
import { validation } from '../../protocol/errors.js';
import { attributeValue, int, list, map, str, struct } from '../../protocol/shape.js';
import { readPage } from '../../engine/reader.js';
import { entryKey, sourceKeyAttributes, tableItemFetcher, type ReadSource } from '../../engine/read-source.js';
import { filterCondition, requestExpressions } from '../../expressions/index.js';
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

interface ScanRequest extends ReadRequest {
  readonly ScanFilter?: Record<string, unknown>;
  readonly Segment?: number;
  readonly TotalSegments?: number;
}

const COMPARISON_OPERATORS = ['IN', 'NULL', 'BETWEEN', 'LT', 'NOT_CONTAINS', 'EQ', 'GT', 'NOT_NULL', 'NE', 'LE', 'BEGINS_WITH', 'GE', 'CONTAINS'];

function checkSegments(request: ScanRequest): void {
  const { Segment: segment, TotalSegments: total } = request;
  if (segment !== undefined && total === undefined) {
    throw validation('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  }
  if (total !== undefined && segment === undefined) {
    throw validation('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  }
  if (segment !== undefined && total !== undefined && segment >= total) {
    throw validation(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
    );
  }
}

function scanRange(source: ReadSource, request: ScanRequest): KeyRange {
  if (request.Segment === undefined || request.TotalSegments === undefined) {
    return { start: source.layout.prefix, end: prefixEnd(source.layout.prefix) };
  }
  return segmentRange(source.layout.prefix, request.Segment, request.TotalSegments);
}

/** A parallel scan's start key must belong to its segment. */
function checkStartKeySegment(key: Uint8Array | undefined, range: KeyRange): void {
  if (key === undefined) return;
  if (Buffer.compare(key, range.start) < 0 || (range.end !== undefined && Buffer.compare(key, range.end) >= 0)) {
    throw validation('Exclusive start key must lie within the segment');
  }
}

export const scan = defineOperation<ScanRequest>({
  name: 'Scan',
  shape: struct('ScanInput', {
    TableName: tableNameMember,
    ...readMembers,
    ScanFilter: map(
      struct('Condition', {
        AttributeValueList: list(attributeValue()),
        ComparisonOperator: str({ required: true, enum: COMPARISON_OPERATORS }),
      }),
      'java.lang.String, com.amazonaws.dynamodb.v20120810.Condition',
      { keepsNullValues: true },
    ),
    Segment: int({ min: 0, max: 999999 }),
    TotalSegments: int({ min: 1, max: 1000000 }),
  }),
  async execute(request, context) {
    checkExpressionParameters(request, ['ProjectionExpression', 'FilterExpression'], ['AttributesToGet', 'ScanFilter', 'ConditionalOperator']);
    checkConditionalOperator(request.ConditionalOperator, request.ScanFilter);
    const legacyFilter = request.ScanFilter === undefined ? undefined : filterCondition(request.ScanFilter, request.ConditionalOperator);
    const attributesToGet = legacyProjection(request);
    const startKey = validateStartKeyValues(request.ExclusiveStartKey);
    checkSegments(request);
    const expressions = requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues);
    const bound = filterAndProjection(request, expressions);
    expressions.finish();
    const projection = bound.projection ?? attributesToGet;
    const select = effectiveSelect(request);

    const source = resolveSource(context, request);
    if (source.index === undefined) {
      checkStartKeySize(startKey, source, 'The provided starting key is invalid: The provided key element does not match the schema');
    } else {
      checkStartKeySize(startKey, source, 'The provided starting key is invalid');
      for (const attribute of sourceKeyAttributes(source)) checkStartKeyAttribute(startKey, attribute);
    }
    checkGlobalSelect(source, select);
    checkStartKeyTablePart(startKey, source);
    const legacyFilterNames = Object.keys(request.ScanFilter ?? {});
    checkKeyPaths(source, [...(projection?.paths ?? []), ...(bound.filter?.paths ?? [])]);
    checkGlobalProjection(source, select, projection, [...(bound.filter?.paths.map((path) => path[0] as string) ?? []), ...legacyFilterNames]);

    const range = scanRange(source, request);
    const exclusiveStart = startKey && entryKey(source, startKey);
    checkStartKeySegment(exclusiveStart, range);
    const page = await limitedPage(context, request, source, () =>
      readPage(
        context.services.storage,
        { range, exclusiveStart, reverse: false, limit: request.Limit, keyOf: source.keyOf },
        needsTableItems(source, select, { ...bound, projection }, legacyFilterNames) ? tableItemFetcher(source) : undefined,
      ),
    );
    return pageResponse(context, 'Scan', request, source, page, select, bound.filter ?? legacyFilter, projection);
  },
});
