import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyConditionsTerms, requestExpressions, type KeyTerm } from '../../src/expressions/index.js';

const values = { ':a': { S: 'a' }, ':b': { S: 'b' }, ':n': { N: '1' } };

function terms(text: string, names?: Record<string, string>): KeyTerm[] {
  const expressions = requestExpressions(names, values);
  const bound = expressions.keyCondition(text);
  return bound.terms();
}

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail('expected an error');
}

describe('KeyConditionExpression', () => {
  test('equality and every sort-key operator become terms', () => {
    assert.deepEqual(terms('pk = :a'), [{ name: 'pk', operator: 'EQ', values: [{ S: 'a' }] }]);
    assert.deepEqual(terms('#p = :a AND sk BETWEEN :a AND :b', { '#p': 'pk' })[1], {
      name: 'sk',
      operator: 'BETWEEN',
      values: [{ S: 'a' }, { S: 'b' }],
    });
    assert.equal(terms('pk = :a and begins_with(sk, :b)')[1]?.operator, 'BEGINS_WITH');
    for (const [op, expected] of [['<', 'LT'], ['<=', 'LE'], ['>', 'GT'], ['>=', 'GE']] as const) {
      assert.equal(terms(`pk = :a AND sk ${op} :b`)[1]?.operator, expected);
    }
  });

  test('a value on the left flips the comparison', () => {
    assert.equal(terms('pk = :a AND :b < sk')[1]?.operator, 'GT');
    assert.equal(terms('pk = :a AND :b >= sk')[1]?.operator, 'LE');
  });

  test('parentheses are accepted', () => {
    assert.equal(terms('(pk = :a) AND (sk = :b)').length, 2);
    assert.equal(terms('(pk = :a AND (sk = :b))').length, 2);
  });

  test("DynamoDB's messages for what an index cannot serve", () => {
    const cases: [string, string][] = [
      ['pk = :a OR sk = :b', 'Invalid operator used in KeyConditionExpression: OR'],
      ['pk IN (:a, :b)', 'Invalid operator used in KeyConditionExpression: IN'],
      ['NOT pk = :a', 'Invalid operator used in KeyConditionExpression: NOT'],
      ['pk <> :a', 'Invalid operator used in KeyConditionExpression: <>'],
      ['attribute_exists(pk)', 'Invalid operator used in KeyConditionExpression: attribute_exists'],
      ['size(pk) > :n', 'KeyConditionExpressions cannot contain nested operations'],
      ['pk > sk', 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
      ['pk.x = :a', 'KeyConditionExpressions cannot have conditions on nested attributes'],
      [':a = :b', 'Invalid condition in KeyConditionExpression: No key attribute specified'],
      ['begins_with(:a, pk)', 'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand'],
      ['pk = :a AND pk = :b', 'KeyConditionExpressions must only contain one condition per key'],
      // Up to eight conditions (a multi-attribute GSI key) reach Query, which knows how many the index takes.
      ['a = :a AND b = :a AND c = :a AND d = :a AND e = :a AND f = :a AND g = :a AND h = :a AND i = :a', 'Conditions can be of length 1 or 2 only'],
      ['', 'Invalid KeyConditionExpression: The expression can not be empty;'],
      ['pk = :missing', 'Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing'],
      [
        'pk BETWEEN :b AND :a',
        'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}',
      ],
    ];
    for (const [text, expected] of cases) assert.equal(message(() => terms(text)), expected, text);
  });

  test('generic faults are found when binding, key-only faults only when terms are asked for', () => {
    const expressions = requestExpressions(undefined, values);
    const bound = expressions.keyCondition('pk = :a OR sk = :b');
    assert.match(message(() => bound.terms()), /Invalid operator/);
  });
});

describe('legacy KeyConditions', () => {
  test('entries become terms, validated like Expected', () => {
    assert.deepEqual(keyConditionsTerms({ pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }), [
      { name: 'pk', operator: 'EQ', values: [{ S: 'a' }] },
    ]);
    assert.equal(
      message(() => keyConditionsTerms({ pk: { ComparisonOperator: 'EQ', AttributeValueList: [] } })),
      'One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator',
    );
    assert.equal(message(() => keyConditionsTerms({})), 'Conditions can be of length 1 or 2 only');
  });
});
