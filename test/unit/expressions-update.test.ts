import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { requestExpressions } from '../../src/expressions/index.js';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';

type Values = Record<string, AttributeValue>;

function update(text: string, item: Item, values?: Values, names?: Record<string, string>): Item {
  const request = requestExpressions(names, values);
  const bound = request.update(text);
  request.finish();
  return bound.apply(item);
}

function rejects(text: string, message: string, values?: Values, names?: Record<string, string>): void {
  assert.throws(() => requestExpressions(names, values).update(text), { message });
}

function failsApply(text: string, item: Item, message: string, values?: Values): void {
  assert.throws(() => update(text, item, values), { message });
}

const base: Item = {
  pk: { S: 'k' },
  n: { N: '5' },
  s: { S: 'str' },
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2'] },
  l: { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }] },
  m: { M: { a: { N: '1' } } },
};

describe('update actions', () => {
  test('SET values, arithmetic, if_not_exists, list_append', () => {
    const out = update('SET s = :v, n = n + :one, c = if_not_exists(c, :zero) - :one, l = list_append(l, :more)', base, {
      ':v': { S: 'new' },
      ':one': { N: '1.50' },
      ':zero': { N: '0' },
      ':more': { L: [{ S: 'w' }] },
    });
    assert.deepEqual(out.s, { S: 'new' });
    assert.deepEqual(out.n, { N: '6.5' });
    assert.deepEqual(out.c, { N: '-1.5' });
    assert.deepEqual(out.l, { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }, { S: 'w' }] });
  });

  test('SET operands read the item as it was before the update', () => {
    const out = update('SET a2 = n, n = :v', base, { ':v': { N: '9' } });
    assert.deepEqual(out.a2, { N: '5' });
    assert.deepEqual(out.n, { N: '9' });
  });

  test('never mutates its input', () => {
    const before = structuredClone(base);
    update('SET m.b = :v REMOVE l[0] ADD ss :s', base, { ':v': { N: '2' }, ':s': { SS: ['c'] } });
    assert.deepEqual(base, before);
  });

  test('nested SET, list index past the end appends', () => {
    const out = update('SET m.b = :v, l[10] = :w', base, { ':v': { N: '2' }, ':w': { S: 'end' } });
    assert.deepEqual(out.m, { M: { a: { N: '1' }, b: { N: '2' } } });
    assert.deepEqual(out.l, { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }, { S: 'end' }] });
  });

  test('REMOVE, including list elements by original index', () => {
    const out = update('REMOVE s, l[0], l[2], m.a', base);
    assert.equal(out.s, undefined);
    assert.deepEqual(out.l, { L: [{ S: 'y' }] });
    assert.deepEqual(out.m, { M: {} });
  });

  test('ADD to numbers and sets, creating missing attributes', () => {
    const out = update('ADD n :n, ss :s, ns :ns, fresh :n', base, { ':n': { N: '-5' }, ':s': { SS: ['b', 'c'] }, ':ns': { NS: ['2.0', '3'] } });
    assert.deepEqual(out.n, { N: '0' });
    assert.deepEqual(out.ss, { SS: ['a', 'b', 'c'] });
    assert.deepEqual(out.ns, { NS: ['1', '2', '3'] });
    assert.deepEqual(out.fresh, { N: '-5' });
  });

  test('DELETE from sets; an emptied set disappears', () => {
    const out = update('DELETE ss :s, ns :ns, nope :s', base, { ':s': { SS: ['a'] }, ':ns': { NS: ['1', '2'] } });
    assert.deepEqual(out.ss, { SS: ['b'] });
    assert.equal(out.ns, undefined);
    assert.equal(out.nope, undefined);
  });

  test('updatedPaths lists the resolved path of every action, in order', () => {
    const request = requestExpressions({ '#b': 'b' }, { ':v': { N: '1' } });
    const bound = request.update('SET m.a = :v, m.#b = :v REMOVE s, l[2]');
    assert.deepEqual(bound.updatedPaths, [['m', 'a'], ['m', 'b'], ['s'], ['l', 2]]);
    assert.deepEqual([...new Set(bound.updatedPaths.map((path) => path[0]))], ['m', 's', 'l']);
  });
});

describe('update errors at apply time', () => {
  test('incorrect operand types', () => {
    const message = 'An operand in the update expression has an incorrect data type';
    failsApply('SET x = s + :v', base, message, { ':v': { N: '1' } });
    failsApply('SET x = list_append(s, :l)', base, message, { ':l': { L: [] } });
    failsApply('ADD s :v', base, message, { ':v': { N: '1' } });
    failsApply('ADD ss :v', base, message, { ':v': { NS: ['1'] } });
    failsApply('DELETE ns :v', base, message, { ':v': { SS: ['1'] } });
  });

  test('missing operand attribute and invalid document paths', () => {
    failsApply('SET x = nope', base, 'The provided expression refers to an attribute that does not exist in the item');
    const invalid = 'The document path provided in the update expression is invalid for update';
    failsApply('SET nope.a = :v', base, invalid, { ':v': { N: '1' } });
    failsApply('SET s.a = :v', base, invalid, { ':v': { N: '1' } });
    failsApply('SET m[0] = :v', base, invalid, { ':v': { N: '1' } });
    failsApply('REMOVE nope.a', base, invalid);
  });
});

describe('update expression errors', () => {
  test('syntax and emptiness', () => {
    rejects('SET =', 'Invalid UpdateExpression: Syntax error; token: "=", near: "SET ="');
    rejects('INVALID SYNTAX HERE', 'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"');
    rejects('', 'Invalid UpdateExpression: The expression can not be empty;');
  });

  test('each section once', () => {
    rejects('SET a = :v SET b = :v', 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;', { ':v': { N: '1' } });
    rejects('remove a REMOVE b', 'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;');
  });

  test('overlapping and conflicting paths', () => {
    rejects('SET a = :v REMOVE a.b', 'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]', { ':v': { N: '1' } });
    rejects('SET a.b = :v REMOVE a[1]', 'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]', { ':v': { N: '1' } });
  });

  test('names, values, reserved words, functions', () => {
    rejects('SET a = :v', 'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v');
    rejects('SET #a = :v', 'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a', { ':v': { N: '1' } });
    rejects('SET #a = :v', 'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a');
    rejects('SET status = :v', 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status', { ':v': { N: '1' } });
    rejects('SET a = size(b)', 'Invalid UpdateExpression: The function is not allowed in an update expression; function: size');
    rejects('SET a = list_append(b)', 'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1');
    rejects('SET a = if_not_exists(:v, b)', 'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists', { ':v': { N: '1' } });
    rejects('SET a = b + :v', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S', { ':v': { S: 'x' } });
    rejects('SET a = list_append(b, :v)', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: N', { ':v': { N: '1' } });
  });

  test('ADD and DELETE operand types', () => {
    rejects('ADD a :v', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND', { ':v': { S: 'x' } });
    rejects('DELETE a :v', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND', { ':v': { N: '1' } });
    rejects('ADD a :v', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND', { ':v': { L: [] } });
  });
});
