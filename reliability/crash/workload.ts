/**
 * The crash test's writes. Each operation is drawn over locked keys whose
 * state the model knows, so what it does is known before it is sent: the
 * item each of its keys holds afterwards if it takes effect, and whether a
 * condition refuses it (and with which error). Every write puts a fresh `w`
 * (write id) into the items it writes, so no two writes leave an item equal
 * and each one's effect is visible in the table and the stream.
 */
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ParameterizedStatement,
  type TransactWriteItem,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { tableName, type KeyRef, type Model } from './model.js';
import { N, S, sameItem, show, type Item } from './values.js';

export interface Change {
  readonly ref: KeyRef;
  readonly before: Item | undefined;
  /** The item if the operation takes effect (undefined: deleted). */
  readonly after: Item | undefined;
}

/** An error answer as the SDK raises it, with the members the checks read. */
export interface ServiceFailure {
  readonly name: string;
  readonly message: string;
  readonly Item?: Item;
  readonly CancellationReasons?: readonly { readonly Code?: string; readonly Item?: Item }[];
}

export interface Operation {
  readonly id: number;
  readonly kind: string;
  /** False for BatchWriteItem, whose writes each stand alone. */
  readonly atomic: boolean;
  readonly changes: readonly Change[];
  /** The error the operation must answer because a condition is false on the state before; undefined when it must succeed. */
  readonly refusal: string | undefined;
  send(client: DynamoDBClient): Promise<unknown>;
  /** What is wrong with a success's answer (returned images, unprocessed items), if anything. */
  checkAnswer(answer: unknown): string | undefined;
  /** What is wrong with the refusal's details (cancellation reasons, the item a failed condition returns), if anything. */
  checkRefusal(failure: ServiceFailure): string | undefined;
}

export interface Draw {
  /** An integer in [0, limit). */
  readonly random: (limit: number) => number;
  readonly model: Model;
  /** Epoch seconds. */
  readonly now: () => number;
  readonly nextId: () => number;
}

const TEN_YEARS = 10 * 365 * 86_400;
const CONDITION_FAILED = 'ConditionalCheckFailedException';
const CANCELED = 'TransactionCanceledException';

const chance = (draw: Draw, percent: number) => draw.random(100) < percent;
const pick = <T>(draw: Draw, list: readonly T[]): T => list[draw.random(list.length)]!;

/** Picks a kind by weight. */
function weighted<T extends string>(draw: Draw, weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  let roll = draw.random(entries.reduce((sum, [, weight]) => sum + weight, 0));
  for (const [kind, weight] of entries) {
    if (roll < weight) return kind;
    roll -= weight;
  }
  return entries[0]![0];
}

/** Collects the names and values an expression uses (DynamoDB refuses unused ones). */
class Expression {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};

  name(attribute: string): string {
    this.names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  }

  value(value: AttributeValue): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  parameters() {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

type Condition = { readonly kind: 'exists' | 'absent' } | { readonly kind: 'v'; readonly value: string };

function holds(condition: Condition | undefined, before: Item | undefined): boolean {
  if (condition === undefined) return true;
  if (condition.kind === 'v') return before?.v?.N === condition.value;
  return condition.kind === 'exists' ? before !== undefined : before === undefined;
}

function conditionText(condition: Condition, expression: Expression): string {
  if (condition.kind === 'v') return `${expression.name('v')} = ${expression.value(N(Number(condition.value)))}`;
  return `${condition.kind === 'exists' ? 'attribute_exists' : 'attribute_not_exists'}(${expression.name('pk')})`;
}

/** A condition on `v`: mostly the value the item holds, sometimes another one (which fails). */
function versionCondition(draw: Draw, before: Item | undefined, rightPercent: number): Condition {
  const current = before?.v?.N;
  return { kind: 'v', value: current !== undefined && chance(draw, rightPercent) ? current : String(Number(current ?? '0') + 1) };
}

function drawCondition(draw: Draw, before: Item | undefined, weights: Readonly<Record<'none' | 'exists' | 'absent' | 'v', number>>): Condition | undefined {
  const kind = weighted(draw, weights);
  if (kind === 'none') return undefined;
  return kind === 'v' ? versionCondition(draw, before, 70) : { kind };
}

function fill(draw: Draw): AttributeValue {
  // Mostly small items, a few of several KB (several write units, larger index entries).
  return S('x'.repeat(chance(draw, 8) ? 1000 + draw.random(6000) : draw.random(200)));
}

function doc(draw: Draw): AttributeValue {
  return {
    M: {
      n: N(draw.random(1_000_000)),
      l: { L: [S('a'), N(draw.random(10)), { BOOL: true }, { NULL: true }] },
      ss: { SS: ['a', 'b', `c${draw.random(5)}`] },
    },
  };
}

/** The attributes an item may or may not have (each an index key or projected somewhere), with how often a new item has them. */
const OPTIONAL: readonly (readonly [string, number, (draw: Draw) => AttributeValue])[] = [
  ['g', 80, (draw) => S(`g${draw.random(10)}`)],
  ['r', 70, (draw) => N(draw.random(100))],
  ['tag', 40, (draw) => S(`t${draw.random(5)}`)],
  ['exp', 20, (draw) => N(draw.now() + TEN_YEARS)],
  ['doc', 30, doc],
];

function newItem(draw: Draw, ref: KeyRef, w: string): Item {
  const item: Item = { ...ref.key, w: S(w), v: N(draw.random(1000)), fill: fill(draw) };
  if (ref.table === 'side') return item;
  for (const [name, percent, make] of OPTIONAL) if (chance(draw, percent)) item[name] = make(draw);
  // An expiring key's item is swept by TTL (expiry in the past) or kept (far future).
  if (ref.expiring) item.exp = N(chance(draw, 60) ? draw.now() - 100 : draw.now() + TEN_YEARS);
  return item;
}

const writeId = (opId: number, index: number) => `w${opId}.${index}`;

function mismatch(what: string, expected: Item | undefined, got: Item | undefined): string | undefined {
  return sameItem(expected, got) ? undefined : `${what}: expected ${show(expected)}, got ${show(got)}`;
}

const noProblem = () => undefined;

interface Single {
  readonly kind: string;
  readonly change: Change;
  readonly refusal: string | undefined;
  readonly send: (client: DynamoDBClient) => Promise<unknown>;
  readonly checkAnswer?: (answer: unknown) => string | undefined;
  /** Whether a failed condition returns the old item (ReturnValuesOnConditionCheckFailure ALL_OLD). */
  readonly returnsItemOnFailure: boolean;
}

function single(draw: Draw, spec: Single): Operation {
  return {
    id: draw.nextId(),
    kind: spec.kind,
    atomic: true,
    changes: [spec.change],
    refusal: spec.refusal,
    send: spec.send,
    checkAnswer: spec.checkAnswer ?? noProblem,
    checkRefusal: (failure) =>
      failure.name === CONDITION_FAILED ? mismatch('the item the failed condition returned', spec.returnsItemOnFailure ? spec.change.before : undefined, failure.Item) : undefined,
  };
}

type ReturnedImage = 'NONE' | 'ALL_OLD' | 'ALL_NEW';

function checkReturned(returned: ReturnedImage, change: Change): (answer: unknown) => string | undefined {
  const attributes = (answer: unknown) => (answer as { Attributes?: Item }).Attributes;
  if (returned === 'ALL_OLD') return (answer) => mismatch('ALL_OLD', change.before, attributes(answer));
  if (returned === 'ALL_NEW') return (answer) => mismatch('ALL_NEW', change.after, attributes(answer));
  return noProblem;
}

/** The members PutItem, UpdateItem and DeleteItem share in a request. */
interface SingleRequest {
  readonly TableName: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue>;
  readonly ReturnValues: ReturnedImage;
  readonly ReturnValuesOnConditionCheckFailure?: 'ALL_OLD';
}

/** A PutItem, UpdateItem or DeleteItem of `change` under `condition`; `send` adds what is its own to the shared members. */
function singleWrite(
  draw: Draw,
  kind: string,
  change: Change,
  condition: Condition | undefined,
  expression: Expression,
  returned: ReturnedImage,
  send: (client: DynamoDBClient, request: SingleRequest) => Promise<unknown>,
): Single {
  const returnsItemOnFailure = chance(draw, 50);
  // The condition's names and values join the expression's before its parameters are taken.
  const conditionExpression = condition === undefined ? {} : { ConditionExpression: conditionText(condition, expression) };
  const request: SingleRequest = {
    TableName: tableName(change.ref.table),
    ...conditionExpression,
    ...expression.parameters(),
    ReturnValues: returned,
    ...(returnsItemOnFailure ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}),
  };
  return {
    kind,
    change,
    refusal: holds(condition, change.before) ? undefined : CONDITION_FAILED,
    returnsItemOnFailure,
    send: (client) => send(client, request),
    checkAnswer: checkReturned(returned, change),
  };
}

function putItem(draw: Draw, ref: KeyRef, id: number): Single {
  const before = draw.model.state(ref);
  const item = newItem(draw, ref, writeId(id, 0));
  const condition = ref.expiring ? undefined : drawCondition(draw, before, { none: 40, absent: 30, v: 20, exists: 10 });
  const returned: ReturnedImage = !ref.expiring && chance(draw, 50) ? 'ALL_OLD' : 'NONE';
  const kind = ref.table === 'side' ? 'PutItem (side)' : ref.expiring ? 'PutItem (expiring)' : 'PutItem';
  return singleWrite(draw, kind, { ref, before, after: item }, condition, new Expression(), returned, (client, request) =>
    client.send(new PutItemCommand({ ...request, Item: item })),
  );
}

/** SET w, v = if_not_exists(v, 0) + d and fill, and sets or removes each optional attribute now and then. */
function updateExpression(draw: Draw, ref: KeyRef, before: Item | undefined, w: string, expression: Expression): { text: string; after: Item } {
  const d = 1 + draw.random(5);
  const fillValue = fill(draw);
  const sets = [
    `${expression.name('w')} = ${expression.value(S(w))}`,
    `${expression.name('v')} = if_not_exists(${expression.name('v')}, ${expression.value(N(0))}) + ${expression.value(N(d))}`,
    `${expression.name('fill')} = ${expression.value(fillValue)}`,
  ];
  const removes: string[] = [];
  const after: Item = { ...(before ?? ref.key), w: S(w), v: N(Number(before?.v?.N ?? '0') + d), fill: fillValue };
  if (ref.table === 'main') {
    for (const [name, , make] of OPTIONAL) {
      const roll = draw.random(100);
      if (roll < 25) {
        const value = make(draw);
        sets.push(`${expression.name(name)} = ${expression.value(value)}`);
        after[name] = value;
      } else if (roll < 40) {
        removes.push(expression.name(name));
        delete after[name];
      }
    }
  }
  return { text: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`, after };
}

function updateItem(draw: Draw, ref: KeyRef, id: number): Single {
  const before = draw.model.state(ref);
  const expression = new Expression();
  const update = updateExpression(draw, ref, before, writeId(id, 0), expression);
  const condition = drawCondition(draw, before, { none: 30, exists: 30, v: 30, absent: 10 });
  // ALL_OLD of an item that did not exist is no Attributes at all.
  const returned = pick<ReturnedImage>(draw, ['NONE', 'ALL_OLD', 'ALL_NEW']);
  return singleWrite(draw, 'UpdateItem', { ref, before, after: update.after }, condition, expression, returned, (client, request) =>
    client.send(new UpdateItemCommand({ ...request, Key: ref.key, UpdateExpression: update.text })),
  );
}

function deleteItem(draw: Draw, ref: KeyRef): Single {
  const before = draw.model.state(ref);
  const condition = drawCondition(draw, before, ref.table === 'side' ? { none: 60, exists: 40, absent: 0, v: 0 } : { none: 50, v: 30, exists: 20, absent: 0 });
  const returned: ReturnedImage = chance(draw, 50) ? 'ALL_OLD' : 'NONE';
  return singleWrite(draw, ref.table === 'side' ? 'DeleteItem (side)' : 'DeleteItem', { ref, before, after: undefined }, condition, new Expression(), returned, (client, request) =>
    client.send(new DeleteItemCommand({ ...request, Key: ref.key })),
  );
}

/** Puts and deletes, each standing alone; `items` chooses puts of fresh items for the keys given (the initial load). */
export function batchWrite(draw: Draw, refs: readonly KeyRef[], putsOnly = false): Operation {
  const id = draw.nextId();
  const changes = refs.map((ref, index): Change => {
    const before = draw.model.state(ref);
    const put = putsOnly || ref.expiring || chance(draw, 70);
    return { ref, before, after: put ? newItem(draw, ref, writeId(id, index)) : undefined };
  });
  const requests: Record<string, WriteRequest[]> = {};
  for (const { ref, after } of changes) {
    (requests[tableName(ref.table)] ??= []).push(after === undefined ? { DeleteRequest: { Key: ref.key } } : { PutRequest: { Item: after } });
  }
  return {
    id,
    kind: 'BatchWriteItem',
    atomic: false,
    changes,
    refusal: undefined,
    send: (client) => client.send(new BatchWriteItemCommand({ RequestItems: requests })),
    checkAnswer: (answer) => {
      const unprocessed = (answer as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems ?? {};
      return Object.keys(unprocessed).length === 0 ? undefined : `UnprocessedItems: ${JSON.stringify(unprocessed).slice(0, 300)}`;
    },
    checkRefusal: noProblem,
  };
}

/** One action of a transaction: the request's entry, its change, and its cancellation reason if it fails. */
interface Action<T> {
  readonly request: T;
  readonly change: Change;
  /** The reason's code when the action fails. */
  readonly failure: string | undefined;
  /** Whether the reason carries the old item (ReturnValuesOnConditionCheckFailure ALL_OLD). */
  readonly returnsItem: boolean;
}

function transactAction(draw: Draw, ref: KeyRef, w: string): Action<TransactWriteItem> {
  const before = draw.model.state(ref);
  const kind = weighted(draw, ref.table === 'main' ? { Put: 30, Update: 30, Delete: 20, ConditionCheck: 20 } : { Put: 50, Update: 0, Delete: 30, ConditionCheck: 20 });
  const expression = new Expression();
  // Conditions that mostly hold: most transactions should commit.
  const condition =
    kind === 'ConditionCheck'
      ? chance(draw, 50)
        ? versionCondition(draw, before, 85)
        : { kind: before !== undefined || chance(draw, 10) ? ('exists' as const) : ('absent' as const) }
      : chance(draw, 60)
        ? undefined
        : versionCondition(draw, before, 85);
  const TableName = tableName(ref.table);
  const returnsItemOnFailure = chance(draw, 30);
  const common = () => ({
    TableName,
    ...(condition === undefined ? {} : { ConditionExpression: conditionText(condition, expression) }),
    ...(returnsItemOnFailure ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
  });
  const failure = holds(condition, before) ? undefined : 'ConditionalCheckFailed';
  let request: TransactWriteItem;
  let after: Item | undefined;
  if (kind === 'Put') {
    after = newItem(draw, ref, w);
    request = { Put: { Item: after, ...common(), ...expression.parameters() } };
  } else if (kind === 'Update') {
    const update = updateExpression(draw, ref, before, w, expression);
    after = update.after;
    request = { Update: { Key: ref.key, UpdateExpression: update.text, ...common(), ...expression.parameters() } };
  } else if (kind === 'Delete') {
    after = undefined;
    request = { Delete: { Key: ref.key, ...common(), ...expression.parameters() } };
  } else {
    after = before;
    // common() holds its condition: a ConditionCheck always has one.
    request = { ConditionCheck: { Key: ref.key, ...common(), ...expression.parameters() } as NonNullable<TransactWriteItem['ConditionCheck']> };
  }
  return { request, change: { ref, before, after }, failure, returnsItem: returnsItemOnFailure };
}

/** The per-action reasons a cancelled transaction must give: the code, and the old item when asked for. */
function checkReasons(actions: readonly Action<unknown>[], failure: ServiceFailure): string | undefined {
  const reasons = failure.CancellationReasons ?? [];
  if (reasons.length !== actions.length) return `${reasons.length} cancellation reasons for ${actions.length} actions`;
  for (const [i, action] of actions.entries()) {
    const code = action.failure ?? 'None';
    if (reasons[i]!.Code !== code) return `cancellation reason ${i}: expected ${code}, got ${reasons[i]!.Code}`;
    const problem = mismatch(`cancellation reason ${i}'s item`, action.failure !== undefined && action.returnsItem ? action.change.before : undefined, reasons[i]!.Item);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function transaction<T>(id: number, kind: string, actions: readonly Action<T>[], send: (client: DynamoDBClient) => Promise<unknown>): Operation {
  return {
    id,
    kind,
    atomic: true,
    changes: actions.map((action) => action.change),
    refusal: actions.some((action) => action.failure !== undefined) ? CANCELED : undefined,
    send,
    checkAnswer: noProblem,
    checkRefusal: (failure) => checkReasons(actions, failure),
  };
}

function transactWrite(draw: Draw, refs: readonly KeyRef[]): Operation {
  const id = draw.nextId();
  const actions = refs.map((ref, index) => transactAction(draw, ref, writeId(id, index)));
  // The SDK gives every transaction a ClientRequestToken, so each one also writes its idempotency record.
  return transaction(id, 'TransactWriteItems', actions, (client) =>
    client.send(new TransactWriteItemsCommand({ TransactItems: actions.map((action) => action.request) })),
  );
}

/** A PartiQL INSERT, UPDATE or DELETE of one item, with the reason code it fails with in a transaction. */
function statement(draw: Draw, ref: KeyRef, w: string): Action<ParameterizedStatement> & { readonly error: string | undefined } {
  const before = draw.model.state(ref);
  const table = `"${tableName(ref.table)}"`;
  const keyNames = Object.keys(ref.key);
  const where = keyNames.map((name) => `"${name}" = ?`).join(' AND ');
  const keyValues = keyNames.map((name) => ref.key[name]!);
  const kind = weighted(draw, { INSERT: 35, UPDATE: 40, DELETE: 25 });
  if (kind === 'INSERT') {
    const item = newItem(draw, ref, w);
    const names = Object.keys(item);
    const exists = before !== undefined;
    return {
      request: { Statement: `INSERT INTO ${table} VALUE {${names.map((name) => `'${name}': ?`).join(', ')}}`, Parameters: names.map((name) => item[name]!) },
      change: { ref, before, after: item },
      failure: exists ? 'DuplicateItem' : undefined,
      returnsItem: false,
      error: exists ? 'DuplicateItemException' : undefined,
    };
  }
  const condition = chance(draw, 40) ? versionCondition(draw, before, 70) : undefined;
  const versionClause = condition?.kind === 'v' ? { text: ' AND "v" = ?', values: [N(Number(condition.value))] } : { text: '', values: [] };
  if (kind === 'UPDATE') {
    const d = 1 + draw.random(5);
    const fillValue = fill(draw);
    const removeTag = ref.table === 'main' && chance(draw, 30);
    const after: Item | undefined = before === undefined ? undefined : { ...before, w: S(w), v: N(Number(before.v!.N) + d), fill: fillValue };
    if (after !== undefined && removeTag) delete after.tag;
    // UPDATE needs the item, and the whole WHERE clause to hold on it.
    const fails = before === undefined || !holds(condition, before);
    return {
      request: {
        Statement: `UPDATE ${table} SET "w" = ? SET "v" = "v" + ? SET "fill" = ?${removeTag ? ' REMOVE "tag"' : ''} WHERE ${where}${versionClause.text}`,
        Parameters: [S(w), N(d), fillValue, ...keyValues, ...versionClause.values],
      },
      change: { ref, before, after },
      failure: fails ? 'ConditionalCheckFailed' : undefined,
      returnsItem: false,
      error: fails ? CONDITION_FAILED : undefined,
    };
  }
  // DELETE of a missing item does nothing; of an existing one, needs the WHERE clause to hold.
  const fails = before !== undefined && !holds(condition, before);
  return {
    request: { Statement: `DELETE FROM ${table} WHERE ${where}${versionClause.text}`, Parameters: [...keyValues, ...versionClause.values] },
    change: { ref, before, after: undefined },
    failure: fails ? 'ConditionalCheckFailed' : undefined,
    returnsItem: false,
    error: fails ? CONDITION_FAILED : undefined,
  };
}

function executeStatement(draw: Draw, ref: KeyRef): Operation {
  const id = draw.nextId();
  const { request, change, error } = statement(draw, ref, writeId(id, 0));
  return {
    id,
    kind: 'ExecuteStatement',
    atomic: true,
    changes: [change],
    refusal: error,
    send: (client) => client.send(new ExecuteStatementCommand(request)),
    checkAnswer: noProblem,
    checkRefusal: noProblem,
  };
}

function executeTransaction(draw: Draw, refs: readonly KeyRef[]): Operation {
  const id = draw.nextId();
  const actions = refs.map((ref, index) => statement(draw, ref, writeId(id, index)));
  return transaction(id, 'ExecuteTransaction', actions, (client) =>
    client.send(new ExecuteTransactionCommand({ TransactStatements: actions.map((action) => action.request) })),
  );
}

const KINDS = {
  PutItem: 16,
  PutExpiring: 8,
  UpdateItem: 18,
  DeleteItem: 7,
  SideItem: 6,
  BatchWriteItem: 10,
  TransactWriteItems: 14,
  ExecuteStatement: 12,
  ExecuteTransaction: 7,
} as const;

/** `count` distinct keys drawn from `pools` (each draw picks a pool by weight), or undefined when one is locked. */
function lockKeys(draw: Draw, count: number, pools: readonly (readonly [readonly KeyRef[], number])[]): KeyRef[] | undefined {
  const chosen = new Map<string, KeyRef>();
  const total = pools.reduce((sum, [, weight]) => sum + weight, 0);
  for (let tries = 0; chosen.size < count && tries < count * 4; tries++) {
    let roll = draw.random(total);
    const pool = pools.find(([, weight]) => (roll -= weight) < 0)![0];
    const ref = pick(draw, pool);
    chosen.set(ref.id, ref);
  }
  const refs = [...chosen.values()];
  return draw.model.tryLock(refs) ? refs : undefined;
}

/** The next write over keys it has locked, or undefined when the keys it drew were taken (draw again). */
export function nextOperation(draw: Draw): Operation | undefined {
  const { model } = draw;
  const kind = weighted(draw, KINDS);
  const one = (pool: readonly KeyRef[]) => lockKeys(draw, 1, [[pool, 1]])?.[0];
  switch (kind) {
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const ref = one(model.main);
      if (ref === undefined) return undefined;
      const id = draw.nextId();
      return single(draw, kind === 'PutItem' ? putItem(draw, ref, id) : kind === 'UpdateItem' ? updateItem(draw, ref, id) : deleteItem(draw, ref));
    }
    case 'PutExpiring': {
      const ref = one(model.expiring);
      return ref === undefined ? undefined : single(draw, putItem(draw, ref, draw.nextId()));
    }
    case 'SideItem': {
      const ref = one(model.side);
      return ref === undefined ? undefined : single(draw, chance(draw, 60) ? putItem(draw, ref, draw.nextId()) : deleteItem(draw, ref));
    }
    case 'BatchWriteItem': {
      const refs = lockKeys(draw, 2 + draw.random(24), [
        [model.main, 60],
        [model.expiring, 15],
        [model.side, 25],
      ]);
      return refs === undefined ? undefined : batchWrite(draw, refs);
    }
    case 'TransactWriteItems': {
      const refs = lockKeys(draw, 2 + draw.random(5), [
        [model.main, 70],
        [model.side, 30],
      ]);
      return refs === undefined ? undefined : transactWrite(draw, refs);
    }
    case 'ExecuteStatement': {
      const ref = lockKeys(draw, 1, [
        [model.main, 75],
        [model.side, 25],
      ])?.[0];
      return ref === undefined ? undefined : executeStatement(draw, ref);
    }
    case 'ExecuteTransaction': {
      const refs = lockKeys(draw, 2 + draw.random(3), [
        [model.main, 70],
        [model.side, 30],
      ]);
      return refs === undefined ? undefined : executeTransaction(draw, refs);
    }
  }
}

