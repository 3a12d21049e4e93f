/**
 * What Query and Scan share: their common request members, Select and
 * projection rules, the source they read (the table or one of its indexes),
 * ExclusiveStartKey / LastEvaluatedKey, and turning a page of entries into
 * the response (filter, projection, counts, consumed capacity).
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import { encodeStorageKey, type KeyValue } from '../../model/key-codec.js';
import { keyFromKeyParameter, KEY_SCHEMA_MISMATCH, type KeyAttribute, type KeySchema } from '../../model/primary-key.js';
import { validateAttributeValue } from '../../model/validate-value.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { attributeMap, bool, int, str } from '../../protocol/shape.js';
import { itemKey } from '../../engine/item-key.js';
import { fitKey, indexPrefix, itemPrefix } from '../../engine/keyspace.js';
import { keySchemaOf, type IndexRecord, type TableRecord } from '../../engine/table.js';
import type { Page, PageEntry } from '../../engine/reader.js';
import type { ReadTransaction } from '../../storage/storage.js';
import {
  attributesToGetProjection,
  type Condition,
  type DocumentPath,
  type Filter,
  type Projection,
  type RequestExpressions,
} from '../../expressions/index.js';
import type { OperationContext, RawJson } from '../operation.js';
import { StoredItem } from '../../engine/stored-item.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { jsonArray, splicedJson } from './spliced-json.js';
import {
  attributesToGetMember,
  conditionalOperatorMember,
  dataTable,
  expressionAttributeNamesMember,
  expressionAttributeValuesMember,
  keyAttributeNames,
  returnConsumedCapacityMember,
  tableKeySchema,
  type ReturnConsumedCapacity,
} from './item-operation.js';

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

/** ExclusiveStartKey values are validated before anything is looked up; some messages keep no prefix. */
export function validateStartKeyValues(startKey: Record<string, unknown> | undefined): Item | undefined {
  if (startKey === undefined) return undefined;
  const out: Item = {};
  for (const [name, raw] of Object.entries(startKey)) {
    try {
      out[name] = validateAttributeValue(raw);
    } catch (error) {
      if (!(error instanceof DynamoError) || /contains duplicates|number set|numeric value|significant digits|number with magnitude/.test(error.message)) {
        throw error;
      }
      throw validation(`The provided starting key is invalid: ${error.message}`);
    }
  }
  return out;
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

export interface IndexSource {
  readonly record: IndexRecord;
  readonly global: boolean;
  /** Attribute names an index entry holds, or undefined when it holds whole items (ALL). */
  readonly projected: ReadonlySet<string> | undefined;
}

/** The table or index a Query or Scan reads. */
export interface ReadSource {
  readonly table: TableRecord;
  readonly tableSchema: KeySchema;
  /** The key schema entries are ordered by: the index's, or the table's. */
  readonly schema: KeySchema;
  readonly index?: IndexSource;
  readonly prefix: Uint8Array;
  /** The attributes of a LastEvaluatedKey: the table key, then the index key attributes not already in it. */
  readonly startKeyNames: readonly string[];
}

function projectedNames(table: TableRecord, index: IndexRecord): ReadonlySet<string> | undefined {
  if (index.Projection.ProjectionType === 'ALL') return undefined;
  return new Set([
    ...table.KeySchema.map((element) => element.AttributeName),
    ...index.KeySchema.map((element) => element.AttributeName),
    ...(index.Projection.NonKeyAttributes ?? []),
  ]);
}

export function resolveSource(context: OperationContext, request: ReadRequest): ReadSource {
  const table = dataTable(context, request.TableName);
  const tableSchema = tableKeySchema(table);
  const tableKeyNames = keyAttributeNames(tableSchema);
  if (request.IndexName === undefined) {
    return { table, tableSchema, schema: tableSchema, prefix: itemPrefix(table.id), startKeyNames: tableKeyNames };
  }
  const local = table.LocalSecondaryIndexes.find((index) => index.IndexName === request.IndexName);
  const record = local ?? table.GlobalSecondaryIndexes.find((index) => index.IndexName === request.IndexName);
  if (record === undefined) throw validation(`The table does not have the specified index: ${request.IndexName}`);
  const global = local === undefined;
  if (global && request.ConsistentRead === true) throw validation('Consistent reads are not supported on global secondary indexes');
  const schema = keySchemaOf(record.KeySchema, table.AttributeDefinitions);
  const startKeyNames = [...tableKeyNames, ...keyAttributeNames(schema).filter((name) => !tableKeyNames.includes(name))];
  return {
    table,
    tableSchema,
    schema,
    index: { record, global, projected: projectedNames(table, record) },
    prefix: indexPrefix(record.id),
    startKeyNames,
  };
}

/** GSIs cannot fetch from the table, so ALL_ATTRIBUTES needs an ALL projection. */
export function checkGlobalSelect(source: ReadSource, select: Select): void {
  const index = source.index;
  if (index?.global && select === 'ALL_ATTRIBUTES' && index.projected !== undefined) {
    throw validation(
      'One or more parameter values were invalid: ' +
        `Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.record.IndexName} because its projection type is not ALL`,
    );
  }
}

function keyAttributesOf(schema: KeySchema): KeyAttribute[] {
  return schema.range === undefined ? [schema.hash] : [schema.hash, schema.range];
}

/** Checks one key attribute of the read schema in an ExclusiveStartKey: present and of its type. */
export function checkStartKeyAttribute(startKey: Item | undefined, attribute: KeyAttribute): void {
  if (startKey === undefined) return;
  const value = startKey[attribute.name];
  if (value === undefined) throw validation('The provided starting key is invalid');
  if (!(attribute.type in value)) throw validation(KEY_SCHEMA_MISMATCH);
}

export function checkStartKeySize(startKey: Item | undefined, source: ReadSource, message: string): void {
  if (startKey !== undefined && Object.keys(startKey).length !== source.startKeyNames.length) throw validation(message);
}

export function readKeyAttributes(source: ReadSource): KeyAttribute[] {
  return keyAttributesOf(source.schema);
}

/** The table part of an ExclusiveStartKey must be a valid table key. */
export function checkStartKeyTablePart(startKey: Item | undefined, source: ReadSource): void {
  if (startKey === undefined) return;
  const tableKey: Item = {};
  for (const attribute of keyAttributesOf(source.tableSchema)) {
    const value = startKey[attribute.name];
    if (value !== undefined) tableKey[attribute.name] = value;
  }
  try {
    keyFromKeyParameter(tableKey, source.tableSchema);
  } catch (error) {
    if (error instanceof DynamoError) throw validation(`The provided starting key is invalid: ${error.message}`);
    throw error;
  }
}

/** The storage key of the entry an item (or an ExclusiveStartKey) stands for in the source. */
export function entryKey(source: ReadSource, item: Item): Uint8Array {
  const value = (attribute: KeyAttribute | undefined): KeyValue[] =>
    attribute === undefined ? [] : [item[attribute.name] as KeyValue];
  const { tableSchema, schema } = source;
  if (source.index === undefined) {
    const [hash] = value(tableSchema.hash) as [KeyValue];
    const [range] = value(tableSchema.range);
    return itemKey(source.table.id, range === undefined ? { hash } : { hash, range });
  }
  const [hash] = value(schema.hash) as [KeyValue];
  return fitKey(encodeStorageKey(source.prefix, hash, [...value(schema.range), ...value(tableSchema.hash), ...value(tableSchema.range)]));
}

// ------------------------------------------------------------ key paths

/**
 * Filters and projections may not reach inside key attributes (of the table
 * or of any index), and a Query's filter may not name the keys it reads.
 */
export function checkKeyPaths(source: ReadSource, paths: readonly DocumentPath[], primaryKeyParameter?: string): void {
  if (primaryKeyParameter !== undefined) {
    const readKey = keyAttributeNames(source.schema).find((name) => paths.some((path) => path[0] === name));
    if (readKey !== undefined) {
      throw validation(`${primaryKeyParameter} can only contain non-primary key attributes: Primary key attribute: ${readKey}`);
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

/** The function the reader calls to read the table item behind an index entry. */
export function tableItemFetcher(source: ReadSource): (entry: Item, tx: ReadTransaction) => StoredItem | undefined {
  return (entry, tx) => {
    const hash = entry[source.tableSchema.hash.name] as KeyValue;
    const range = source.tableSchema.range && (entry[source.tableSchema.range.name] as KeyValue);
    const bytes = tx.get(itemKey(source.table.id, range === undefined ? { hash } : { hash, range }));
    return bytes === undefined ? undefined : StoredItem.of(bytes);
  };
}

function pickKey(item: Item, names: readonly string[]): Item {
  const key: Item = {};
  for (const name of names) key[name] = item[name] as AttributeValue;
  return key;
}

/** Capacity of a page: one read of the whole page per 4 KB, halved for eventual consistency. */
function pageUnits(bytes: number, consistent: boolean): number {
  const units = Math.ceil(bytes / 4096);
  return consistent ? units : units / 2;
}

function consumedCapacity(request: ReadRequest, source: ReadSource, entries: readonly PageEntry[]): object | undefined {
  const mode = request.ReturnConsumedCapacity;
  if (mode === undefined || mode === 'NONE') return undefined;
  const consistent = request.ConsistentRead === true;
  let entryBytes = 0;
  let baseBytes = 0;
  for (const entry of entries) {
    entryBytes += entry.stored.size;
    baseBytes += entry.base?.size ?? 0;
  }
  const indexUnits = source.index === undefined ? 0 : pageUnits(entryBytes, consistent);
  const tableUnits = pageUnits(source.index === undefined ? entryBytes : baseBytes, consistent);
  const total = { TableName: source.table.TableName, CapacityUnits: tableUnits + indexUnits };
  if (mode === 'TOTAL') return total;
  const index = source.index;
  if (index === undefined) return { ...total, Table: { CapacityUnits: tableUnits } };
  const indexes = { [index.record.IndexName]: { CapacityUnits: indexUnits } };
  return { ...total, Table: { CapacityUnits: tableUnits }, [index.global ? 'GlobalSecondaryIndexes' : 'LocalSecondaryIndexes']: indexes };
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
  request: ReadRequest,
  source: ReadSource,
  page: Page,
  select: Select,
  filter: Condition | undefined,
  projection: Projection | undefined,
): RawJson {
  const matched = filter === undefined ? page.entries : page.entries.filter((entry) => filter.evaluate((entry.base ?? entry.stored).item));
  const last = page.entries[page.entries.length - 1];
  const items = select === 'COUNT' ? undefined : jsonArray(matched.map((entry) => visibleText(entry, select, projection)));
  return splicedJson(
    { Items: items },
    {
      Count: matched.length,
      ScannedCount: page.entries.length,
      LastEvaluatedKey: page.cut && last !== undefined ? pickKey(last.stored.item, source.startKeyNames) : undefined,
      ConsumedCapacity: consumedCapacity(request, source, page.entries),
    },
  );
}
