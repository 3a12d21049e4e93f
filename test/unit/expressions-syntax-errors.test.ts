import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestExpressions } from '../../src/expressions/index.js';

// Each expectation was read off DynamoDB Local, whose expression parser is Amazon's.
const CASES: [string, string, string][] = [
  ['a = ', '<EOF>', '= '],
  ['a =', '<EOF>', '='],
  ['and = :v', 'and', 'and ='],
  ['not = :v', '=', 'not = :v'],
  ['a.set = :v', 'set', '.set ='],
  ['a = :v AND set = :v', 'set', 'AND set ='],
  ['SET =', 'SET', 'SET ='],
  ['SET a = :v SET', 'SET', 'SET a'],
  ['a = = b', '=', '= = b'],
  ['REMOVE', 'REMOVE', 'REMOVE'],
  ['a BETWEEN :v', '<EOF>', ':v'],
  ['a IN ()', ')', '()'],
  ['attribute_exists(a', '<EOF>', 'a'],
  ['(a = :v', '<EOF>', ':v'],
  ['a = :v)', ')', ':v)'],
  ['a < :v b', 'b', ':v b'],
  ['INVALID SYNTAX', 'SYNTAX', 'INVALID SYNTAX'],
];

for (const [expression, token, near] of CASES) {
  test(`syntax error in ${JSON.stringify(expression)} names token ${token} near ${JSON.stringify(near)}`, () => {
    const expressions = requestExpressions(undefined, { ':v': { S: '1' } });
    assert.throws(() => expressions.condition(expression, 'ConditionExpression'), {
      message: `Invalid ConditionExpression: Syntax error; token: "${token}", near: "${near}"`,
    });
  });
}
