/**
 * Parsing work and depth: the expression parsers look at each token a bounded
 * number of times, however the text nests, and the deepest text DynamoDB's
 * size limits allow gets DynamoDB's error instead of overflowing the stack.
 * Work is counted in tokens looked at (parseStatistics), never timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition, parseProjection, parseStatistics, parseUpdate } from '../../src/expressions/parser.js';
import { ExpressionProblem } from '../../src/expressions/problem.js';
import { parseStatement } from '../../src/partiql/parser.js';
import { DynamoError } from '../../src/protocol/errors.js';

type Parse = (text: string) => unknown;

/** The outcome of a parse: its tree, or the message of the error DynamoDB would answer. */
function outcome(parse: Parse, text: string): { steps: number; message?: string } {
  const before = parseStatistics.steps;
  try {
    parse(text);
    return { steps: parseStatistics.steps - before };
  } catch (error) {
    if (!(error instanceof ExpressionProblem) && !(error instanceof DynamoError)) throw error;
    return { steps: parseStatistics.steps - before, message: error.message };
  }
}

const nest = (depth: number, make: (inner: string) => string, innermost: string): string => {
  let text = innermost;
  for (let i = 0; i < depth; i++) text = make(text);
  return text;
};

// Each shape at a given depth; PartiQL statements get a table name so the cache never answers.
const SHAPES: Record<string, [Parse, (depth: number) => string]> = {
  'nested parentheses': [parseCondition, (n) => `${'('.repeat(n)}a = :v${')'.repeat(n)}`],
  'unclosed parentheses': [parseCondition, (n) => `${'('.repeat(n)}a = :v`],
  'parentheses alone': [parseCondition, (n) => '('.repeat(n)],
  'NOT chain': [parseCondition, (n) => `${'NOT '.repeat(n)}a = :v`],
  'AND inside parentheses': [parseCondition, (n) => nest(n, (inner) => `a = :v AND (${inner})`, 'a = :v')],
  'mixed AND and OR': [parseCondition, (n) => nest(n, (inner) => `((a = :v) AND ((b = :v) OR (${inner})))`, 'c = :v')],
  'OR chain': [parseCondition, (n) => `a = :v${' OR a = :v'.repeat(n)}`],
  'nested calls': [parseCondition, (n) => `a < ${'f('.repeat(n)}b${')'.repeat(n)}`],
  'nested calls with parenthesized arguments': [parseCondition, (n) => `a < ${'f(('.repeat(n)}b${'))'.repeat(n)}`],
  'parenthesized operand': [parseCondition, (n) => `a = ${'('.repeat(n)}:v${')'.repeat(n)}`],
  'SET with nested parentheses': [parseUpdate, (n) => `SET a = ${'('.repeat(n)}b + :v${')'.repeat(n)}`],
  'SET with nested if_not_exists': [parseUpdate, (n) => `SET a = ${'if_not_exists(b, '.repeat(n)}:v${')'.repeat(n)}`],
  'many SET actions': [parseUpdate, (n) => `SET ${Array.from({ length: n }, (_, i) => `a${i} = :v`).join(', ')}`],
  'long projection': [parseProjection, (n) => Array.from({ length: n }, () => 'a.b[1]').join(', ')],
  'PartiQL NOT chain': [parseStatement, (n) => `SELECT * FROM "t${n}" WHERE ${'NOT '.repeat(n)}a = 1`],
  'PartiQL AND chain': [parseStatement, (n) => `SELECT * FROM "t${n}" WHERE pk = 'a'${' AND a = 1'.repeat(n)}`],
  'PartiQL nested size': [parseStatement, (n) => `SELECT * FROM "t${n}" WHERE ${'size('.repeat(n)}a${')'.repeat(n)} = 1`],
  'PartiQL nested list literal': [parseStatement, (n) => `SELECT * FROM "t${n}" WHERE a = ${'['.repeat(n)}${']'.repeat(n)}`],
};

test('parse work is linear in the text, however it nests', () => {
  for (const [name, [parse, make]] of Object.entries(SHAPES)) {
    for (const depth of [250, 500, 1000, 2000]) {
      const text = make(depth);
      const { steps } = outcome(parse, text);
      assert.ok(steps <= 4 * text.length, `${name} at depth ${depth}: ${steps} steps for ${text.length} characters`);
    }
  }
});

test('the deepest expressions within 4 KB get DynamoDB errors, never a stack overflow', () => {
  // The messages ScyllaDB's test_limits.py quotes from DynamoDB for these shapes
  // (checked in e2e/expressions-depth.test.ts), and syntax errors where the text
  // cannot parse (4,096 parentheses: DynamoDB Local 3.3.1's answer); no message:
  // the text parses, and the checks after parsing answer (with DynamoDB's message).
  const cases: [Parse, string, string | undefined][] = [
    [parseCondition, '('.repeat(4096), 'Syntax error; token: "<EOF>", near: "("'],
    [parseCondition, `${'('.repeat(2046)}a<b${')'.repeat(2046)}`, 'The expression has redundant parentheses;'],
    [parseCondition, `${'('.repeat(4090)}a<b`, 'Syntax error; token: "<EOF>", near: "b"'],
    [parseCondition, `a < ${'f('.repeat(1355)}b${')'.repeat(1355)}`, undefined],
    [parseCondition, `${'not '.repeat(1000)}a<b`, undefined],
    [parseCondition, `a<b ${'or (a<b '.repeat(454)}${')'.repeat(454)}`, undefined],
    [parseCondition, `a < ${'f(('.repeat(818)}b${'))'.repeat(818)}`, undefined],
    [parseUpdate, `SET a = ${'('.repeat(2040)}b + c${')'.repeat(2040)}`, 'The expression has redundant parentheses;'],
    [parseUpdate, `SET a = ${'('.repeat(4088)}`, 'Syntax error; token: "<EOF>", near: "("'],
  ];
  for (const [parse, text, message] of cases) {
    assert.ok(text.length <= 4096, text.slice(0, 20));
    assert.equal(outcome(parse, text).message, message, text.slice(0, 20));
  }
});
