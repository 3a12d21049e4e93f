/**
 * What Query and Scan share: their common request members, Select and
 * projection rules, the source they read (the table or one of its indexes),
 * ExclusiveStartKey / LastEvaluatedKey, and turning a page of entries into
 * the response (filter, projection, counts, consumed capacity).
 */
import { own, setOwn } from '../../model/own-property.js';
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import { keyFromKeyParameter, KEY_SCHEMA_MISMATCH, type KeyAttribute } from '../../model/primary-key.js';
import { validateItem } from '../../model/validate-value.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { attributeMap, bool, int, str } from '../../protocol/shape.js';
import type { Page, PageEntry } from '../../engine/reader.js';
import { readSource, sourceKeyAttributes, type ReadSource } from '../../engine/read-source.js';
import {
  attributesToGetProjection,
  type Condition,
  type DocumentPath,
  type Filter,
  type Projection,
  type RequestExpressions,
} from '../../expressions/index.js';
import type { OperationContext, RawJson } from '../operation.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { CapacityUsage } from '../../engine/capacity.js';
import { jsonArray, splicedJson } from './spliced-json.js';
import {
  attributesToGetMember,
  conditionalOperatorMember,
  dataTable,
  expressionAttributeNamesMember,
  expressionAttributeValuesMember,
  keyAttributeNames,
  returnConsumedCapacityMember,
  type ReturnConsumedCapacity,
} from './item-operation.js';

const INVALID = 'One or more parameter values were invalid: ';

export type Select = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

export interface ReadRequest {
  readonly TableName: string;
  readonly IndexName?: string;
  readonly Select?: Select;
  readonly AttributesToGet?: string[];
  readonly Limit?: number;
  readonly ConsistentRead?: boolean;
  readonly ExclusiveStartKey?: Record<string, unknown>;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ProjectionExpression?: string;
  readonly FilterExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
  readonly ConditionalOperator?: string;
}

const INDEX_NAME_PATTERN = '[a-zA-Z0-9_.-]+';

/** Members Query and Scan declare alike (each adds its own and orders them as DynamoDB reports them). */
export const readMembers = {
  IndexName: str({ minLength: 3, maxLength: 255, pattern: INDEX_NAME_PATTERN }),
  Select: str({ enum: ['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES'] }),
  AttributesToGet: attributesToGetMember,
  Limit: int({ min: 1 }),
  ConsistentRead: bool(),
  ExclusiveStartKey: attributeMap(),
  ReturnConsumedCapacity: returnConsumedCapacityMember,
  ConditionalOperator: conditionalOperatorMember,
  ProjectionExpression: str(),
  FilterExpression: str(),
  ExpressionAttributeNames: expressionAttributeNamesMember,
  ExpressionAttributeValues: expressionAttributeValuesMember,
};

// ------------------------------------------------------------ request checks

/**
 * ExclusiveStartKey values are validated before anything is looked up; some
 * messages keep no prefix. (Those about nulls too: DynamoDB Local 3.3.1; no
 * recording of DynamoDB was found.)
 */
export function validateStartKeyValues(startKey: Record<string, unknown> | undefined): Item | undefined {
  if (startKey === undefined) return undefined;
  try {
    return validateItem(startKey);
  } catch (error) {
    if (
      !(error instanceof DynamoError) ||
      /contains duplicates|number set|numeric value|significant digits|number with magnitude|null AttributeValue|null string/.test(error.message)
    ) {
      throw error;
    }
    throw validation(`The provided starting key is invalid: ${error.message}`);
  }
}

const SELECT_WORDING: Readonly<Record<Select, string>> = {
  ALL_ATTRIBUTES: 'ALL_ATTRIBUTES',
  ALL_PROJECTED_ATTRIBUTES: 'ALL_PROJECTED_ATTRIBUTES',
  COUNT: 'only the Count',
  SPECIFIC_ATTRIBUTES: 'SPECIFIC_ATTRIBUTES',
};

/** The Select a request means, checked against its projection parameters. */
export function effectiveSelect(request: ReadRequest): Select {
  const projectionParameter = request.ProjectionExpression !== undefined ? 'ProjectionExpression' : request.AttributesToGet !== undefined ? 'AttributesToGet' : undefined;
  const select = request.Select ?? (projectionParameter ? 'SPECIFIC_ATTRIBUTES' : request.IndexName !== undefined ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES');
  if (select === 'SPECIFIC_ATTRIBUTES' && projectionParameter === undefined) {
    throw validation('Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  }
  if (select !== 'SPECIFIC_ATTRIBUTES' && projectionParameter !== undefined) {
    throw validation(`Cannot specify the ${projectionParameter} when choosing to get ${SELECT_WORDING[select]}`);
  }
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && request.IndexName === undefined) {
    throw validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  }
  return select;
}

export interface ReadExpressions {
  readonly filter?: Filter;
  readonly projection?: Projection;
}

/** Binds FilterExpression and ProjectionExpression through the request's expressions, in DynamoDB's order. */
export function filterAndProjection(request: ReadRequest, expressions: RequestExpressions): ReadExpressions {
  const filter = request.FilterExpression !== undefined ? expressions.filter(request.FilterExpression) : undefined;
  const projection = request.ProjectionExpression !== undefined ? expressions.projection(request.ProjectionExpression) : undefined;
  return { filter, projection };
}

/** AttributesToGet, checked for duplicates before anything else that needs the table. */
export function legacyProjection(request: ReadRequest): Projection | undefined {
  return request.AttributesToGet === undefined ? undefined : attributesToGetProjection(request.AttributesToGet);
}

// ------------------------------------------------------------------ sources

/** The table or index a Query or Scan reads, with DynamoDB's faults for an unknown index and a consistent GSI read. */
export function resolveSource(context: OperationContext, request: ReadRequest): ReadSource {
  const table = dataTable(context, request.TableName);
  const source = readSource(table, request.IndexName);
  if (source === undefined) throw validation(`The table does not have the specified index: ${request.IndexName}`);
  if (source.index?.global === true && request.ConsistentRead === true) {
    throw validation('Consistent reads are not supported on global secondary indexes');
  }
  return source;
}

/** GSIs cannot fetch from the table, so ALL_ATTRIBUTES needs an ALL projection. */
export function checkGlobalSelect(source: ReadSource, select: Select): void {
  const index = source.index;
  if (index?.global && select === 'ALL_ATTRIBUTES' && index.projected !== undefined) {
    throw validation(
      INVALID +
        `Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.record.IndexName} because its projection type is not ALL`,
    );
  }
}

/** Checks one key attribute of the read schema in an ExclusiveStartKey: present and of its type. */
export function checkStartKeyAttribute(startKey: Item | undefined, attribute: KeyAttribute): void {
  if (startKey === undefined) return;
  const value = own(startKey, attribute.name);
  if (value === undefined) throw validation('The provided starting key is invalid');
  if (!(attribute.type in value)) throw validation(KEY_SCHEMA_MISMATCH);
}

export function checkStartKeySize(startKey: Item | undefined, source: ReadSource, message: string): void {
  if (startKey !== undefined && Object.keys(startKey).length !== source.startKeyNames.length) throw validation(message);
}

/** The table part of an ExclusiveStartKey must be a valid table key. */
export function checkStartKeyTablePart(startKey: Item | undefined, source: ReadSource): void {
  if (startKey === undefined) return;
  const tableKey: Item = {};
  for (const name of keyAttributeNames(source.tableSchema)) {
    const value = own(startKey, name);
    if (value !== undefined) setOwn(tableKey, name, value);
  }
  try {
    keyFromKeyParameter(tableKey, source.tableSchema);
  } catch (error) {
    if (error instanceof DynamoError) throw validation(`The provided starting key is invalid: ${error.message}`);
    throw error;
  }
}

/**
 * A GSI cannot fetch what it does not project: filtering on such an
 * attribute, or asking for one, is refused (filters first). The names come
 * sorted. Wording and order from DynamoDB Local 3.3.1; live DynamoDB's
 * projection message is quoted in localstack issue #478.
 */
export function checkGlobalProjection(source: ReadSource, select: Select, projection: Projection | undefined, filterNames: readonly string[]): void {
  const index = source.index;
  const projected = index?.projected;
  if (index === undefined || !index.global || projected === undefined) return;
  const missing = (names: readonly string[]) => [...new Set(names.filter((name) => !projected.has(name)))].sort();
  const filtered = missing(filterNames);
  if (filtered.length > 0) {
    throw validation(`${INVALID}Secondary index ${index.record.IndexName} does not project one or more filter attributes: [${filtered.join(', ')}]`);
  }
  const asked = select === 'SPECIFIC_ATTRIBUTES' ? missing(projection?.topLevelNames ?? []) : [];
  if (asked.length > 0) throw validation(`${INVALID}Global secondary index ${index.record.IndexName} does not project [${asked.join(', ')}]`);
}

// ------------------------------------------------------------ key paths

/**
 * Filters and projections may not reach inside key attributes (of the table
 * or of any index), and a Query's filter may not name the keys it reads.
 */
export function checkKeyPaths(source: ReadSource, paths: readonly DocumentPath[], primaryKeyParameter?: string): void {
  if (primaryKeyParameter !== undefined) {
    const readKey = sourceKeyAttributes(source).find((attribute) => paths.some((path) => path[0] === attribute.name));
    if (readKey !== undefined) {
      throw validation(`${primaryKeyParameter} can only contain non-primary key attributes: Primary key attribute: ${readKey.name}`);
    }
  }
  checkKeyAttributePaths(source.table, paths);
}

// ------------------------------------------------------------ the page

/** True when an LSI read needs the table item: attributes outside the projection are asked for. */
export function needsTableItems(source: ReadSource, select: Select, expressions: ReadExpressions, legacyFilterNames: readonly string[]): boolean {
  const projected = source.index?.projected;
  if (source.index === undefined || source.index.global || projected === undefined) return false;
  if (select === 'ALL_ATTRIBUTES') return true;
  const heads = [
    ...(select === 'SPECIFIC_ATTRIBUTES' ? expressions.projection?.topLevelNames ?? [] : []),
    ...(expressions.filter?.paths.map((path) => path[0] as string) ?? []),
    ...legacyFilterNames,
  ];
  return heads.some((name) => !projected.has(name));
}

function pickKey(item: Item, names: readonly string[]): Item {
  const key: Item = {};
  for (const name of names) setOwn(key, name, own(item, name) as AttributeValue);
  return key;
}

/** Capacity of a page: one read of the whole page per 4 KB, halved for eventual consistency. */
function pageUnits(bytes: number, consistent: boolean): number {
  const units = Math.ceil(bytes / 4096);
  return consistent ? units : units / 2;
}

/** What a page consumed: the entries read, and for an index read the table items fetched beside them. */
function pageUsage(request: ReadRequest, source: ReadSource, entries: readonly PageEntry[]): CapacityUsage {
  const consistent = request.ConsistentRead === true;
  let entryBytes = 0;
  let baseBytes = 0;
  for (const entry of entries) {
    entryBytes += entry.stored.size;
    baseBytes += entry.base?.size ?? 0;
  }
  const index = source.index;
  const usage = new CapacityUsage().addTable(pageUnits(index === undefined ? entryBytes : baseBytes, consistent));
  return index === undefined ? usage : usage.addIndex(index.record.IndexName, !index.global, pageUnits(entryBytes, consistent));
}

/**
 * Reads a page under capacity enforcement: refused while the table or global
 * index it reads, or the partition a Query names, has no capacity left;
 * charged with the page's units after.
 */
export async function limitedPage(context: OperationContext, request: ReadRequest, source: ReadSource, read: () => Promise<Page>, partition?: unknown): Promise<Page> {
  const { throughput } = context.services;
  const target = { ...(source.index?.global === true ? { index: source.index.record.IndexName } : {}), ...(partition !== undefined ? { partition } : {}) };
  throughput.admit(source.table, 'read', target);
  const page = await read();
  throughput.charge(source.table, 'read', pageUsage(request, source, page.entries), target);
  return page;
}

/**
 * The JSON text of the item an entry stands for, given the Select: the
 * stored text itself unless a projection applies.
 */
function visibleText(entry: PageEntry, select: Select, projection: Projection | undefined): string {
  const stored = entry.base ?? entry.stored;
  return select === 'SPECIFIC_ATTRIBUTES' && projection !== undefined ? JSON.stringify(projection.apply(stored.item)) : stored.text;
}

/**
 * Filters, projects and counts a page; the LastEvaluatedKey is the last entry
 * read, matched or not. Items reach the response as their stored JSON text
 * unless a projection applies; only a filter, a projection or the
 * LastEvaluatedKey parses an entry.
 */
export function pageResponse(
  context: OperationContext,
  operation: 'Query' | 'Scan',
  request: ReadRequest,
  source: ReadSource,
  page: Page,
  select: Select,
  filter: Condition | undefined,
  projection: Projection | undefined,
): RawJson {
  const matched = filter === undefined ? page.entries : page.entries.filter((entry) => filter.evaluate((entry.base ?? entry.stored).item));
  context.services.metrics.returnedItems(source.table, operation, matched.length);
  const last = page.entries[page.entries.length - 1];
  const items = select === 'COUNT' ? undefined : jsonArray(matched.map((entry) => visibleText(entry, select, projection)));
  return splicedJson(
    { Items: items },
    {
      Count: matched.length,
      ScannedCount: page.entries.length,
      LastEvaluatedKey: page.cut && last !== undefined ? pickKey(last.stored.item, source.startKeyNames) : undefined,
      ConsumedCapacity: pageUsage(request, source, page.entries).report(request.ReturnConsumedCapacity, source.table),
    },
  );
}
