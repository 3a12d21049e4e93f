/**
 * Expression limits and the names DynamoDB refuses in expressions: operator
 * counts, path depth, list index range, name syntax, misplaced functions.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

const V = { ':v': { N: '1' } };
const repeat = (count: number, make: (i: number) => string, separator: string): string =>
  Array.from({ length: count }, (_, i) => make(i)).join(separator);

describeEachBackend('expression limits', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'exprlimits');
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'k' }, n: { N: '5' }, l: { L: [{ N: '1' }] } } }));
  });

  // `null` sends no ExpressionAttributeValues.
  type Values = Record<string, AttributeValue> | null;
  const scan = (FilterExpression: string, values: Values, names?: Record<string, string>) =>
    target().ddb.send(
      new ScanCommand({ TableName: table, FilterExpression, ExpressionAttributeValues: values ?? undefined, ExpressionAttributeNames: names }),
    );
  const filterError = async (FilterExpression: string, values: Values = V, names?: Record<string, string>) => {
    const error = await errorOf(() => scan(FilterExpression, values, names));
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };
  const filterCount = async (FilterExpression: string, values: Values = V, names?: Record<string, string>) =>
    (await scan(FilterExpression, values, names)).Count;
  const update = (UpdateExpression: string, values: Values = V, names?: Record<string, string>) =>
    target().ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'k' } },
        UpdateExpression,
        ExpressionAttributeValues: values ?? undefined,
        ExpressionAttributeNames: names,
      }),
    );
  const updateError = async (expression: string, values: Values = V, names?: Record<string, string>) => {
    const error = await errorOf(() => update(expression, values, names));
    assert.equal(error.name, 'ValidationException');
    return error.message;
  };

  const TOO_MANY = 'The expression contains too many operators; operator count: 301';

  test('an expression holds at most 300 operators: comparisons, AND/OR/NOT, BETWEEN, IN and functions all count', async () => {
    // 150 comparisons and 149 ORs: 299.
    assert.equal(await filterCount(repeat(150, (i) => `a${i} < b`, ' OR '), null), 0);
    assert.equal(await filterError(repeat(151, (i) => `a${i} < b`, ' OR '), null), `Invalid FilterExpression: ${TOO_MANY}`);
    assert.equal(await filterCount(`${'NOT '.repeat(299)}n = :v`), 1);
    assert.equal(await filterError(`${'NOT '.repeat(300)}n = :v`), `Invalid FilterExpression: ${TOO_MANY}`);
    // size() and the comparison: 2 each, 101 * 2 + 100 ORs.
    assert.equal(await filterError(repeat(101, (i) => `size(a${i}) < b`, ' OR '), null), `Invalid FilterExpression: ${TOO_MANY}`);
    assert.equal(await filterError(repeat(151, (i) => `a${i} BETWEEN b AND c`, ' OR '), null), `Invalid FilterExpression: ${TOO_MANY}`);
    assert.equal(await filterError(repeat(151, (i) => `a${i} IN (b, c)`, ' OR '), null), `Invalid FilterExpression: ${TOO_MANY}`);
    assert.equal(await filterError(repeat(151, (i) => `attribute_exists(a${i})`, ' OR '), null), `Invalid FilterExpression: ${TOO_MANY}`);
    // In updates the arithmetic and the functions count, the actions do not.
    await update(`SET ${repeat(301, (i) => `a${i}=:v`, ',')}`);
    await update(`SET ${repeat(300, (i) => `a${i}=n+:v`, ',')}`);
    assert.equal(await updateError(`SET ${repeat(301, (i) => `a${i}=n+:v`, ',')}`), `Invalid UpdateExpression: ${TOO_MANY}`);
    assert.equal(
      await updateError(`SET ${repeat(251, (i) => `a${i}=n+:v`, ',')},${repeat(50, (i) => `b${i}=if_not_exists(n,:v)`, ',')}`),
      `Invalid UpdateExpression: ${TOO_MANY}`,
    );
  });

  test('the operator past the limit is reported where the check reaches it', async () => {
    // An undefined value met before the 301st operator wins; one met after loses.
    assert.equal(
      await filterError(`${'NOT '.repeat(300)}n = :nope`),
      'Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :nope',
    );
    assert.equal(
      await filterError(`${repeat(200, (i) => `a${i} < b`, ' OR ')} OR #nope < :v`),
      'Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #nope',
    );
    assert.equal(await filterError(`(${repeat(160, (i) => `a${i} < b`, ' AND ')}) OR n = :nope`), `Invalid FilterExpression: ${TOO_MANY}`);
    // Updates are checked from the last action to the first.
    assert.equal(await updateError(`SET z = :nope, ${repeat(301, (i) => `a${i}=n+:v`, ',')}`), `Invalid UpdateExpression: ${TOO_MANY}`);
    assert.equal(
      await updateError(`SET ${repeat(301, (i) => `a${i}=n+:v`, ',')}, z = :nope`),
      'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope',
    );
  });

  test('a document path names at most 32 levels, its head included', async () => {
    const deepest = `n${'.b'.repeat(31)}`;
    assert.equal(await filterCount(`attribute_exists(${deepest})`, null), 0);
    assert.equal(
      await filterError(`attribute_exists(${deepest}.c)`, null),
      'Invalid FilterExpression: The document path has too many nesting levels; nesting levels: 33',
    );
    assert.equal(
      await updateError(`SET l${'[0]'.repeat(32)} = :v`),
      'Invalid UpdateExpression: The document path has too many nesting levels; nesting levels: 33',
    );
    const error = await errorOf(() =>
      target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'k' } }, ProjectionExpression: `${deepest}.c` })),
    );
    assert.equal(error.message, 'Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33');
  });

  test('list indexes beyond the integer range are refused as written', async () => {
    assert.equal(await filterCount('l[2147483647] = :v'), 0);
    assert.equal(await filterError('l[2147483648] = :v'), 'Invalid FilterExpression: List index is not within the allowable range; index: [2147483648]');
    assert.equal(
      await updateError('SET n = l[999999999999999999999999999999]', null),
      'Invalid UpdateExpression: List index is not within the allowable range; index: [999999999999999999999999999999]',
    );
    const error = await errorOf(() =>
      target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'k' } }, ProjectionExpression: 'l[4294967296]' })),
    );
    assert.equal(error.message, 'Invalid ProjectionExpression: List index is not within the allowable range; index: [4294967296]');
  });

  test('names start with a letter; # and : need a name after them; indexes have no leading zero', async () => {
    assert.equal(await filterError('_a = :v'), 'Invalid FilterExpression: Syntax error; token: "_", near: "_a"');
    assert.equal(await filterError('# = :v', V, { '#a': 'n' }), 'Invalid FilterExpression: Syntax error; token: "#", near: "# ="');
    assert.equal(await filterError('n = :', null), 'Invalid FilterExpression: Syntax error; token: ":", near: "= :"');
    assert.equal(await filterError('l[0099] = :v'), 'Invalid FilterExpression: Syntax error; token: "0", near: "0099"');
    assert.equal(await filterError('1a = :v'), 'Invalid FilterExpression: Syntax error; token: "1", near: "1a"');
    assert.equal(await filterCount('a1_ = :v'), 0);
  });

  test('a bare size names an attribute: the function token is not taken for the reserved word', async () => {
    await update('SET size = :v');
    assert.equal(await filterCount('size = :v'), 1);
    assert.equal(await filterCount('size(size) = :v'), 0);
  });

  test('functions of the other kind of expression, and list_append nested', async () => {
    assert.equal(
      await filterError('if_not_exists(n, :v) = :v'),
      'Invalid FilterExpression: The function is not allowed in a condition expression; function: if_not_exists',
    );
    assert.equal(
      await filterError('n = list_append(l, l)', null),
      'Invalid FilterExpression: The function is not allowed in a condition expression; function: list_append',
    );
    assert.equal(
      await updateError('SET n = attribute_exists(l)', null),
      'Invalid UpdateExpression: The function is not allowed in an update expression; function: attribute_exists',
    );
    assert.equal(await updateError('SET n = size(l)', null), 'Invalid UpdateExpression: The function is not allowed in an update expression; function: size');
    const list = { ':l': { L: [{ N: '2' }] } };
    const misused = 'Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append';
    assert.equal(await updateError('SET l = list_append(list_append(l, :l), :l)', list), misused);
    assert.equal(await updateError('SET l = if_not_exists(l, list_append(:l, :l))', list), misused);
    assert.equal(await updateError('SET n = list_append(:l, :l) + :l', list), misused);
    // As a SET value's whole (parenthesized or not) it is fine, and so is if_not_exists inside it.
    await update('SET l = (list_append(if_not_exists(l, :l), :l))', list);
  });

  test('an expression holds at most 1 MB once its names and values are substituted, checked after its other checks', async () => {
    // The text plus each use's name bytes or value size: 10 * 100000 + 48461 + 116 is 1 MB and 1 byte.
    const values: Record<string, AttributeValue> = {};
    for (let i = 0; i < 10; i++) values[`:v${i}`] = { S: 'x'.repeat(100000) };
    const filter = (tail = '') => [...Object.keys(values).map((value) => `a = ${value}`), 'a = :z'].join(' OR ') + tail;
    assert.equal(await filterCount(filter(), { ...values, ':z': { S: 'x'.repeat(48460) } }), 0);
    const TOO_LARGE = 'Expression size has exceeded the maximum allowed size;';
    assert.equal(await filterError(filter(), { ...values, ':z': { S: 'x'.repeat(48461) } }), `Invalid FilterExpression: ${TOO_LARGE}`);
    const big = { ...values, ':z': { S: 'x'.repeat(100000) } };
    assert.equal(
      await filterError(filter(' OR n = n'), big),
      'Invalid FilterExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [n]',
    );
    const names: Record<string, string> = {};
    for (let i = 0; i < 18; i++) names[`#n${i}`] = 'n'.repeat(60000);
    assert.equal(await filterError(Object.keys(names).map((name) => `${name} = b`).join(' OR '), null, names), `Invalid FilterExpression: ${TOO_LARGE}`);
    // Each expression by itself, right after its own checks.
    const error = await errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'k' } },
          UpdateExpression: `SET ${Object.keys(big).map((value, i) => `s${i} = ${value}`).join(', ')}`,
          ConditionExpression: '#nope = n',
          ExpressionAttributeValues: big,
        }),
      ),
    );
    assert.equal(error.message, `Invalid UpdateExpression: ${TOO_LARGE}`);
  });
});
