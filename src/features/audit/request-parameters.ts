/**
 * A request as CloudTrail shows it in requestParameters: member names with
 * their first letter lower-cased, and no item data. AWS's examples
 * (developer guide, "Understanding DynamoDB log file entries") show what it
 * keeps of a data-plane call: the table name, the key's values (unwrapped
 * from their type), an item's attribute NAMES only, expressions and
 * expression attribute names, never expression attribute values; PartiQL
 * statements have their values replaced with `***(Redacted)` and their
 * parameters left out. Dynalith goes further where it cannot tell key values
 * from others: every literal of a statement is redacted.
 */

/** The attribute names of a table's primary key, if the table is known. */
export type KeyNames = (tableName: string) => readonly string[] | undefined;

/** Members whose values hold item data, left out wherever they appear. */
const VALUE_MEMBERS = new Set(['ExpressionAttributeValues', 'Parameters', 'AttributeValueList', 'Value', 'ExclusiveStartKey', 'LastEvaluatedKey']);

/** Maps whose keys are names of the caller's (attribute names, placeholders, table names), not API members: kept as they are. */
const NAME_MAPS = new Set(['ExpressionAttributeNames']);

/** Legacy condition maps: attribute name to a condition with values; only the attribute and its operator are kept. */
const CONDITION_MAPS = new Set(['Expected', 'KeyConditions', 'QueryFilter', 'ScanFilter']);

const REDACTED = '***(Redacted)';

export function requestParameters(operation: string, body: Readonly<Record<string, unknown>>, keyNames: KeyNames): Record<string, unknown> {
  switch (operation) {
    case 'BatchGetItem':
      return { ...structure(body, ['RequestItems'], keyNames), requestItems: batchGets(body.RequestItems, keyNames) };
    case 'BatchWriteItem':
      return { ...structure(body, ['RequestItems'], keyNames), requestItems: batchWrites(body.RequestItems, keyNames) };
    case 'TransactGetItems':
    case 'TransactWriteItems':
      return { ...structure(body, ['TransactItems'], keyNames), requestItems: transactItems(body.TransactItems, keyNames) };
    case 'ExecuteStatement':
    case 'ExecuteTransaction':
    case 'BatchExecuteStatement':
      return statements(body, keyNames);
    default:
      return structure(body, [], keyNames);
  }
}

/** A structure's members, renamed and stripped of item data; `skip` names members the caller renders itself. */
function structure(body: Readonly<Record<string, unknown>>, skip: readonly string[], keyNames: KeyNames): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const table = typeof body.TableName === 'string' ? body.TableName : undefined;
  for (const [name, value] of Object.entries(body)) {
    if (skip.includes(name) || VALUE_MEMBERS.has(name)) continue;
    out[member(name)] = memberValue(name, value, keyNames);
  }
  // PutItem's key, as AWS logs it beside the item's names.
  if (body.Key === undefined && body.Item !== undefined) {
    const key = keyOfItem(body.Item, table, keyNames);
    if (key !== undefined) out.key = key;
  }
  return out;
}

function memberValue(name: string, value: unknown, keyNames: KeyNames): unknown {
  if (name === 'Key') return keyValues(value);
  if (name === 'Keys') return Array.isArray(value) ? value.map(keyValues) : undefined;
  // An item's attribute names only; AttributeUpdates likewise.
  if (name === 'Item' || name === 'AttributeUpdates') return isRecord(value) ? Object.keys(value) : undefined;
  if (NAME_MAPS.has(name)) return value;
  if (CONDITION_MAPS.has(name)) return conditions(value);
  return plain(value, keyNames);
}

/** Any other value: structures renamed, lists mapped, scalars as they are. */
function plain(value: unknown, keyNames: KeyNames): unknown {
  if (Array.isArray(value)) return value.map((entry) => plain(entry, keyNames));
  if (isRecord(value)) return structure(value, [], keyNames);
  return value;
}

/** The key's values, unwrapped from their type descriptors (`{"S": "a"}` becomes `"a"`). */
function keyValues(key: unknown): Record<string, unknown> | undefined {
  if (!isRecord(key)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(key)) out[name] = isRecord(value) ? Object.values(value)[0] : value;
  return out;
}

/** The key attributes of an item, when the table's key schema is known. */
function keyOfItem(item: unknown, table: string | undefined, keyNames: KeyNames): Record<string, unknown> | undefined {
  if (!isRecord(item) || table === undefined) return undefined;
  const names = keyNames(table);
  if (names === undefined) return undefined;
  const key: Record<string, unknown> = {};
  for (const name of names) if (name in item) key[name] = item[name];
  return keyValues(key);
}

function conditions(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [attribute, condition] of Object.entries(value)) {
    out[attribute] = isRecord(condition) && typeof condition.ComparisonOperator === 'string' ? { comparisonOperator: condition.ComparisonOperator } : {};
  }
  return out;
}

/** One write or read of a batch or transaction, in the form AWS's TransactWriteItems example shows. */
function action(operation: string, tableName: string, body: Readonly<Record<string, unknown>>, keyNames: KeyNames): Record<string, unknown> {
  const { item, ...rest } = structure({ ...body, TableName: tableName }, [], keyNames);
  return { operation, ...rest, ...(item === undefined ? {} : { items: item }) };
}

function batchGets(requestItems: unknown, keyNames: KeyNames): unknown[] | undefined {
  if (!isRecord(requestItems)) return undefined;
  return Object.entries(requestItems).map(([tableName, request]) => action('Get', tableName, isRecord(request) ? request : {}, keyNames));
}

function batchWrites(requestItems: unknown, keyNames: KeyNames): unknown[] | undefined {
  if (!isRecord(requestItems)) return undefined;
  const out: unknown[] = [];
  for (const [tableName, requests] of Object.entries(requestItems)) {
    if (!Array.isArray(requests)) continue;
    for (const request of requests as unknown[]) {
      if (!isRecord(request)) continue;
      if (isRecord(request.PutRequest)) out.push(action('Put', tableName, request.PutRequest, keyNames));
      if (isRecord(request.DeleteRequest)) out.push(action('Delete', tableName, request.DeleteRequest, keyNames));
    }
  }
  return out;
}

function transactItems(items: unknown, keyNames: KeyNames): unknown[] | undefined {
  if (!Array.isArray(items)) return undefined;
  const out: unknown[] = [];
  for (const entry of items as unknown[]) {
    if (!isRecord(entry)) continue;
    for (const [operation, body] of Object.entries(entry)) {
      if (!isRecord(body)) continue;
      out.push(action(operation, typeof body.TableName === 'string' ? body.TableName : '', body, keyNames));
    }
  }
  return out;
}

/** PartiQL calls: each statement with its literals redacted, parameters left out. */
function statements(body: Readonly<Record<string, unknown>>, keyNames: KeyNames): Record<string, unknown> {
  const list = Array.isArray(body.Statements) ? body.Statements : Array.isArray(body.TransactStatements) ? body.TransactStatements : undefined;
  const out = structure(body, ['Statement', 'Statements', 'TransactStatements'], keyNames);
  if (typeof body.Statement === 'string') out.statement = redactStatement(body.Statement);
  if (list !== undefined) {
    out.requestItems = (list as unknown[]).map((entry) => {
      const statement = isRecord(entry) && typeof entry.Statement === 'string' ? redactStatement(entry.Statement) : undefined;
      return { statement };
    });
  }
  return out;
}

/**
 * Replaces a statement's literal values with `***(Redacted)`: strings in
 * single quotes (except a document's field names, before a `:`), and numbers
 * that do not belong to a name. Quoted names ("...") are kept.
 */
export function redactStatement(statement: string): string {
  let out = '';
  let at = 0;
  while (at < statement.length) {
    const char = statement[at]!;
    if (char === "'") {
      let end = at + 1;
      while (end < statement.length) {
        if (statement[end] === "'" && statement[end + 1] === "'") end += 2;
        else if (statement[end] === "'") break;
        else end++;
      }
      const literal = statement.slice(at, end + 1);
      out += /^\s*:/.test(statement.slice(end + 1)) ? literal : REDACTED;
      at = end + 1;
    } else if (char === '"') {
      const end = statement.indexOf('"', at + 1);
      const stop = end === -1 ? statement.length : end + 1;
      out += statement.slice(at, stop);
      at = stop;
    } else if (/[0-9]/.test(char) && !/[A-Za-z0-9_$]/.test(statement[at - 1] ?? ' ')) {
      const match = /^[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?/.exec(statement.slice(at))!;
      out += REDACTED;
      at += match[0].length;
    } else {
      out += char;
      at++;
    }
  }
  return out;
}

/** CloudTrail's member names: the API's, first letter lower-cased. */
function member(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
