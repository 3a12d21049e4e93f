/**
 * What a DynamoDB request asks IAM for: the actions on the resources it
 * touches, each with the condition keys DynamoDB documents for fine-grained
 * access control (Developer Guide, "Using IAM policy conditions for
 * fine-grained access control", and the Service Authorization Reference's
 * condition keys for DynamoDB). The operations stay unaware of IAM; this
 * reads their requests after the shape check, before they run.
 *
 * - dynamodb:LeadingKeys: the partition key values of the items (for a Query,
 *   of the partition it reads; of the index's partition for an index).
 * - dynamodb:Attributes: the top-level attribute names the request reads
 *   (its projection) or writes (the whole item, key included, for a put; the
 *   key and the updated names for an update; the key for a delete).
 * - dynamodb:Select: the Select of a Query or Scan, or the one it defaults to;
 *   a GetItem (and each table of a batch or transactional get) reads
 *   SPECIFIC_ATTRIBUTES with a projection and ALL_ATTRIBUTES without, so the
 *   developer guide's "Select must be SPECIFIC_ATTRIBUTES" condition refuses
 *   whole-item reads.
 * - dynamodb:ReturnValues, dynamodb:ReturnConsumedCapacity: as requested.
 * - dynamodb:EnclosingOperation: the transactional or PartiQL operation an
 *   item action is part of.
 *
 * Batches are authorized per table under the batch's own action;
 * transactions per item under the item's action (TransactWriteItems as
 * PutItem, UpdateItem, DeleteItem, ConditionCheckItem; TransactGetItems as
 * GetItem); PartiQL per statement as PartiQLSelect / Insert / Update /
 * Delete on its table or index.
 */
import { attributesToGetProjection, keyConditionsTerms, requestExpressions } from '../../expressions/index.js';
import { globalTableArn, tableArn, keyPartsOf, type TableRecord } from '../../engine/table.js';
import { equalities, prepare, statementKey, type Statement } from '../../partiql/index.js';
import { DynamoError } from '../../protocol/errors.js';

/** One action on one resource, with the request's own condition keys (lower-cased names). */
export interface AccessCheck {
  readonly action: string;
  readonly resource: string;
  readonly keys: Map<string, string[]>;
}

/** What the mapping needs of the tenancy: its account and region, and its tables by name. */
export interface TableScope {
  readonly account: string;
  readonly region: string;
  table(name: string): TableRecord | undefined;
}

type Raw = Readonly<Record<string, unknown>>;
type Names = Record<string, string> | undefined;

/** The checks of one DynamoDB (or DynamoDB Streams) request, in the order they are made. */
export function accessChecks(operation: string, request: Raw, scope: TableScope): AccessCheck[] {
  const mapping = Object.hasOwn(MAPPINGS, operation) ? MAPPINGS[operation] : undefined;
  if (mapping !== undefined) return mapping(request, scope);
  return [{ action: `dynamodb:${operation}`, resource: resourceOf(request, scope), keys: new Map() }];
}

/** The resource of a control-plane request: the ARN it names, its table's, or `*`. */
function resourceOf(request: Raw, scope: TableScope): string {
  for (const member of ['ResourceArn', 'TableArn', 'BackupArn', 'ExportArn', 'ImportArn', 'StreamArn']) {
    const value = request[member];
    if (typeof value === 'string') return value;
  }
  if (typeof request.TableName === 'string') return tableArnIn(scope, request.TableName);
  if (typeof request.GlobalTableName === 'string') return globalTableArn(scope.account, request.GlobalTableName);
  const target = request.TargetTableName ?? (request.TableCreationParameters as Raw | undefined)?.TableName;
  if (typeof target === 'string') return tableArnIn(scope, target);
  if (typeof request.ShardIterator === 'string') return request.ShardIterator.split('|')[0] ?? '*';
  return '*';
}

function tableArnIn(scope: TableScope, name: string, index?: string): string {
  const arn = tableArn({ account: scope.account, region: scope.region, TableName: name });
  return index === undefined ? arn : `${arn}/index/${index}`;
}

const MAPPINGS: Readonly<Record<string, (request: Raw, scope: TableScope) => AccessCheck[]>> = {
  GetItem: (request, scope) => [itemRead('dynamodb:GetItem', request, scope)],
  PutItem: (request, scope) => [itemWrite('dynamodb:PutItem', request, scope, 'put')],
  UpdateItem: (request, scope) => [itemWrite('dynamodb:UpdateItem', request, scope, 'update')],
  DeleteItem: (request, scope) => [itemWrite('dynamodb:DeleteItem', request, scope, 'delete')],
  Query: (request, scope) => [tableRead('dynamodb:Query', request, scope)],
  Scan: (request, scope) => [tableRead('dynamodb:Scan', request, scope)],
  BatchGetItem: (request, scope) =>
    entries(request.RequestItems).map(([name, entry]) => {
      const read = (entry ?? {}) as Raw;
      const keys = readKeys(read, scope.table(name), arrayOf(read.Keys));
      put(keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
      return { action: 'dynamodb:BatchGetItem', resource: tableArnIn(scope, name), keys };
    }),
  BatchWriteItem: (request, scope) =>
    entries(request.RequestItems).map(([name, writes]) => {
      const table = scope.table(name);
      const items = arrayOf(writes).flatMap((write) => {
        const entry = write as Raw;
        const item = (entry.PutRequest as Raw | undefined)?.Item ?? (entry.DeleteRequest as Raw | undefined)?.Key;
        return item !== null && typeof item === 'object' ? [item as Raw] : [];
      });
      const keys = new Map<string, string[]>();
      setLeadingKeys(keys, table, items);
      keys.set('dynamodb:attributes', unique(items.flatMap((item) => Object.keys(item))));
      put(keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
      return { action: 'dynamodb:BatchWriteItem', resource: tableArnIn(scope, name), keys };
    }),
  TransactGetItems: (request, scope) =>
    arrayOf(request.TransactItems).map((entry) => {
      const check = itemRead('dynamodb:GetItem', ((entry as Raw).Get ?? {}) as Raw, scope);
      check.keys.set('dynamodb:enclosingoperation', ['TransactGetItems']);
      put(check.keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
      return check;
    }),
  TransactWriteItems: (request, scope) =>
    arrayOf(request.TransactItems).flatMap((entry) => {
      const { Put, Update, Delete, ConditionCheck } = entry as Raw;
      const checks = [
        Put && itemWrite('dynamodb:PutItem', Put as Raw, scope, 'put'),
        Update && itemWrite('dynamodb:UpdateItem', Update as Raw, scope, 'update'),
        Delete && itemWrite('dynamodb:DeleteItem', Delete as Raw, scope, 'delete'),
        ConditionCheck && itemWrite('dynamodb:ConditionCheckItem', ConditionCheck as Raw, scope, 'delete'),
      ].filter((check): check is AccessCheck => typeof check === 'object');
      for (const check of checks) {
        check.keys.set('dynamodb:enclosingoperation', ['TransactWriteItems']);
        put(check.keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
      }
      return checks;
    }),
  ExecuteStatement: (request, scope) => [statementCheck(request, scope, 'ExecuteStatement')],
  BatchExecuteStatement: (request, scope) => arrayOf(request.Statements).map((entry) => statementCheck(entry as Raw, scope, 'BatchExecuteStatement')),
  ExecuteTransaction: (request, scope) =>
    arrayOf(request.TransactStatements).map((entry) => statementCheck(entry as Raw, scope, 'ExecuteTransaction')),
  GetRecords: (request) => [{ action: 'dynamodb:GetRecords', resource: String(request.ShardIterator).split('|')[0]!, keys: new Map() }],
};

function itemRead(action: string, request: Raw, scope: TableScope): AccessCheck {
  const table = typeof request.TableName === 'string' ? request.TableName : '';
  const keys = readKeys(request, scope.table(table), [request.Key]);
  put(keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
  return { action, resource: tableArnIn(scope, table), keys };
}

/** The keys of a read of whole items by key: LeadingKeys, Attributes (with a projection) and Select. */
function readKeys(request: Raw, table: TableRecord | undefined, itemKeys: readonly unknown[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  setLeadingKeys(keys, table, itemKeys.filter((key): key is Raw => key !== null && typeof key === 'object'));
  const names = projectedNames(request);
  if (names !== undefined) keys.set('dynamodb:attributes', names);
  keys.set('dynamodb:select', [names === undefined ? 'ALL_ATTRIBUTES' : 'SPECIFIC_ATTRIBUTES']);
  return keys;
}

function itemWrite(action: string, request: Raw, scope: TableScope, kind: 'put' | 'update' | 'delete'): AccessCheck {
  const name = typeof request.TableName === 'string' ? request.TableName : '';
  const item = ((kind === 'put' ? request.Item : request.Key) ?? {}) as Raw;
  const keys = new Map<string, string[]>();
  setLeadingKeys(keys, scope.table(name), [item]);
  const written = kind === 'update' ? [...Object.keys(item), ...updatedNames(request)] : Object.keys(item);
  keys.set('dynamodb:attributes', unique(written));
  put(keys, 'dynamodb:returnvalues', request.ReturnValues);
  put(keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
  return { action, resource: tableArnIn(scope, name), keys };
}

/** A Query or Scan, on the table or an index. */
function tableRead(action: string, request: Raw, scope: TableScope): AccessCheck {
  const name = String(request.TableName);
  const index = typeof request.IndexName === 'string' ? request.IndexName : undefined;
  const keys = new Map<string, string[]>();
  const names = projectedNames(request);
  if (names !== undefined) keys.set('dynamodb:attributes', names);
  const defaultSelect = names !== undefined ? 'SPECIFIC_ATTRIBUTES' : index === undefined ? 'ALL_ATTRIBUTES' : 'ALL_PROJECTED_ATTRIBUTES';
  keys.set('dynamodb:select', [typeof request.Select === 'string' ? request.Select : defaultSelect]);
  put(keys, 'dynamodb:returnconsumedcapacity', request.ReturnConsumedCapacity);
  if (action === 'dynamodb:Query') {
    const partition = partitionKeyName(scope.table(name), index);
    const value = partition === undefined ? undefined : queriedPartition(request, partition);
    if (value !== undefined) keys.set('dynamodb:leadingkeys', [value]);
  }
  return { action, resource: tableArnIn(scope, name, index), keys };
}

/** The partition key value a Query's key condition pins (an equality on the partition key). */
function queriedPartition(request: Raw, partition: string): string | undefined {
  const terms =
    typeof request.KeyConditionExpression === 'string'
      ? requestExpressions(request.ExpressionAttributeNames, request.ExpressionAttributeValues).keyCondition(request.KeyConditionExpression).terms()
      : request.KeyConditions !== undefined
        ? keyConditionsTerms(request.KeyConditions)
        : [];
  const term = terms.find((candidate) => candidate.name === partition && candidate.operator === 'EQ');
  return term?.values[0] === undefined ? undefined : valueText(term.values[0]);
}

/** A PartiQL statement as the PartiQL action of its kind, on its table or index. */
function statementCheck(request: Raw, scope: TableScope, enclosing: string): AccessCheck {
  const prepared = prepare({ Statement: String(request.Statement), Parameters: arrayOf(request.Parameters) });
  const { statement } = prepared;
  const keys = new Map<string, string[]>([['dynamodb:enclosingoperation', [enclosing]]]);
  const table = scope.table(statement.target.table);
  const partition = partitionKeyName(table, statement.target.index);
  const value = partition === undefined ? undefined : statementPartition(statement, prepared, table!, partition);
  if (value !== undefined) keys.set('dynamodb:leadingkeys', [value]);
  return { action: `dynamodb:${PARTIQL_ACTIONS[statement.kind]}`, resource: tableArnIn(scope, statement.target.table, statement.target.index), keys };
}

const PARTIQL_ACTIONS: Readonly<Record<Statement['kind'], string>> = {
  select: 'PartiQLSelect',
  exists: 'PartiQLSelect',
  insert: 'PartiQLInsert',
  update: 'PartiQLUpdate',
  delete: 'PartiQLDelete',
};

function statementPartition(statement: Statement, prepared: ReturnType<typeof prepare>, table: TableRecord, partition: string): string | undefined {
  if (statement.kind === 'insert') {
    try {
      return valueText(statementKey(table, statement, prepared.binding).hash);
    } catch (error) {
      // An item without its key is refused when the statement runs; it touches no partition.
      if (error instanceof DynamoError) return undefined;
      throw error;
    }
  }
  const where = statement.kind === 'exists' ? statement.select.where : statement.where;
  const value = equalities(where, prepared.binding).get(partition);
  return value === undefined ? undefined : valueText(value);
}

/** The partition key attribute of a table, or of one of its indexes (the first, for a multi-attribute key). */
function partitionKeyName(table: TableRecord | undefined, index: string | undefined): string | undefined {
  if (table === undefined) return undefined;
  if (index === undefined) return table.KeySchema.find((element) => element.KeyType === 'HASH')?.AttributeName;
  const found = [...table.GlobalSecondaryIndexes, ...table.LocalSecondaryIndexes].find((candidate) => candidate.IndexName === index);
  return found === undefined ? undefined : keyPartsOf(found.KeySchema, table.AttributeDefinitions).partition[0]?.name;
}

function setLeadingKeys(keys: Map<string, string[]>, table: TableRecord | undefined, items: readonly Raw[]): void {
  const partition = partitionKeyName(table, undefined);
  if (partition === undefined) return;
  const values = items.flatMap((item) => {
    const text = valueText(item[partition]);
    return text === undefined ? [] : [text];
  });
  keys.set('dynamodb:leadingkeys', unique(values));
}

/** The top-level names a read projects, or undefined when it reads whole items. */
function projectedNames(request: Raw): string[] | undefined {
  if (typeof request.ProjectionExpression === 'string') {
    const projection = requestExpressions(request.ExpressionAttributeNames as Names, undefined).projection(request.ProjectionExpression);
    return unique([...projection.topLevelNames]);
  }
  if (Array.isArray(request.AttributesToGet)) return unique([...attributesToGetProjection(request.AttributesToGet as string[]).topLevelNames]);
  return undefined;
}

/** The top-level names an update writes or removes. */
function updatedNames(request: Raw): string[] {
  if (typeof request.UpdateExpression === 'string') {
    const update = requestExpressions(request.ExpressionAttributeNames as Names, request.ExpressionAttributeValues).update(request.UpdateExpression);
    return update.updatedPaths.map((path) => String(path[0]));
  }
  const legacy = request.AttributeUpdates;
  return legacy !== null && typeof legacy === 'object' ? Object.keys(legacy) : [];
}

/** A key value as policies compare it: a string's or number's text, a binary's base64. */
function valueText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const typed = value as { S?: unknown; N?: unknown; B?: unknown };
  const text = typed.S ?? typed.N ?? typed.B;
  if (typeof text === 'string') return text;
  return text instanceof Uint8Array ? Buffer.from(text).toString('base64') : undefined;
}

function put(keys: Map<string, string[]>, key: string, value: unknown): void {
  if (typeof value === 'string') keys.set(key, [value]);
}

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === 'object' ? Object.entries(value) : [];
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
