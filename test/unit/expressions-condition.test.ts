import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { requestExpressions } from '../../src/expressions/index.js';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import { prng } from '../helpers/random.js';

type Values = Record<string, AttributeValue>;

function check(text: string, item: Item | undefined, values: Values = {}, names?: Record<string, string>): boolean {
  const request = requestExpressions(names, Object.keys(values).length > 0 ? values : undefined);
  const result = request.condition(text, 'ConditionExpression').evaluate(item);
  request.finish();
  return result;
}

function fails(text: string, message: string, values?: Values, names?: Record<string, string>, param: 'ConditionExpression' | 'FilterExpression' = 'FilterExpression'): void {
  assert.throws(
    () => requestExpressions(names, values).condition(text, param),
    (error: Error & { type?: string }) => {
      assert.equal(error.message, `Invalid ${param}: ${message}`);
      assert.equal(error.type, 'ValidationException');
      return true;
    },
  );
}

const item: Item = {
  s: { S: 'hello' },
  n: { N: '10' },
  b: { B: Buffer.from([1, 2, 3]).toString('base64') },
  ss: { SS: ['x', 'y'] },
  ns: { NS: ['1', '2.5'] },
  l: { L: [{ S: 'a' }, { N: '1' }] },
  m: { M: { innerx: { S: 'deep' }, lst: { L: [{ N: '7' }] } } },
  flag: { BOOL: true },
  nothing: { NULL: true },
};

describe('condition evaluation', () => {
  test('comparators on numbers are exact', () => {
    assert.equal(check('n = :v', item, { ':v': { N: '10.000' } }), true);
    assert.equal(check('n < :v', item, { ':v': { N: '10.0000000000000000000000000000000001' } }), true);
    assert.equal(check('n <= :v', item, { ':v': { N: '10' } }), true);
    assert.equal(check('n > :v', item, { ':v': { N: '9.99' } }), true);
    assert.equal(check('n >= :v', item, { ':v': { N: '11' } }), false);
    assert.equal(check('n <> :v', item, { ':v': { N: '10' } }), false);
  });

  test('strings compare by UTF-8 bytes, binaries by unsigned bytes', () => {
    // U+FFFD sorts after U+10000 in UTF-16 code units but before it in UTF-8 bytes.
    assert.equal(check('s < :v', { s: { S: '\uFFFD' } }, { ':v': { S: '\u{10000}' } }), true);
    assert.equal(check('b < :v', item, { ':v': { B: Buffer.from([0xff]).toString('base64') } }), true);
  });

  test('different types never compare, and an attribute of an unordered type is never ordered', () => {
    assert.equal(check('n = :v', item, { ':v': { S: '10' } }), false);
    assert.equal(check('n < :v', item, { ':v': { S: '99' } }), false);
    assert.equal(check('flag < :v', item, { ':v': { N: '1' } }), false);
    assert.equal(check('flag BETWEEN :a AND :b', item, { ':a': { N: '1' }, ':b': { N: '2' } }), false);
  });

  test('a absent attribute makes comparisons false, but <> true', () => {
    assert.equal(check('absent = :v', item, { ':v': { N: '1' } }), false);
    assert.equal(check('absent < :v', item, { ':v': { N: '1' } }), false);
    assert.equal(check('absent <> :v', item, { ':v': { N: '1' } }), true);
    assert.equal(check('n = :v', undefined, { ':v': { N: '1' } }), false);
  });

  test('set equality ignores order; lists and maps compare deeply', () => {
    assert.equal(check('ss = :v', item, { ':v': { SS: ['y', 'x'] } }), true);
    assert.equal(check('ns = :v', item, { ':v': { NS: ['2.50', '1'] } }), true);
    assert.equal(check('ss = :v', item, { ':v': { SS: ['x'] } }), false);
    assert.equal(check('l = :v', item, { ':v': { L: [{ S: 'a' }, { N: '1.0' }] } }), true);
    assert.equal(check('l = :v', item, { ':v': { L: [{ N: '1' }, { S: 'a' }] } }), false);
    assert.equal(check('m.#i = :v', item, { ':v': { S: 'deep' } }, { '#i': 'innerx' }), true);
    assert.equal(check('m.lst[0] = :v', item, { ':v': { N: '7' } }), true);
  });

  test('BETWEEN and IN', () => {
    assert.equal(check('n BETWEEN :a AND :b', item, { ':a': { N: '10' }, ':b': { N: '20' } }), true);
    assert.equal(check('n between :a and :b', item, { ':a': { N: '11' }, ':b': { N: '20' } }), false);
    assert.equal(check('s IN (:a, :b)', item, { ':a': { S: 'no' }, ':b': { S: 'hello' } }), true);
    assert.equal(check('s IN (:a)', item, { ':a': { S: 'no' } }), false);
  });

  test('AND, OR, NOT and precedence', () => {
    const values = { ':t': { N: '10' }, ':f': { N: '0' } };
    assert.equal(check('n = :f OR n = :t AND n = :t', item, values), true);
    assert.equal(check('(n = :f OR n = :t) AND n = :f', item, values), false);
    assert.equal(check('NOT n = :f', item, { ':f': values[':f'] }), true);
    assert.equal(check('NOT (n = :t)', item, { ':t': values[':t'] }), false);
  });

  test('functions', () => {
    assert.equal(check('attribute_exists(m.innerx)', item), true);
    assert.equal(check('attribute_exists(m.otherx)', item), false);
    assert.equal(check('attribute_not_exists(zzz)', item), true);
    assert.equal(check('attribute_type(ss, :t)', item, { ':t': { S: 'SS' } }), true);
    assert.equal(check('attribute_type(ss, :t)', item, { ':t': { S: 'NS' } }), false);
    assert.equal(check('begins_with(s, :p)', item, { ':p': { S: 'he' } }), true);
    assert.equal(check('begins_with(b, :p)', item, { ':p': { B: Buffer.from([1, 2]).toString('base64') } }), true);
    assert.equal(check('begins_with(n, :p)', item, { ':p': { S: '1' } }), false);
    assert.equal(check('contains(s, :p)', item, { ':p': { S: 'ell' } }), true);
    assert.equal(check('contains(ss, :p)', item, { ':p': { S: 'y' } }), true);
    assert.equal(check('contains(ns, :p)', item, { ':p': { N: '2.50' } }), true);
    assert.equal(check('contains(l, :p)', item, { ':p': { N: '1' } }), true);
    assert.equal(check('contains(l, :p)', item, { ':p': { S: 'zz' } }), false);
    assert.equal(check('size(s) = :v', item, { ':v': { N: '5' } }), true);
    assert.equal(check('size(ss) = :v', item, { ':v': { N: '2' } }), true);
    assert.equal(check('size(m) = :v', item, { ':v': { N: '2' } }), true);
    assert.equal(check('size(b) > :v', item, { ':v': { N: '2' } }), true);
    assert.equal(check('size(n) = :v', item, { ':v': { N: '2' } }), false);
  });

  test('parenthesised operands are accepted', () => {
    assert.equal(check('(n) = (:v)', item, { ':v': { N: '10' } }), true);
    assert.equal(check('(size(s)) > :v', item, { ':v': { N: '1' } }), true);
    assert.equal(check('(attribute_exists(s))', item), true);
  });
});

describe('condition errors', () => {
  test('syntax errors name the token and its neighbour', () => {
    fails('a =', 'Syntax error; token: "<EOF>", near: "="');
    fails('a = = b', 'Syntax error; token: "=", near: "= = b"');
    fails('a in b', 'Syntax error; token: "b", near: "in b"');
    fails('ü > a', 'Syntax error; token: "ü", near: "ü >"');
  });

  test('empty and oversized expressions', () => {
    fails('', 'The expression can not be empty;');
    const long = `a = :v${' '.repeat(4100)}`;
    fails(long, `Expression size has exceeded the maximum allowed size; expression size: ${Buffer.byteLength(long)}`);
  });

  test('redundant parentheses', () => {
    fails('((a = b))', 'The expression has redundant parentheses;');
    fails('a=a and a > ((views))', 'The expression has redundant parentheses;');
    fails('a=a AND ((a=a AND a=a)) AND a=a', 'The expression has redundant parentheses;');
  });

  test('function name and placement', () => {
    fails('a=a and whatever((:things)) > a', 'Invalid function name; function: whatever');
    fails('attRIbute_exIsts(views)', 'Invalid function name; function: attRIbute_exIsts');
    fails('attribute_not_exists(things) > b', 'The function is not allowed to be used this way in an expression; function: attribute_not_exists');
    fails('size(things)', 'The function is not allowed to be used this way in an expression; function: size');
    fails('a in (b, attribute_exists(things))', 'The function is not allowed to be used this way in an expression; function: attribute_exists');
  });

  test('reserved words', () => {
    fails('status = :v', 'Attribute name is a reserved keyword; reserved keyword: status', { ':v': { S: 'x' } });
    fails(':a < abOrT', 'Attribute name is a reserved keyword; reserved keyword: abOrT', { ':a': { S: 'x' } });
  });

  test('undefined names and values', () => {
    fails('#n = :v', 'An expression attribute name used in the document path is not defined; attribute name: #n', { ':v': { S: 'x' } });
    fails('a = :v', 'An expression attribute value used in expression is not defined; attribute value: :v', undefined, undefined, 'ConditionExpression');
  });

  test('operand counts, document paths and distinct operands', () => {
    fails('begins_with(a)', 'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1');
    fails('size(a, b) > c', 'Incorrect number of operands for operator or function; operator or function: size, number of operands: 2');
    fails('attribute_exists(:a)', 'Operator or function requires a document path; operator or function: attribute_exists', { ':a': { S: 'x' } });
    fails('a = a', 'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]');
    fails('begins_with(x.y[1], #a.y[1])', 'The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [x, y, [1]]', undefined, { '#a': 'x' });
  });

  test('BETWEEN and IN refuse a first operand repeated among the others', () => {
    // Found by the condition fuzzer; DynamoDB Local 3.3.1's answers.
    const distinct = (operator: string, path: string) => `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${path}`;
    fails('a IN (a)', distinct('IN', '[a]'));
    fails('a IN (b, c, a)', distinct('IN', '[a]'));
    fails('a[0] IN (b, #x[0])', distinct('IN', '[a, [0]]'), undefined, { '#x': 'a' });
    fails('a BETWEEN a AND b', distinct('BETWEEN', '[a]'));
    fails('a.b BETWEEN c AND a.b', distinct('BETWEEN', '[a, b]'));
    // What comes first: undefined values, then (BETWEEN) operand types, then this, then (IN) the operand count.
    fails('a IN (a, :u)', 'An expression attribute value used in expression is not defined; attribute value: :u');
    fails('a BETWEEN a AND :t', 'Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL', { ':t': { BOOL: true } });
    fails(`a IN (a${', :v'.repeat(101)})`, distinct('IN', '[a]'), { ':v': { N: '1' } });
    assert.doesNotThrow(() => requestExpressions(undefined, undefined).condition('size(a) IN (size(a)) AND b IN (a, c)', 'FilterExpression'));
  });

  test('operand types', () => {
    fails('size(:a) > b', 'Incorrect operand type for operator or function; operator or function: size, operand type: N', { ':a': { N: '1' } });
    fails('begins_with(a, :a)', 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: N', { ':a': { N: '1' } });
    fails('attribute_type(a, :a)', 'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: BOOL', { ':a': { BOOL: true } });
    fails('a >= :a', 'Incorrect operand type for operator or function; operator or function: >=, operand type: BOOL', { ':a': { BOOL: true } });
    fails(':a < :b', 'Incorrect operand type for operator or function; operator or function: <, operand type: L', { ':a': { L: [] }, ':b': { NULL: true } });
    fails('a BETWEEN :a AND :b', 'Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: SS', { ':a': { N: '1' }, ':b': { SS: ['x'] } });
    fails('attribute_type(a, :a)', 'Invalid attribute type name found; type: XX, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}', { ':a': { S: 'XX' } });
  });

  test('BETWEEN bounds', () => {
    fails('a BETWEEN :b AND :c', 'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}', { ':b': { N: '5' }, ':c': { N: '1' } });
    fails('a BETWEEN :b AND :c', 'The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:a}', { ':b': { N: '5' }, ':c': { S: 'a' } });
  });

  test('IN takes at most 100 operands', () => {
    const values: Values = {};
    for (let i = 0; i < 101; i++) values[`:v${i}`] = { N: String(i) };
    const list = Object.keys(values).join(', ');
    fails(`a IN (${list})`, 'The IN operator is provided with too many operands; number of operands: 101', values);
    assert.equal(check(`a IN (${Object.keys(values).slice(0, 100).join(', ')})`, { a: { N: '99' } }, Object.fromEntries(Object.entries(values).slice(0, 100))), true);
  });

  test('nesting depth: 32 levels, the head included', () => {
    fails(`attribute_exists(a${'.b'.repeat(32)})`, 'The document path has too many nesting levels; nesting levels: 33');
    fails(`attribute_exists(a${'[0]'.repeat(32)})`, 'The document path has too many nesting levels; nesting levels: 33');
    assert.doesNotThrow(() => requestExpressions(undefined, undefined).filter(`attribute_exists(a${'.b'.repeat(31)})`));
  });

  test('earlier categories win over later ones', () => {
    // unknown function beats reserved word; reserved word beats an undefined value.
    fails('foo(status)', 'Invalid function name; function: foo');
    fails('status = :nope', 'Attribute name is a reserved keyword; reserved keyword: status');
  });
});

describe('condition properties', () => {

  test('< on random decimals agrees with exact decimal order, and NOT flips it', () => {
    const random = prng(42);
    // Each value is sign * (whole + thousandths / 1000); the oracle compares the scaled integers.
    const decimal = (): [string, number] => {
      const sign = random() < 0.5 ? -1 : 1;
      const whole = Math.floor(random() * 1000);
      const thousandths = Math.floor(random() * 1000);
      return [`${sign < 0 ? '-' : ''}${whole}.${String(thousandths).padStart(3, '0')}`, sign * (whole * 1000 + thousandths)];
    };
    for (let i = 0; i < 500; i++) {
      const [[a, scaledA], [b, scaledB]] = [decimal(), decimal()];
      const expected = scaledA < scaledB;
      assert.equal(check('x < :v', { x: { N: a } }, { ':v': { N: b } }), expected, `${a} < ${b}`);
      assert.equal(check('NOT x < :v', { x: { N: a } }, { ':v': { N: b } }), !expected);
    }
  });
});
